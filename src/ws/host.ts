// The host half of k6/ws and k6/websockets for one attempt: WebSocket connections (the `ws`
// package on a socket from the project's dial path) whose events queue here until the guest
// asks for them. Every handshake is recorded like an HTTP request.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { NetFailure, exchangeFailure, requestTimeout, tlsFailure } from '../http/causes.js';
import { canonicalHeaderName, statusText } from '../http/headers.js';
import { createStreamDialer, type StreamDialer } from '../http/stream-dial.js';
import { emptyTimings } from '../http/timings.js';
import type { EngineOptions, Timings } from '../http/types.js';
import type { RequestRecord } from '../attempt/types.js';
import { GuestError, type Later, type OpResult } from '../sandbox/ops/types.js';

export interface WsHostDeps {
  engineOptions: () => (Partial<EngineOptions> & { egressIp?: string }) | undefined;
  deadline: number;
  signal: AbortSignal;
  record: (rec: RequestRecord) => void;
}

/** What a script can make the host hold: open sockets, and unread events per socket. */
export const MAX_WS_SOCKETS = 64;
export const MAX_QUEUED_EVENTS = 10_000;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;

type WsEvent =
  | { type: 'message'; data: string }
  | { type: 'binaryMessage'; buf: number }
  | { type: 'ping' | 'pong' }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; error: string };

interface Conn {
  ws: WebSocket;
  queue: { ev: WsEvent; bytes?: Uint8Array }[];
  queuedBytes: number;
  closed: boolean;
  wake?: () => void;
}

export interface WsHost {
  handle(op: string, p: any, buffers: Uint8Array[], later: Later): Promise<OpResult | void>;
  close(): void;
}

export interface HandshakeResponse {
  url: string;
  status: number;
  status_text: string;
  proto: string;
  headers: Record<string, string>;
  body: string;
  error: string;
  error_code: number;
  remote_ip: string;
  remote_port: number;
  local_ip: string;
  local_port: number;
  timings: Timings;
}

