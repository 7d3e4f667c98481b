// The host half of k6/net/grpc for one attempt: clients with their loaded definitions and
// connections, answering the guest's grpc.* operations with plain data. Every call is
// recorded like an HTTP request; a non-OK status is a failed request.
import { performance } from 'node:perf_hooks';
import type protobuf from 'protobufjs';
import { NetFailure, failureMessage } from '../http/causes.js';
import { createStreamDialer, type StreamDialer } from '../http/stream-dial.js';
import { emptyTimings } from '../http/timings.js';
import type { EngineOptions } from '../http/types.js';
import type { RequestRecord } from '../attempt/types.js';
import { GuestError, type Later, type OpResult } from '../sandbox/ops/types.js';
import { Code, CODE_NAMES, DEFAULT_MAX_RECEIVE, GrpcConnection, type CallResult, type CallStream } from './connection.js';
import { jsonToMessage, messageToJson } from './json.js';
import { loadProtoFiles, methodsOf, ProtoError, rootFromDescriptorSet, type MethodDef, type MethodInfo, type ReadFile } from './proto.js';
import { HEALTH_CHECK_PATH, healthRequest, healthStatus, reflect, ReflectionError } from './services.js';

export interface GrpcHostDeps {
  /** The script's files, by normalised relative name. */
  read: ReadFile;
  /** The folder of the entry script, relative to the script root ("" at the top). */
  baseDir: string;
  /** The engine settings once the script's options are known (after init). */
  engineOptions: () => (Partial<EngineOptions> & { egressIp?: string }) | undefined;
  deadline: number;
  signal: AbortSignal;
  record: (rec: RequestRecord) => void;
}

/** What a script can make the host hold: clients and open connections per attempt, streams and
 *  their unread messages. */
export const MAX_GRPC_CLIENTS = 64;
export const MAX_GRPC_STREAMS = 64;
export const MAX_STREAM_EVENTS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/** Protoset and .proto files larger than this are refused. */
const MAX_PROTO_FILE = 4 * 1024 * 1024;

type StreamEvent = { type: 'data'; message: unknown } | { type: 'error'; error: { code: number; details: unknown[]; message: string } } | { type: 'end' };

interface StreamState {
  def: MethodDef;
  call: CallStream;
  queue: StreamEvent[];
  done: boolean;
  wake?: () => void;
}

interface ClientState {
  methods: Map<string, MethodDef>;
  secure?: boolean;
  conn?: GrpcConnection;
  address?: string;
}

export interface GrpcHost {
  handle(op: string, p: any, buffers: Uint8Array[], later: Later): Promise<OpResult | void>;
  close(): void;
}

