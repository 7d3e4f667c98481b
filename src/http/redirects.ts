// Redirect rules (Go's http.Client, which k6 uses): which statuses follow, how the method
// and body change, when credentials are dropped, and the Referer sent to the next hop.
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Go's rule for carrying Authorization/Cookie across a redirect: same host or a subdomain of it. */
export function sameOrSubdomain(next: string, initial: string): boolean {
  const a = next.toLowerCase();
  const b = initial.toLowerCase();
  return a === b || a.endsWith('.' + b);
}

/** The URL without userinfo and fragment, as it goes on the wire or in a Referer. */
export function urlForWire(u: URL): string {
  const c = new URL(u.href);
  c.username = '';
  c.password = '';
  c.hash = '';
  return c.href;
}

/** 301/302/303 turn a non-GET/HEAD into a GET without a body; 307/308 keep both. */
export function redirectMethod(status: number, method: string, body: Buffer | null): { method: string; body: Buffer | null } {
  if (status === 301 || status === 302 || status === 303) {
    return { method: method !== 'GET' && method !== 'HEAD' ? 'GET' : method, body: null };
  }
  return { method, body };
}

/** Go sends a Referer on redirects, except from https to http. */
export function redirectReferer(from: URL, to: URL): string | null {
  return from.protocol === 'https:' && to.protocol === 'http:' ? null : urlForWire(from);
}
