// The failure-reason vocabulary: every reason an attempt can fail with, listed once.
// The types are derived from these lists, so a reason added here is known everywhere
// (--fail-fast-on, manifests, the status document); nothing else lists them.
// Reasons are stable CamelCase strings, valid as Kubernetes condition reasons, and part
// of the JSON output.

/** Failures in the network, told apart by src/http/causes.ts. */
export const NETWORK_REASONS = [
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
] as const;

/** Failures after the network worked: the answer, the script, or the sandbox's limits. */
export const VERDICT_REASONS = [
  'CheckFailed',
  'ScriptFailed',
  'ScriptTimeout',
  'MemoryLimitExceeded',
  'StackOverflow',
  'UnexpectedStatus',
  'CertificateExpiresSoon',
  'Cancelled',
] as const;

export const ATTEMPT_REASONS = [...NETWORK_REASONS, ...VERDICT_REASONS] as const;

/** Reasons a final status can give besides an attempt's: no attempt ran to its end before the
 *  deadline, a signal stopped validation, or the configuration disabled it (nothing ran). */
export const STATUS_REASONS = ['NoAttempt', 'Aborted', 'ValidationSkipped'] as const;

export type NetworkReason = (typeof NETWORK_REASONS)[number];
export type StatusReason = (typeof STATUS_REASONS)[number];
/** Every reason an attempt can fail with. */
export type AttemptReason = (typeof ATTEMPT_REASONS)[number];

export function isAttemptReason(s: string): s is AttemptReason {
  return (ATTEMPT_REASONS as readonly string[]).includes(s);
}