export function createGrpcHost(deps: GrpcHostDeps): GrpcHost {
  const clients = new Map<number, ClientState>();
  const streams = new Map<number, StreamState>();
  let streamSeq = 0;
  /** Set when the attempt ends: calls cancelled then are not recorded into a finished attempt. */
  let closing = false;
  let dialer: StreamDialer | undefined;
  const read: ReadFile = (name) => {
    const b = deps.read(name);
    if (b && b.byteLength > MAX_PROTO_FILE) throw new ProtoError(`${name}: ${b.byteLength} bytes is over the ${MAX_PROTO_FILE >> 20} MiB limit for definitions`);
    return b;
  };

  const client = (p: any): ClientState => {
    const id = Number(p?.client);
    let c = clients.get(id);
    if (!c) {
      if (clients.size >= MAX_GRPC_CLIENTS) throw new GuestError(`too many gRPC clients (at most ${MAX_GRPC_CLIENTS} per attempt)`);
      c = { methods: new Map() };
      clients.set(id, c);
    }
    return c;
  };
  const getDialer = () => {
    if (!dialer) {
      const o = deps.engineOptions();
      if (!o) throw new GuestError('connecting to a gRPC server in the init context is not supported');
      dialer = createStreamDialer(o);
    }
    return dialer;
  };
  const addMethods = (c: ClientState, root: protobuf.Root): MethodInfo[] => {
    const defs = methodsOf(root);
    for (const d of defs) c.methods.set(d.info.fullMethod, d);
    return defs.map((d) => d.info);
  };
  const timeLeft = () => Math.max(1, deps.deadline - Date.now());

  function record(c: ClientState, path: string, started: number, r: CallResult | null, failure?: NetFailure): void {
    if (closing) return;
    const d = getDialer();
    const conn = c.conn;
    const scheme = c.secure ? 'grpcs' : 'grpc';
    const url = d.redactor.url(`${scheme}://${c.address ?? ''}${path}`);
    const f = failure ?? r?.failure;
    const rec: RequestRecord = {
      method: 'gRPC',
      url,
      status: r?.httpStatus ?? 0,
      error: '',
      error_code: 0,
      remote_ip: conn?.info.remote.ip ?? f?.ctx.target?.ip ?? '',
      remote_port: conn?.info.remote.port ?? f?.ctx.target?.port ?? 0,
      local_ip: conn?.info.local.ip ?? f?.ctx.source?.ip ?? '',
      local_port: conn?.info.local.port ?? f?.ctx.source?.port ?? 0,
      proto: r?.httpStatus ? 'HTTP/2.0' : '',
      timings: r?.timings ?? { ...emptyTimings(), duration: performance.now() - started },
      ...(r ? { grpc_status: r.status } : {}),
    };
    if (f) {
      const s = d.shape(f);
      Object.assign(rec, { error: s.error, error_code: s.error_code, reason: s.reason, message: s.message });
    } else if (r && r.status !== Code.OK) {
      const route = conn ? ` from ${ep(conn.info.local)} to ${ep(conn.info.remote)}` : '';
      rec.error = d.redactor.text(`${CODE_NAMES[r.status] ?? r.status}: ${r.statusMessage}`);
      rec.reason = 'UnexpectedStatus';
      rec.message = d.redactor.text(`gRPC status ${CODE_NAMES[r.status] ?? 'code'} (${r.status})${r.statusMessage ? `: ${r.statusMessage}` : ''}${route}${statusHint(r.status)}`);
    }
    deps.record(rec);
  }

  async function invoke(p: any): Promise<unknown> {
    const c = client(p);
    if (!c.conn) throw new GuestError('no gRPC connection, you must call connect first');
    const method = String(p?.method ?? '');
    if (!method) throw new GuestError('method to invoke cannot be empty');
    const path = method.startsWith('/') ? method : `/${method}`;
    const def = c.methods.get(path);
    if (!def) throw new GuestError(`method "${path}" not found in file descriptors`);
    if (p?.message === null || p?.message === undefined) throw new GuestError('request cannot be nil');
    let body: Uint8Array;
    try {
      body = jsonToMessage(def.request, p.message);
    } catch (e) {
      throw new GuestError(`unable to serialise request object to protocol buffer: ${(e as Error).message}`);
    }
    const timeoutMs = Math.min(numberOr(p?.timeoutMs, Infinity), timeLeft());
    const started = performance.now();
    const r = await c.conn.call(path, [body], metadataFrom(p?.metadata), timeoutMs, deps.signal);
    record(c, path, started, r);
    // k6: a discarded message is an empty object; a failed call shows the empty response.
    const message = p?.discardResponseMessage
      ? {}
      : safeJson(def.response, r.status === Code.OK && r.messages[0] ? r.messages[0] : new Uint8Array(0));
    return {
      status: r.status,
      message,
      headers: r.headers,
      trailers: r.trailers,
      error: r.status === Code.OK ? null : { code: r.status, message: r.statusMessage, details: [] },
    };
  }

  return {
    async handle(op, p, _buffers, later) {
      switch (op) {
        case 'grpc.load': {
          const c = client(p);
          const files = Array.isArray(p?.files) ? p.files.map(String) : [];
          const paths = Array.isArray(p?.importPaths) ? p.importPaths.map(String) : [];
          try {
            return { value: addMethods(c, loadProtoFiles(read, deps.baseDir, paths, files)) };
          } catch (e) {
            throw new GuestError(String((e as Error).message));
          }
        }
        case 'grpc.loadProtoset': {
          const c = client(p);
          const name = String(p?.path ?? '');
          const bytes = name && !name.startsWith('/') && !name.includes('..') ? read(normalise(deps.baseDir, name)) : undefined;
          if (!bytes) throw new GuestError(`couldn't open protoset: ${name}: no such file inside the script's folder`);
          try {
            return { value: addMethods(c, rootFromDescriptorSet(bytes, `protoset file ${name}`)) };
          } catch (e) {
            throw new GuestError(String((e as Error).message));
          }
        }
        case 'grpc.connect': {
          const c = client(p);
          const d = getDialer();
          const { host, port } = splitAddress(String(p?.address ?? ''));
          c.conn?.close();
          c.conn = undefined;
          c.address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
          const timeoutMs = Math.min(numberOr(p?.timeoutMs, DEFAULT_CONNECT_TIMEOUT_MS), timeLeft());
          const started = performance.now();
          const plaintext = !!p?.plaintext;
          c.secure = !plaintext;
          if (typeof p?.tls?.password === 'string' && p.tls.password) d.redactor.addSecret(p.tls.password);
          try {
            c.conn = await GrpcConnection.connect(
              d,
              {
                host,
                port,
                plaintext,
                timeoutMs,
                userAgent: d.opts.userAgent,
                ...(typeof p?.authority === 'string' ? { authority: p.authority } : {}),
                // The script may lower the limit; --max-body caps it.
                ...(p?.tls ? { tls: tlsParams(p.tls) } : {}),
                maxReceiveSize: Math.min(Number.isInteger(p?.maxReceiveSize) && p.maxReceiveSize > 0 ? p.maxReceiveSize : DEFAULT_MAX_RECEIVE, d.opts.maxBodyBytes),
              },
              deps.signal,
            );
          } catch (e) {
            const f = e instanceof NetFailure ? e : new NetFailure(1000, String((e as Error)?.message), 'NetworkError', 'connect', String((e as Error)?.message), '');
            record(c, '', started, null, f);
            throw new GuestError(d.redactor.text(`failed to connect to ${c.address}: ${failureMessage(f)}`));
          }
          if (p?.reflect) {
            try {
              const root = await reflect(c.conn, metadataFrom(p?.reflectMetadata), Math.max(1, timeoutMs - (performance.now() - started)), deps.signal);
              addMethods(c, root);
            } catch (e) {
              const res = e instanceof ReflectionError ? e.result : undefined;
              if (res) record(c, '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', started, res);
              throw new GuestError(String((e as Error).message));
            }
          }
          return { value: true };
        }
        case 'grpc.invoke':
          return { value: await invoke(p) };
        case 'grpc.start': {
          return { value: later(invoke(p).then((value) => ({ value }))) };
        }
        case 'grpc.health': {
          const c = client(p);
          if (!c.conn) throw new GuestError('no gRPC connection, you must call connect first');
          const started = performance.now();
          const r = await c.conn.call(HEALTH_CHECK_PATH, [healthRequest(String(p?.service ?? ''))], {}, timeLeft(), deps.signal);
          record(c, HEALTH_CHECK_PATH, started, r);
          if (r.status !== Code.OK) throw new GuestError(`rpc error: code = ${CODE_NAMES[r.status] ?? r.status} desc = ${r.statusMessage}`);
          return { value: { status: healthStatus(r) } };
        }
        case 'grpc.stream.open': {
          const c = client(p);
          if (!c.conn) throw new GuestError('no gRPC connection, you must call connect first');
          const method = String(p?.method ?? '');
          if (!method) throw new GuestError("invalid GRPC Stream's method: method to invoke cannot be empty");
          const path = method.startsWith('/') ? method : `/${method}`;
          const def = c.methods.get(path);
          if (!def) throw new GuestError(`invalid GRPC Stream's method: method "${path}" not found in file descriptors`);
          if ([...streams.values()].filter((x) => !x.done).length >= MAX_GRPC_STREAMS) throw new GuestError(`too many gRPC streams (at most ${MAX_GRPC_STREAMS} open per attempt)`);
          const id = ++streamSeq;
          const started = performance.now();
          const st: StreamState = { def, call: undefined as unknown as CallStream, queue: [], done: false };
          const push = (ev: StreamEvent) => {
            st.queue.push(ev);
            st.wake?.();
          };
          st.call = c.conn.open(path, metadataFrom(p?.metadata), Math.min(numberOr(p?.timeoutMs, Infinity), timeLeft()), deps.signal, {
            onMessage: (bytes) => {
              if (st.queue.length >= MAX_STREAM_EVENTS) {
                st.call.cancel(); // the script does not read what the server streams: stop it
                return;
              }
              let message: unknown;
              try {
                message = messageToJson(def.response, bytes);
              } catch (e) {
                push({ type: 'error', error: { code: Code.Internal, details: [], message: `unable to convert response object to JSON: ${(e as Error).message}` } });
                st.call.cancel();
                return;
              }
              push({ type: 'data', message });
            },
            onEnd: (r) => {
              record(c, path, started, r);
              if (r.status !== Code.OK) push({ type: 'error', error: { code: r.status, details: [], message: r.statusMessage } });
              st.done = true;
              push({ type: 'end' });
            },
          });
          streams.set(id, st);
          return { value: id };
        }
        case 'grpc.stream.write': {
          const st = streams.get(Number(p?.id));
          if (!st || st.done) return;
          let body: Uint8Array;
          try {
            body = jsonToMessage(st.def.request, p?.message);
          } catch (e) {
            throw new GuestError(`unable to serialise request object to protocol buffer: ${(e as Error).message}`);
          }
          // As grpc-go does: a method that takes one message half-closes with it.
          st.call.send([body], !st.def.info.isClientStream);
          return;
        }
        case 'grpc.stream.end': {
          streams.get(Number(p?.id))?.call.send([], true);
          return;
        }
        case 'grpc.stream.next': {
          const sid = Number(p?.id);
          const st = streams.get(sid);
          if (!st) throw new GuestError('unknown gRPC stream');
          const waitForEvents = async () => {
            while (!st.queue.length && !deps.signal.aborted) {
              await new Promise<void>((resolve) => {
                const done = () => {
                  st.wake = undefined;
                  deps.signal.removeEventListener('abort', done);
                  resolve();
                };
                st.wake = done;
                deps.signal.addEventListener('abort', done, { once: true });
              });
            }
            const events = st.queue;
            st.queue = [];
            const finished = events.some((e) => e.type === 'end');
            if (finished) streams.delete(sid);
            return { value: { events, done: finished || deps.signal.aborted } };
          };
          return { value: later(waitForEvents()) };
        }
        case 'grpc.close': {
          const c = clients.get(Number(p?.client));
          c?.conn?.close();
          if (c) c.conn = undefined;
          return;
        }
        default:
          throw new GuestError(`unknown host operation ${op}`);
      }
    },
    close() {
      closing = true;
      for (const st of streams.values()) st.call.cancel();
      streams.clear();
      for (const c of clients.values()) c.conn?.close();
      clients.clear();
      dialer?.close();
    },
  };
}

