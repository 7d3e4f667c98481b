// A gRPC connection: HTTP/2 (node:http2) over a socket from the project's dial path, and
// calls on it. A call never throws for what the server or the network did: it ends with a
// gRPC status (and a classified failure when the network, not the server, ended it).
import * as http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { NetFailure, exchangeFailure, requestTimeout, tlsFailure, type FailureContext } from '../http/causes.js';
import type { ConnInfo } from '../http/dial.js';
import type { StreamDialer } from '../http/stream-dial.js';
import type { Timings } from '../http/types.js';

/** grpc-go's default limit on a received message. */
export const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;

export const Code = {
  OK: 0, Canceled: 1, Unknown: 2, InvalidArgument: 3, DeadlineExceeded: 4, NotFound: 5, AlreadyExists: 6,
  PermissionDenied: 7, ResourceExhausted: 8, FailedPrecondition: 9, Aborted: 10, OutOfRange: 11,
  Unimplemented: 12, Internal: 13, Unavailable: 14, DataLoss: 15, Unauthenticated: 16,
} as const;

export const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Code).map(([k, v]) => [v, k]));

/** Metadata as k6 shows it: lower-case keys, lists of values (binary `-bin` values base64). */
export type Metadata = Record<string, string[]>;

export interface CallResult {
  status: number;
  statusMessage: string;
  headers: Metadata;
  trailers: Metadata;
  /** Response messages received (a unary call has at most one). */
  messages: Uint8Array[];
  httpStatus: number;
  timings: Timings;
  /** Set when the network (or our deadline), not the server, ended the call. */
  failure?: NetFailure;
}

/** A call in progress (see GrpcConnection.open). */
export interface CallStream {
  send(messages: Uint8Array[], last: boolean): void;
  cancel(): void;
}

export interface ConnectOptions {
  host: string;
  port: number;
  plaintext: boolean;
  timeoutMs: number;
  authority?: string;
  userAgent: string;
  maxReceiveSize?: number;
  tls?: { ca?: string[]; cert?: string; key?: string; passphrase?: string };
}

/** Headers grpc-go keeps out of the metadata it reports. */
const RESERVED = new Set(['content-type', 'user-agent', 'grpc-message-type', 'grpc-encoding', 'grpc-message', 'grpc-status', 'grpc-timeout', 'grpc-status-details-bin', 'te', 'grpc-accept-encoding']);

function toMetadata(h: http2.IncomingHttpHeaders | undefined): Metadata {
  const out: Metadata = {};
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(':') || RESERVED.has(k) || v === undefined) continue;
    out[k] = Array.isArray(v) ? v : [String(v)];
  }
  return out;
}

/** grpc-go's mapping of an HTTP status without grpc-status. */
function codeForHttp(status: number): number {
  switch (status) {
    case 400: return Code.Internal;
    case 401: return Code.Unauthenticated;
    case 403: return Code.PermissionDenied;
    case 404: return Code.Unimplemented;
    case 429: case 502: case 503: case 504: return Code.Unavailable;
    default: return Code.Unknown;
  }
}

function frame(msg: Uint8Array): Buffer {
  const b = Buffer.alloc(5 + msg.length);
  b.writeUInt32BE(msg.length, 1);
  b.set(msg, 5);
  return b;
}

/** Grpc-timeout header value (at most 8 digits, as the spec requires). */
function grpcTimeout(ms: number): string {
  const m = Math.max(1, Math.ceil(ms));
  return m < 1e8 ? `${m}m` : `${Math.ceil(m / 1000)}S`;
}

const now = () => performance.now();

export class GrpcConnection {
  private constructor(
    private readonly session: http2.ClientHttp2Session,
    readonly info: ConnInfo,
    readonly dialTimings: Timings,
    private readonly opts: ConnectOptions,
    readonly address: string,
  ) {}

