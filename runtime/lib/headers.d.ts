// Types for the node-side tests; the guest loads headers.js itself.
export function canonicalHeaderKey(key: string): string;
export function normalizeHeaders(headers: unknown): Record<string, string>;