/** k6's `tls` connect parameter: { cert, key, password, cacerts } (PEM strings). */
function tlsParams(t: any): { ca?: string[]; cert?: string; key?: string; passphrase?: string } {
  if (!t || typeof t !== 'object') throw new GuestError("invalid grpc.connect() parameters: invalid tls value, expected (optional) keys: cert, key, password, and cacerts");
  const pem = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !v.includes('-----BEGIN')) throw new GuestError(`invalid grpc.connect() parameters: invalid tls ${what} value, it needs to be a PEM formatted string`);
    return v;
  };
  const out: { ca?: string[]; cert?: string; key?: string; passphrase?: string } = {};
  if (t.cert !== undefined || t.key !== undefined) {
    out.cert = pem(t.cert, 'cert');
    out.key = pem(t.key, 'key');
  }
  if (typeof t.password === 'string' && t.password) out.passphrase = t.password;
  if (t.cacerts !== undefined) out.ca = (Array.isArray(t.cacerts) ? t.cacerts : [t.cacerts]).map((c: unknown) => pem(c, 'cacerts'));
  return out;
}

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function statusHint(code: number): string {
  if (code === Code.Unauthenticated || code === Code.PermissionDenied) return '; the connection worked: authentication or an L7 allowlist is the likely cause';
  if (code === Code.Unimplemented) return '; the server does not offer this method (check the service name, or reflection)';
  if (code === Code.Unavailable) return '; the server (or a proxy in front of it) is not ready';
  return '';
}

