// Every default in one place: what an unset flag, option or manifest field means. The CLI's
// --help, the library and the manifest reader all read them from here.
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from '../http/defaults.js';
import type { SchedulePlan } from './plan.js';

export const DEFAULT_PLAN: Readonly<SchedulePlan> = Object.freeze({
  intervalMs: 15_000,
  backoff: 'constant',
  factor: 1.5,
  maxIntervalMs: 120_000,
  jitter: 0.1,
  maxDurationMs: 30 * 60_000,
  successThreshold: 1,
  /** One attempt; cut to the time left before the deadline. */
  timeoutMs: 30_000,
  initialDelayMs: 0,
  failFastOn: [] as string[],
});

/** The sandbox's hard memory cap. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;
/** The built-in check's request. */
export const DEFAULT_METHOD = 'GET';
/** Statuses the built-in check accepts, as k6 and Kubernetes probes see success. */
export const DEFAULT_EXPECT_TEXT = '200-399';
/** The script's key inside a ConfigMap or folder (else the only script). */
export const DEFAULT_SCRIPT_KEY = 'validate.js';

/** The defaults as a person writes them, for --help. */
export const DEFAULT_TEXT = {
  interval: '15s',
  backoff: 'constant',
  factor: '1.5',
  maxInterval: '2m',
  jitter: '0.1',
  maxDuration: '30m',
  successThreshold: '1',
  timeout: '30s',
  initialDelay: '0s',
  memoryLimit: '64MiB',
  connectTimeout: `${DEFAULT_CONNECT_TIMEOUT_MS / 1000}s`,
  maxBody: `${DEFAULT_MAX_BODY_BYTES / 1024 / 1024}MiB`,
  method: DEFAULT_METHOD,
  expect: DEFAULT_EXPECT_TEXT,
} as const;
