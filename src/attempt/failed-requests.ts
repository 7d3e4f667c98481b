// Which requests count as failed: k6's definition behind its `http_req_failed` metric.
// A request fails when it got no response (status 0: a network error) or its status is
// not expected. The script states what it expects the k6 way (http.expectedStatuses via
// http.setResponseCallback or a request's `responseCallback` param); the guest sends that
// rule with the request and the host judges, so the record cannot be talked out of it.

export interface StatusRule {
  exact: number[];
  ranges: { min: number; max: number }[];
}

/** k6's default callback: http.expectedStatuses({ min: 200, max: 399 }). */
export const DEFAULT_STATUS_RULE: StatusRule = { exact: [], ranges: [{ min: 200, max: 399 }] };

/** Entries of a rule kept (a rule is the script's own data: bounded). */
const MAX_RULE_ENTRIES = 1000;

/**
 * The rule a guest request carries: absent → the default, null → none (the script turned
 * the callback off), an object → its statuses. Anything malformed falls back to the default.
 */
export function decodeStatusRule(raw: unknown): StatusRule | null {
  if (raw === null) return null;
  if (!raw || typeof raw !== 'object') return DEFAULT_STATUS_RULE;
  const r = raw as { exact?: unknown; ranges?: unknown };
  if (!Array.isArray(r.exact) || !Array.isArray(r.ranges)) return DEFAULT_STATUS_RULE;
  const exact = r.exact.slice(0, MAX_RULE_ENTRIES).filter((n): n is number => Number.isInteger(n));
  const ranges = r.ranges
    .slice(0, MAX_RULE_ENTRIES)
    .filter((x): x is { min: number; max: number } => !!x && typeof x === 'object' && Number.isInteger((x as any).min) && Number.isInteger((x as any).max))
    .map((x) => ({ min: x.min, max: x.max }));
  return { exact, ranges };
}

export function statusMatches(rule: StatusRule, status: number): boolean {
  return rule.exact.includes(status) || rule.ranges.some((r) => status >= r.min && status <= r.max);
}

/**
 * Whether a request failed. Without a rule (callback turned off) statuses are not judged,
 * but a request that got no response still fails: a gate never calls an unreachable target fine.
 * With a rule, a network error is status 0 (k6 passes 0 to the callback), so
 * `expectedStatuses(0, …)` is how a script says an error is expected.
 */
export function requestFailed(status: number, networkError: boolean, rule: StatusRule | null): boolean {
  if (rule === null) return networkError;
  return !statusMatches(rule, networkError ? 0 : status);
}

/** `200-399`, `403`, `200, 404, 500-599` for messages. */
export function formatStatusRule(rule: StatusRule | null): string {
  if (rule === null) return 'any status';
  const parts = [...rule.exact.map(String), ...rule.ranges.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`))];
  return parts.length ? parts.join(', ') : 'no status';
}
