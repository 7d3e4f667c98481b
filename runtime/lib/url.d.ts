// Types for the node-side tests; the guest loads url.js itself.
export interface URLLike {
  href: string;
  readonly origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  readonly searchParams: import('./form.js').URLSearchParams;
  toString(): string;
  toJSON(): string;
}
export interface URLClass {
  new (url: unknown, base?: unknown): URLLike;
  canParse(url: unknown, base?: unknown): boolean;
  parse(url: unknown, base?: unknown): URLLike | null;
}
export function makeURLClass(deps: {
  parse: (url: string, base?: string, set?: [string, string]) => object;
  URLSearchParams: typeof import('./form.js').URLSearchParams;
  bindSearchParams: typeof import('./form.js').bindSearchParams;
  resetSearchParams: typeof import('./form.js').resetSearchParams;
}): URLClass;
