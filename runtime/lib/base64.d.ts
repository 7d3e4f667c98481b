// Types for the node-side tests; the guest loads base64.js itself.
export function variantOf(name: unknown): { url: boolean; pad: boolean };
export function base64Encode(bytes: Uint8Array, url?: boolean, pad?: boolean): string;
export function base64Decode(str: string, url?: boolean, pad?: boolean): Uint8Array;
export function btoa(data: unknown): string;
export function atob(data: unknown): string;
export function hexEncode(bytes: Uint8Array): string;
