// The data contract of the host network engine. Plain data only: no QuickJS types
// cross this boundary, so the engine can be used by the sandbox bridge, the
// built-in connectivity check and the library API alike.
import type { BodyBytesLease } from './body-budget.js';

import type { Exchange } from './exchange.js';

/** Stable CamelCase failure reasons. They appear in status documents: part of the API. */
export type { NetworkReason } from '../reasons.js';
import type { NetworkReason } from '../reasons.js';

/** One request, already normalised by the caller (k6 param rules applied). */
export interface HttpRequest {
  /** Passed through as given (k6 does not upper-case `http.request`'s method). */
  method: string;
  url: string;
  /** Header name → value. The engine adds User-Agent, Authorization (URL userinfo),
   *  Cookie (jar + `cookies`) and Content-Length where k6 would. */
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** Whole-request timeout in ms (connect + headers + body), default 60000. */
  timeoutMs: number;
  /** Redirect hops to follow; 0 returns the 3xx. Default 10. */
  maxRedirects: number;
  responseType: 'text' | 'binary' | 'none';
  /** Request-scoped cookies (k6 `params.cookies`), not stored in any jar. */
  cookies?: Record<string, { value: string; replace: boolean }>;
  /** Which cookie jar reads/stores cookies: `"vu"` (default) or an id from `newJar()`; null for none. */
  jar?: string | null;
  /** k6 `params.auth`: `"digest"` answers a Digest challenge with the URL's credentials;
   *  otherwise they are sent as Basic. */
  auth?: 'basic' | 'digest';
}

export interface Timings {
  blocked: number;
  looking_up: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

/** A response in k6's JS shape (snake_case field names are k6's). */
export interface HttpResponse {
  status: number;
  /** `"200 OK"`; `""` on error. */
  status_text: string;
  proto: string;
  /** Canonical names (`Content-Type`), repeats joined with ", ". `{}` on error. */
  headers: Record<string, string>;
  cookies: Record<string, ResponseCookie[]>;
  /** Text body as a string, binary as bytes; null on network error, `none`, 1xx/204/304. */
  body: string | Uint8Array | null;
  /** URL after redirects (or the one that failed). */
  url: string;
  remote_ip: string;
  remote_port: number;
  local_ip: string;
  local_port: number;
  tls_version: string;
  tls_cipher_suite: string;
  timings: Timings;
  /** `""` on success and on HTTP ≥ 400. */
  error: string;
  /** 0 on success; k6 error code; 1000 + status for status ≥ 400. */
  error_code: number;
  /** Set when the request failed in the network: the stable reason and a message a
   *  person can act on (addresses, elapsed time, a one-line hint), already redacted. */
  failure?: { reason: NetworkReason; message: string };
  request: {
    method: string;
    url: string;
    headers: Record<string, string[]>;
    body: string;
    cookies: Record<string, { name: string; value: string; replace: boolean }[]>;
  };
}

/** TLS client certificate for a set of domains (k6 `tlsAuth`). */
export interface TlsAuth {
  domains?: string[];
  cert: string; // PEM
  key: string; // PEM
  password?: string;
}

/** Per-validation engine settings: k6 options plus CLI network flags. */
export interface EngineOptions {
  userAgent: string;
  insecureSkipTLSVerify: boolean;
  /** Extra trusted CAs (PEM), added to the default set. */
  ca: string[];
  tlsAuth: TlsAuth[];
  /** k6 `tlsVersion`: "tls1.2" or {min, max}. */
  tlsVersion?: string | { min?: string; max?: string };
  /** DNS override from the operator (`--hosts`): name → "ip" or "ip:port". Trusted like DNS. */
  hosts: Record<string, string>;
  /** DNS override from the script's `options.hosts`, below the operator's. With an allowlist
   *  on, an address it gives is dialled only when an --allow-host IP/CIDR entry covers it or
   *  the name's real DNS answer holds it (src/http/policy.ts says why). */
  scriptHosts?: Record<string, string>;
  /** Source addresses to bind (k6 `localIPs`), expanded list; round-robin. */
  localIPs: string[];
  /** Proxy URL; when unset, HTTPS_PROXY/HTTP_PROXY/NO_PROXY from `env` apply. */
  proxy?: string;
  /** Environment used for proxy variables (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** When non-empty, only these hosts/IPs/CIDRs/`*.domain` may be reached. */
  allowHosts: string[];
  connectTimeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  discardResponseBodies: boolean;
  /** Query parameter names treated as secret by redaction (in addition to the defaults). */
  secretParams?: string[];
  /** Literal secret values (e.g. `--secret-env` values) to mask wherever they appear. */
  secretValues?: string[];
  /** Offer only HTTP/1.1 over TLS (no HTTP/2 by ALPN). Unset: HTTP/2 unless GODEBUG has http2client=0, as in k6. */
  http1?: boolean;
}

/** The engine: one per attempt (fresh connections, so every attempt dials anew). */
export interface HttpEngine {
  /**
   * The neutral result: what happened on the wire (src/http/exchange.ts). `budget`: the
   * attempt's response-bytes lease for this request (src/http/body-budget.ts).
   */
  exchange(req: HttpRequest, signal?: AbortSignal, budget?: BodyBytesLease): Promise<Exchange>;
  /** The same request in k6's response shape (shaped at the bridge, src/sandbox/ops/http-response.ts). */
  request(req: HttpRequest, signal?: AbortSignal, budget?: BodyBytesLease): Promise<HttpResponse>;
  /** Cookie jars (k6 `CookieJar`); `"vu"` always exists. */
  newJar(): string;
  jarCookiesForURL(jar: string, url: string): Record<string, string[]>;
  jarSet(jar: string, url: string, name: string, value: string, opts?: Record<string, unknown>): void;
  jarClear(jar: string, url: string): void;
  jarDelete(jar: string, url: string, name: string): void;
  close(): Promise<void>;
}
