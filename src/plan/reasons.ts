// The failure reasons as a runtime list (for --fail-fast-on and the manifest).
import type { AttemptReason } from '../attempt/types.js';

export const ATTEMPT_REASONS = [
  'DNSLookupFailed',
  'ConnectionRefused',
  'ConnectTimeout',
  'ConnectionReset',
  'TLSHandshakeFailed',
  'RequestTimeout',
  'EgressDenied',
  'ProxyFailed',
  'ResponseTooLarge',
  'NetworkError',
  'CheckFailed',
  'ScriptFailed',
  'ScriptTimeout',
  'MemoryLimitExceeded',
  'StackOverflow',
  'UnexpectedStatus',
  'CertificateExpiresSoon',
  'Cancelled',
] as const satisfies readonly AttemptReason[];

// Fails to type-check when a reason is added to AttemptReason but not listed above.
type Unlisted = Exclude<AttemptReason, (typeof ATTEMPT_REASONS)[number]>;
const _exhaustive: [Unlisted] extends [never] ? true : Unlisted = true;
void _exhaustive;

export function isAttemptReason(s: string): s is AttemptReason {
  return (ATTEMPT_REASONS as readonly string[]).includes(s);
}