export function createWsHost(deps: WsHostDeps): WsHost {
  const conns = new Map<number, Conn>();
  let seq = 0;
  /** Sockets being opened or open: what the bound counts. */
  let live = 0;
  // Each waiting socket listens for the attempt's end.
  setMaxListeners(4 * MAX_WS_SOCKETS, deps.signal);
  let dialer: StreamDialer | undefined;
  const getDialer = () => {
    if (!dialer) {
      const o = deps.engineOptions();
      if (!o) throw new GuestError('using websockets in the init context is not supported');
      dialer = createStreamDialer(o);
    }
    return dialer;
  };
  const timeLeft = () => Math.max(1, deps.deadline - Date.now());

  function push(c: Conn, ev: WsEvent, bytes?: Uint8Array) {
    if (c.queue.length >= MAX_QUEUED_EVENTS || c.queuedBytes + (bytes?.byteLength ?? 0) > getDialer().opts.maxBodyBytes) {
      // The script does not read what the server sends: stop the flood rather than hold it.
      c.ws.terminate();
      return;
    }
    c.queuedBytes += bytes?.byteLength ?? 0;
    c.queue.push({ ev, ...(bytes ? { bytes } : {}) });
    c.wake?.();
  }

  /** Dials, upgrades and records the handshake. Never throws for network or HTTP outcomes. */
  async function open(p: any): Promise<{ id: number; response: HandshakeResponse; failed?: string }> {
    const d = getDialer();
    const raw = String(p?.url ?? '');
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new GuestError(`invalid URL: ${raw}`);
    }
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new GuestError(`malformed ws or wss URL: ${d.redactor.url(raw)} (use ws:// or wss://)`);
    if (live >= MAX_WS_SOCKETS) throw new GuestError(`too many WebSocket connections (at most ${MAX_WS_SOCKETS} open per attempt)`);
    live++;
    let counted = true;
    const release = () => {
      if (counted) live--;
      counted = false;
    };
    try {
      return await openCounted(p, d, raw, u, release);
    } catch (e) {
      release();
      throw e;
    }
  }

  async function openCounted(p: any, d: StreamDialer, raw: string, u: URL, release: () => void): Promise<{ id: number; response: HandshakeResponse; failed?: string }> {
    if (u.password) d.redactor.addSecret(decodeURIComponent(u.password));
    const secure = u.protocol === 'wss:';
    const port = u.port ? Number(u.port) : secure ? 443 : 80;
    const timeoutMs = Math.min(typeof p?.timeoutMs === 'number' && p.timeoutMs > 0 ? p.timeoutMs : DEFAULT_HANDSHAKE_TIMEOUT_MS, timeLeft());
    const started = performance.now();
    const shown = d.redactor.url(raw);
    const response: HandshakeResponse = {
      url: shown, status: 0, status_text: '', proto: '', headers: {}, body: '', error: '', error_code: 0,
      remote_ip: '', remote_port: 0, local_ip: '', local_port: 0, timings: emptyTimings(),
    };
    const rec = (extra: Partial<RequestRecord>): void =>
      deps.record({
        method: 'GET', url: shown, status: response.status, error: response.error, error_code: response.error_code,
        remote_ip: response.remote_ip, remote_port: response.remote_port, local_ip: response.local_ip, local_port: response.local_port,
        proto: response.proto, timings: response.timings, ...extra,
      });
    let opened;
    try {
      opened = await d.open({ secure, hostname: u.hostname, port, alpn: ['http/1.1'] }, timeoutMs, deps.signal);
    } catch (e) {
      const s = d.shape(e);
      Object.assign(response, { error: s.error, error_code: s.error_code, remote_ip: s.remote_ip, remote_port: s.remote_port, local_ip: s.local_ip, local_port: s.local_port });
      response.timings.duration = performance.now() - started;
      rec({ reason: s.reason, message: s.message });
      release();
      return { id: 0, response, failed: s.error };
    }
    const { socket, info, timings } = opened;
    Object.assign(response, { remote_ip: info.remote.ip, remote_port: info.remote.port, local_ip: info.local.ip, local_port: info.local.port, timings });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p?.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = d.opts.userAgent;
    const protocols = Array.isArray(p?.protocols) ? p.protocols.map(String) : typeof p?.protocols === 'string' ? [p.protocols] : undefined;
    const sentAt = performance.now();
    const ws = new WebSocket(raw, protocols, {
      createConnection: () => socket,
      headers,
      maxPayload: d.opts.maxBodyBytes,
      perMessageDeflate: p?.compression === 'deflate',
      followRedirects: false,
      handshakeTimeout: Math.max(1, timeoutMs - (sentAt - started)),
    } as WebSocket.ClientOptions);
    const ctx = { host: u.hostname, target: info.remote, source: info.local };
    // Listeners go on before the handshake ends: a server may speak first (a ping at once).
    const c: Conn = { ws, queue: [], queuedBytes: 0, closed: false };
    let isOpen = false;
    ws.on('error', (e: Error) => {
      if (isOpen) push(c, { type: 'error', error: e.message });
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) push(c, { type: 'binaryMessage', buf: 0 }, new Uint8Array(buf));
      else push(c, { type: 'message', data: buf.toString('utf8') });
    });
    ws.on('ping', () => push(c, { type: 'ping' }));
    ws.on('pong', () => push(c, { type: 'pong' }));
    ws.on('close', (code: number, reason: Buffer) => {
      release();
      if (!isOpen) return;
      c.closed = true;
      c.queue.push({ ev: { type: 'close', code, reason: reason.toString('utf8') } });
      c.wake?.();
    });
    const outcome = await new Promise<{ ok: true } | { ok: false; failure?: NetFailure; refused?: IncomingMessage }>((resolve) => {
      const onAbort = () => {
        ws.terminate();
        resolve({ ok: false, failure: requestTimeout('wait', null, ctx) });
      };
      deps.signal.addEventListener('abort', onAbort, { once: true });
      const done = (r: { ok: true } | { ok: false; failure?: NetFailure; refused?: IncomingMessage }) => {
        deps.signal.removeEventListener('abort', onAbort);
        ws.off('open', onOpen);
        ws.off('error', onError);
        ws.off('unexpected-response', onRefused);
        resolve(r);
      };
      const onOpen = () => {
        isOpen = true;
        done({ ok: true });
      };
      const onError = (e: Error) => {
        const f = /timed out/i.test(e.message)
          ? requestTimeout('wait', timeoutMs, ctx)
          : /SSL|TLS|ALERT/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`)
            ? tlsFailure(e, ctx) // TLS 1.3: a refused client certificate is reported after the handshake
            : exchangeFailure(e, 'wait', ctx);
        done({ ok: false, failure: f });
      };
      const onRefused = (_req: unknown, res: IncomingMessage) => done({ ok: false, refused: res });
      ws.once('upgrade', (res: IncomingMessage) => {
        response.status = res.statusCode ?? 101;
        response.headers = shapeHeaders(res.rawHeaders);
      });
      ws.once('open', onOpen);
      ws.once('error', onError);
      ws.once('unexpected-response', onRefused);
    });
    const end = performance.now();
    response.timings.waiting = end - sentAt;
    response.timings.duration = end - sentAt;
    response.proto = 'HTTP/1.1';
    if (!outcome.ok) {
      if (outcome.refused) {
        const res = outcome.refused;
        response.status = res.statusCode ?? 0;
        response.status_text = statusText(response.status, res.statusMessage);
        response.headers = shapeHeaders(res.rawHeaders);
        response.error = 'websocket: bad handshake';
        response.error_code = 1000 + response.status;
        res.resume();
        ws.terminate();
        const egressIp = deps.engineOptions()?.egressIp;
        const seen = egressIp ? `; the target sees this runner as ${egressIp}` : '';
        const hint = response.status === 401 || response.status === 403
          ? `; TCP${secure ? ' and TLS' : ''} succeeded, so an L7 allowlist, WAF or authentication is the likely cause${seen}`
          : response.status === 404 ? '; nothing serves WebSockets at this path' : '';
        rec({
          reason: 'UnexpectedStatus',
          message: d.redactor.text(`the WebSocket upgrade was refused: ${response.status_text} from ${ep(info.local)} to ${ep(info.remote)} (expected 101 Switching Protocols)${hint}`),
        });
        release();
        return { id: 0, response, failed: 'websocket: bad handshake' };
      }
      const f = outcome.failure ?? new NetFailure(1000, 'websocket: handshake failed', 'NetworkError', 'wait', 'the WebSocket handshake failed', '', ctx);
      f.ctx.elapsedMs = end - started;
      ws.terminate();
      const s = d.shape(f);
      response.error = s.error;
      response.error_code = s.error_code;
      rec({ reason: s.reason, message: s.message });
      release();
      return { id: 0, response, failed: s.error };
    }
    response.status = 101;
    response.status_text = '101 Switching Protocols';
    rec({});
    const id = ++seq;
    conns.set(id, c);
    return { id, response };
  }

  /** Takes the queued events (binary payloads as buffers). */
  function drain(c: Conn): OpResult {
    const buffers: Uint8Array[] = [];
    const events = c.queue.map(({ ev, bytes }) => {
      if (bytes) {
        buffers.push(bytes);
        return { ...ev, buf: buffers.length - 1 };
      }
      return ev;
    });
    c.queue = [];
    c.queuedBytes = 0;
    return { value: { events, closed: c.closed && events.some((e) => e.type === 'close') }, buffers };
  }

  /** Resolves when `c` has events, after `waitMs`, or when the attempt ends. */
  function waitFor(c: Conn, waitMs: number): Promise<void> {
    if (c.queue.length || deps.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        deps.signal.removeEventListener('abort', done);
        c.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      deps.signal.addEventListener('abort', done, { once: true });
      c.wake = done;
    });
  }

  const conn = (p: any): Conn => {
    const c = conns.get(Number(p?.id));
    if (!c) throw new GuestError('websocket: unknown or closed connection');
    return c;
  };

  return {
    async handle(op, p, buffers, later) {
      switch (op) {
        case 'ws.open': {
          return { value: await open(p) };
        }
        case 'ws.start': {
          return { value: later(open(p).then((value) => ({ value }))) };
        }
        case 'ws.send': {
          const c = conn(p);
          if (c.closed || c.ws.readyState !== WebSocket.OPEN) throw new GuestError('websocket: close sent');
          if (p?.binary) c.ws.send(buffers[0] ?? new Uint8Array(0), { binary: true });
          else c.ws.send(String(p?.data ?? ''), { binary: false });
          return;
        }
        case 'ws.ping': {
          const c = conn(p);
          if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
          return;
        }
        case 'ws.close': {
          const c = conn(p);
          if (c.ws.readyState === WebSocket.OPEN || c.ws.readyState === WebSocket.CONNECTING) {
            const code = Number.isInteger(p?.code) && (p.code === 1000 || (p.code >= 3000 && p.code <= 4999)) ? p.code : 1000;
            c.ws.close(code, typeof p?.reason === 'string' ? p.reason.slice(0, 123) : undefined);
          }
          return;
        }
        case 'ws.poll': {
          // k6/ws: a blocking wait for the next events (at most waitMs, cut to the deadline).
          const c = conn(p);
          const waitMs = Math.min(Math.max(0, Number(p?.waitMs) || 0), timeLeft());
          await waitFor(c, waitMs);
          const r = drain(c);
          if ((r.value as { closed: boolean }).closed) conns.delete(Number(p.id));
          return r;
        }
        case 'ws.next': {
          // k6/websockets: settles with the next events, whenever they come.
          const c = conn(p);
          const loop = async () => {
            while (!c.queue.length && !deps.signal.aborted) await waitFor(c, 60_000);
            const r = drain(c);
            if ((r.value as { closed: boolean }).closed) conns.delete(Number(p.id));
            return { value: r.value, buffers: r.buffers ?? [] };
          };
          return { value: later(loop()) };
        }
        default:
          throw new GuestError(`unknown host operation ${op}`);
      }
    },
    close() {
      for (const c of conns.values()) c.ws.terminate();
      conns.clear();
      dialer?.close();
    },
  };
}

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function shapeHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = canonicalHeaderName(raw[i]!);
    out[k] = out[k] !== undefined ? `${out[k]}, ${raw[i + 1]}` : raw[i + 1]!;
  }
  return out;
}

