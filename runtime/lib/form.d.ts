// Types for the node-side tests; the guest loads form.js itself.
export function queryEscape(s: string): string;
export function encodeForm(obj: Record<string, unknown>): { body: string; warnings: string[] };
export function randomBoundary(random?: () => number): string;
export function encodeMultipart(
  obj: Record<string, unknown>,
  isFile: (v: any) => boolean,
  bytesOf: (data: any) => Uint8Array,
  boundary?: string,
): { body: Uint8Array; contentType: string };
export function parseUrlencoded(input: string): [string, string][];
export function serializeUrlencoded(list: [string, string][]): string;
export class URLSearchParams {
  constructor(init?: unknown);
  readonly size: number;
  append(name: unknown, value: unknown): void;
  delete(name: unknown, value?: unknown): void;
  get(name: unknown): string | null;
  getAll(name: unknown): string[];
  has(name: unknown, value?: unknown): boolean;
  set(name: unknown, value: unknown): void;
  sort(): void;
  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  toString(): string;
}
export function bindSearchParams(params: URLSearchParams, fn: (serialized: string) => void): void;
export function resetSearchParams(params: URLSearchParams, query: string): void;
