// Types for the node-side tests; the guest loads utf8.js itself.
export function utf8Encode(str: unknown): Uint8Array;
export function utf8DecodeChunk(bytes: Uint8Array, fatal: boolean, stream: boolean): { text: string; rest: Uint8Array | null };
export function utf8Decode(bytes: ArrayBuffer | ArrayBufferView): string;
export function bytesOf(v: unknown): Uint8Array | null;
export class TextEncoder {
  readonly encoding: 'utf-8';
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
export class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}
