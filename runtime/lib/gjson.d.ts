// Types for the node-side tests; the guest loads gjson.js itself.
export function goJsonError(text: string): { message: string; offset: number } | null;
export function jsonParseErrorMessage(text: string): string;
export function select(value: unknown, path: string): any;
export function selectText(text: string, path: string): any;