  /** Dials and waits for the server's HTTP/2 settings; rejects with a NetFailure. */
  static async connect(dialer: StreamDialer, o: ConnectOptions, signal?: AbortSignal): Promise<GrpcConnection> {
    const started = now();
    const { socket, info, timings } = await dialer.open({ secure: !o.plaintext, hostname: o.host, port: o.port, alpn: ['h2'], ...(o.tls ? { tls: o.tls } : {}) }, o.timeoutMs, signal);
    const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
    const ctx: FailureContext = { host: o.host, target: info.remote, source: info.local };
    if (!o.plaintext && (socket as { alpnProtocol?: string | false }).alpnProtocol !== 'h2') {
      socket.destroy();
      throw new NetFailure(1000, 'credentials: cannot check peer: missing selected ALPN property', 'NetworkError', 'tls', 'the TLS server did not negotiate HTTP/2 (ALPN h2)', 'the port is not a gRPC server over TLS (plaintext: true for a plain-text server)', { ...ctx, elapsedMs: now() - started });
    }
    const session = http2.connect(`${o.plaintext ? 'http' : 'https'}://${address}`, { createConnection: () => socket, maxSessionMemory: 16 });
    // Errors end the calls in flight and are reported there (or by the wait below); a session
    // error must never be an uncaught exception, also after a failed connect.
    session.on('error', () => undefined);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const left = Math.max(1, o.timeoutMs - (now() - started));
      const done = (err?: NetFailure) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        session.off('remoteSettings', ok);
        session.off('error', onError);
        session.off('close', onClose);
        socket.off('error', onError);
        if (err) {
          err.ctx.elapsedMs = now() - started;
          session.destroy();
          reject(err);
        } else resolve();
      };
      const ok = () => done();
      // TLS 1.3 servers reject a client certificate after the handshake: the alert arrives here.
      const onError = (e: Error) => done(/SSL|TLS|ALERT/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`) ? tlsFailure(e, ctx) : notHttp2(e, ctx));
      const onClose = () => done(notHttp2(new Error('closed'), ctx));
      const timer = setTimeout(() => done(requestTimeout('wait', o.timeoutMs, ctx)), left);
      const onAbort = () => done(requestTimeout('wait', null, ctx));
      signal?.addEventListener('abort', onAbort, { once: true });
      session.once('remoteSettings', ok);
      session.once('error', onError);
      session.once('close', onClose);
      socket.once('error', onError);
    });
    return new GrpcConnection(session, info, timings, o, address);
  }

  get closed(): boolean {
    return this.session.closed || this.session.destroyed;
  }

  /** One unary (or client-streaming) call: sends `requests`, half-closes, collects every answer. */
  call(path: string, requests: Uint8Array[], metadata: Record<string, string[]>, timeoutMs: number, signal?: AbortSignal): Promise<CallResult> {
    return new Promise<CallResult>((resolve) => {
      const s = this.open(path, metadata, timeoutMs, signal, { onMessage: () => undefined, onEnd: resolve }, true);
      s.send(requests, true);
    });
  }

  /**
   * A call as a stream: `send` messages (the last one half-closes), messages arrive through
   * `onMessage`, and `onEnd` comes once with the status. `timeoutMs` is the call deadline
   * (sent as grpc-timeout, enforced here too). `keep` collects messages into the result.
   */
  open(
    path: string,
    metadata: Record<string, string[]>,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    on: { onMessage(bytes: Uint8Array): void; onEnd(r: CallResult): void },
    keep = false,
  ): CallStream {
    const start = now();
    const ctx: FailureContext = { host: this.opts.host, target: this.info.remote, source: this.info.local };
    const timings: Timings = { ...this.dialTimings, sending: 0, waiting: 0, receiving: 0, duration: 0 };
    const maxReceive = this.opts.maxReceiveSize ?? DEFAULT_MAX_RECEIVE;
    const result: CallResult = { status: Code.Unknown, statusMessage: '', headers: {}, trailers: {}, messages: [], httpStatus: 0, timings };
    let headersAt: number | undefined;
    let sentAt: number | undefined;
    let settled = false;
    let phase: 'send' | 'wait' | 'receive' = 'send';
    let pending: Buffer = Buffer.alloc(0);
    let respHeaders: http2.IncomingHttpHeaders | undefined;
    let req: http2.ClientHttp2Stream | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (status: number, message: string, failure?: NetFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const end = now();
      timings.sending = sentAt !== undefined ? sentAt - start : 0;
      timings.waiting = headersAt !== undefined ? headersAt - (sentAt ?? start) : end - (sentAt ?? start);
      timings.receiving = headersAt !== undefined ? end - headersAt : 0;
      timings.duration = end - start;
      result.status = status;
      result.statusMessage = message;
      if (failure) {
        failure.ctx.elapsedMs = end - start;
        result.failure = failure;
      }
      if (req && !req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
      on.onEnd(result);
    };
    const onAbort = () => finish(Code.Canceled, 'context canceled', requestTimeout(phase, null, ctx));
    const stream: CallStream = {
      send: (messages, last) => {
        if (settled || !req || req.closed || req.writableEnded) return;
        const bytes = Buffer.concat(messages.map(frame));
        const sent = () => {
          sentAt = now();
          if (phase === 'send') phase = 'wait';
        };
        // One write with the end of the stream: the messages and END_STREAM leave in one flush.
        if (last) req.end(bytes, sent);
        else req.write(bytes);
      },
      cancel: () => finish(Code.Canceled, 'context canceled'),
    };
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': path,
      ...(this.opts.authority ? { ':authority': this.opts.authority } : {}),
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': this.opts.userAgent,
      'grpc-timeout': grpcTimeout(timeoutMs),
    };
    for (const [k, v] of Object.entries(metadata)) headers[k] = v;
    try {
      req = this.session.request(headers, { endStream: false });
    } catch (e) {
      queueMicrotask(() => finish(Code.Unavailable, String((e as Error).message), exchangeFailure(e, 'send', ctx)));
      return stream;
    }
    const r = req;
    timer = setTimeout(() => finish(Code.DeadlineExceeded, 'context deadline exceeded', requestTimeout(phase, timeoutMs, ctx)), timeoutMs);
    if (signal?.aborted) queueMicrotask(onAbort);
    else signal?.addEventListener('abort', onAbort, { once: true });
    r.on('response', (h) => {
      headersAt = now();
      phase = 'receive';
      result.httpStatus = Number(h[':status']) || 0;
      result.headers = toMetadata(h);
      respHeaders = h;
    });
    r.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 5 && !settled) {
        if (pending[0] !== 0) {
          finish(Code.Internal, 'grpc: compressed messages are not supported by this client');
          return;
        }
        const len = pending.readUInt32BE(1);
        if (len > maxReceive) {
          finish(Code.ResourceExhausted, `grpc: received message larger than max (${len} vs. ${maxReceive})`);
          return;
        }
        if (pending.length < 5 + len) break;
        const msg = new Uint8Array(pending.subarray(5, 5 + len));
        pending = pending.subarray(5 + len);
        if (keep) result.messages.push(msg);
        on.onMessage(msg);
      }
    });
    let trailers: http2.IncomingHttpHeaders | undefined;
    r.on('trailers', (t) => {
      trailers = t;
      result.trailers = toMetadata(t);
    });
    r.on('close', () => {
      const h = respHeaders;
      const src = trailers?.['grpc-status'] !== undefined ? trailers : h?.['grpc-status'] !== undefined ? h : undefined;
      if (src) {
        const code = Number(src['grpc-status']);
        let msg = String(src['grpc-message'] ?? '');
        try {
          msg = decodeURIComponent(msg);
        } catch {
          /* keep it as sent */
        }
        finish(Number.isInteger(code) ? code : Code.Unknown, msg);
        return;
      }
      if (h && result.httpStatus !== 200) {
        const st = result.httpStatus;
        finish(codeForHttp(st), `unexpected HTTP status code received from server: ${st} (${http2Status(st)})`);
        return;
      }
      if (r.rstCode && r.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
        finish(Code.Internal, `stream terminated by RST_STREAM with error code: ${r.rstCode}`,
          new NetFailure(1220, 'read: connection reset by peer', 'ConnectionReset', phase, `the server reset the call (HTTP/2 RST_STREAM ${r.rstCode})`, 'the server, a proxy or load balancer ended the call', ctx));
        return;
      }
      const f = new NetFailure(1000, 'unexpected EOF', 'ConnectionReset', phase, h ? 'the call ended without a gRPC status' : 'the connection closed before the server answered', 'the server, a proxy or load balancer closed the connection', ctx);
      finish(Code.Unavailable, h ? 'server closed the stream without sending trailers' : 'error reading from server: EOF', f);
    });
    r.on('error', (e) => {
      if (settled) return;
      finish(Code.Unavailable, `connection error: ${(e as Error).message}`, exchangeFailure(e, phase, ctx));
    });
    return stream;
  }

  close(): void {
    this.session.destroy();
  }
}

function http2Status(s: number): string {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return names[s] ?? 'Unknown';
}

function notHttp2(e: Error, ctx: FailureContext): NetFailure {
  return new NetFailure(
    1000,
    `connection error: ${e.message}`,
    'NetworkError',
    'wait',
    `the server did not speak HTTP/2 (${e.message})`,
    'the port is not a gRPC server, or plaintext/TLS is the wrong way round (plaintext: true for a plain-text server)',
    ctx,
  );
}

