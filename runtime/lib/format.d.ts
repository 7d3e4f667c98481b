// Types for the node-side tests; the guest loads format.js itself.
export function formatArg(v: unknown): string;
export function formatArgs(args: ArrayLike<unknown>): string;
