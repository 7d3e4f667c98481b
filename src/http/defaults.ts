// Engine defaults and option resolution: one place that says what an unset option means.
import type { EngineOptions } from './types.js';
import { parseLocalIPs } from './local-ips.js';
import { VERSION } from '../version.js';

export { VERSION };

/** The k6 release whose defaults the gate mirrors (k6's internal/build/version.go). */
export const K6_VERSION = '2.2.0';

/**
 * Default User-Agent: exactly what `k6 run` sends (`Grafana k6/<version>`, k6's
 * --user-agent default), so a WAF or allowlist treats the gate as it will treat the
 * test. `--user-agent` and the script's `userAgent` option override it.
 */
export const DEFAULT_USER_AGENT = `Grafana k6/${K6_VERSION}`;

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 10;
/** Cap on the response header block (status line + all headers). */
export const MAX_HEADER_BYTES = 64 * 1024;

export function defaultEngineOptions(): EngineOptions {
  return {
    userAgent: DEFAULT_USER_AGENT,
    insecureSkipTLSVerify: false,
    ca: [],
    tlsAuth: [],
    hosts: {},
    localIPs: [],
    allowHosts: [],
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    maxRedirects: DEFAULT_MAX_REDIRECTS,
    discardResponseBodies: false,
    secretParams: [],
    secretValues: [],
  };
}

/**
 * Fills unset fields with defaults. `undefined` means "not given"; `localIPs` entries may be
 * ranges or CIDRs (expanded here). Invalid numbers fall back to the default.
 */
export function resolveEngineOptions(partial: Partial<EngineOptions> = {}): EngineOptions {
  const d = defaultEngineOptions();
  const num = (v: number | undefined, def: number, min = 0) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min ? v : def;
  const out: EngineOptions = {
    ...d,
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
  } as EngineOptions;
  out.userAgent = typeof partial.userAgent === 'string' ? partial.userAgent : d.userAgent;
  out.connectTimeoutMs = num(partial.connectTimeoutMs, d.connectTimeoutMs, 1);
  out.maxBodyBytes = num(partial.maxBodyBytes, d.maxBodyBytes, 0);
  out.maxRedirects = Math.floor(num(partial.maxRedirects, d.maxRedirects, 0));
  out.localIPs = parseLocalIPs(partial.localIPs ?? []);
  out.ca = [...(partial.ca ?? [])];
  out.tlsAuth = [...(partial.tlsAuth ?? [])];
  out.hosts = { ...(partial.hosts ?? {}) };
  out.allowHosts = [...(partial.allowHosts ?? [])];
  return out;
}
