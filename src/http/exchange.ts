// The engine's neutral result: what happened on the wire, with no k6 shaping. The bridge
// (src/sandbox/ops/http-response.ts) turns it into k6's response object; the built-in
// check and other protocols read it directly.
import type { Endpoint } from './causes.js';
import type { NetworkReason, Timings } from './types.js';

/** Facts of the connection that served (or failed) the final hop. */
export interface ConnFacts {
  remote?: Endpoint;
  local?: Endpoint;
  tlsVersion: string;
  tlsCipher: string;
  /** `HTTP/2.0` or `HTTP/1.1` once a response arrived; `''` when none did. */
  proto: string;
  viaProxy: boolean;
}

/** A classified failure; `message` names addresses and elapsed time, already redacted. */
export interface ExchangeFailure {
  reason: NetworkReason;
  /** k6 error_code. */
  code: number;
  /** k6 `error` text; `''` when the failure is not a k6 error (a proxy's 407). */
  error: string;
  message: string;
}

/** What was sent on the final hop (k6 echoes it as `res.request`). */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | null;
  cookies: Record<string, { name: string; value: string; replace: boolean }[]>;
}

export interface Exchange {
  /** The URL of the final hop (after redirects), or the one that failed. */
  url: string;
  /** 0 when no response arrived. */
  status: number;
  /** The server's reason phrase (HTTP/1.1 only). */
  reason: string;
  /** Response headers in wire order, names as sent. */
  headers: [string, string][];
  /** Decoded body bytes; null when not kept, not allowed (1xx/204/304) or on failure. */
  body: Buffer | null;
  conn: ConnFacts;
  timings: Timings;
  failure?: ExchangeFailure;
  request: SentRequest;
}