function numberOr(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d;
}

function normalise(base: string, name: string): string {
  const parts = `${base ? base + '/' : ''}${name}`.split('/').filter((s) => s && s !== '.');
  return parts.join('/');
}

function safeJson(type: protobuf.Type, bytes: Uint8Array): unknown {
  try {
    return messageToJson(type, bytes);
  } catch (e) {
    throw new GuestError(`unable to convert response object to JSON: ${(e as Error).message}`);
  }
}

/** `host:port`, `[v6]:port`; gRPC targets need the port. */
export function splitAddress(addr: string): { host: string; port: number } {
  const a = addr.replace(/^(dns|passthrough):(\/\/\/)?/, '');
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(a) ?? /^([^:]+):(\d+)$/.exec(a);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new GuestError(`invalid gRPC address ${JSON.stringify(addr)}: write it as host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Script metadata → wire headers: string values; `-bin` keys carry bytes, sent base64. */
function metadataFrom(md: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!md || typeof md !== 'object') return out;
  for (const [k, v] of Object.entries(md as Record<string, unknown>)) {
    const key = k.toLowerCase();
    if (!/^[0-9a-z_.-]+$/.test(key) || key.startsWith('grpc-') || key.startsWith(':')) throw new GuestError(`invalid metadata param: "${k}" is not a valid metadata key`);
    const vals = Array.isArray(v) ? v : [v];
    out[key] = vals.map((x) => {
      if (key.endsWith('-bin')) {
        if (x && typeof x === 'object' && typeof (x as { b64?: unknown }).b64 === 'string') return (x as { b64: string }).b64.replace(/=+$/, '');
        throw new GuestError(`invalid metadata param: "${k}" value must be binary`);
      }
      if (typeof x !== 'string') throw new GuestError(`invalid metadata param: "${k}" value must be a string`);
      return x;
    });
  }
  return out;
}
