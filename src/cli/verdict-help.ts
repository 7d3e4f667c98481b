// The verdict rules in brief, for `run --help` and `poll --help` (README "Verdicts" has them in full).
export const VERDICT_RULES = [
  'Verdict: an attempt passes when every phase completed, no request failed, no check failed and nothing',
  'threw or called fail(). A request fails as in k6 (http_req_failed): a network error, or a status outside',
  'http.expectedStatuses (default 200-399; change it with responseCallback or http.setResponseCallback).',
  'options.thresholds on http_req_failed or checks (rate<0.1, rate>0.9, ...) replace those defaults.',
  'options.scenarios run each exec function once, in order; nothing to run is a usage error (exit 2).',
  'At the deadline, the cause is the last attempt that ran to its end; an attempt cut short is named as',
  'such. No attempt starts with less than min(--timeout, 250ms) left. Timeouts go up to 596h.',
].join(' ');
