// Types for the node-side tests; the guest loads duration.js itself.
export function parseGoDuration(input: string): number;
export function parseExtendedDuration(input: string): number;
export function durationValueMs(v: unknown): number;
