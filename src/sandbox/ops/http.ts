// k6/http's host half, answered on the main thread where the network engine and its
// cookie jars live. Requests arrive as the guest built them (runtime/k6/http.js) and are
// checked here field by field; responses go back as data, binary bodies as buffers.
import { DEFAULT_STATUS_RULE, decodeStatusRule, type StatusRule } from '../../attempt/failed-requests.js';
import { DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS } from '../../http/defaults.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import { fields, optNum, optObject, optStr, str, stringRecord, text, type Fields } from './decode.js';
import { GuestError, laterFor, mainOp, VU_PHASES, type MainEnv, type OpResult } from './types.js';

const INIT_HTTP = 'Making http requests in the init context is not supported';

/** A guest request and the statuses its script expects (k6's responseCallback, see failed-requests.ts). */
export interface GuestRequest {
  req: HttpRequest;
  rule: StatusRule | null;
}

/** The guest sends bodies as `{buf: i}` into the buffer list (or a string). */
export function decodeRequest(raw: unknown, buffers: Uint8Array[]): GuestRequest {
  const r = optObject(raw);
  if (!r || typeof r.url !== 'string' || typeof r.method !== 'string') throw new GuestError('invalid request', 'TypeError');
  let body: Uint8Array | null = null;
  const b = r.body;
  if (typeof b === 'string') body = Buffer.from(b, 'utf8');
  else {
    const i = optObject(b)?.buf;
    if (typeof i === 'number') body = buffers[i] ?? null;
  }
  const rt = r.responseType;
  const req: HttpRequest = {
    method: r.method,
    url: r.url,
    headers: stringRecord(r.headers),
    body,
    timeoutMs: optNum(r.timeoutMs) ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: optNum(r.maxRedirects) ?? DEFAULT_MAX_REDIRECTS,
    responseType: rt === 'binary' || rt === 'none' ? rt : 'text',
  };
  const cookies = optObject(r.cookies);
  if (cookies) req.cookies = requestCookies(cookies);
  if (r.jar === null || typeof r.jar === 'string') req.jar = r.jar;
  if (r.auth === 'digest') req.auth = 'digest';
  return { req, rule: 'expect' in r ? decodeStatusRule(r.expect) : DEFAULT_STATUS_RULE };
}

/** `params.cookies`: name → { value, replace }. Any name is data (a null-prototype record). */
function requestCookies(raw: Fields): NonNullable<HttpRequest['cookies']> {
  const out: NonNullable<HttpRequest['cookies']> = Object.create(null);
  for (const [name, c] of Object.entries(raw)) {
    const o = optObject(c);
    if (o) out[name] = { value: text(o.value), replace: o.replace === true };
  }
  return out;
}

/** Binary bodies travel as buffers, referenced from the JSON as `{buf: i}`. */
export function encodeResponses(list: HttpResponse[]): { value: unknown[]; buffers: Uint8Array[] } {
  const buffers: Uint8Array[] = [];
  const value = list.map((r) => {
    const { failure: _f, ...rest } = r;
    if (r.body instanceof Uint8Array) {
      buffers.push(r.body);
      return { ...rest, body: { buf: buffers.length - 1 } };
    }
    return rest;
  });
  return { value, buffers };
}

/** Encodes responses for the worker and frees their bytes from the attempt's budget. */
function deliver(env: MainEnv, list: HttpResponse[]): { value: unknown[]; buffers: Uint8Array[] } {
  try {
    return encodeResponses(list);
  } finally {
    list.forEach((r) => env.delivered(r));
  }
}

const oneRequest = (op: string) => (raw: unknown, buffers: Uint8Array[]) => decodeRequest(fields(raw, op).req, buffers);

export const request = mainOp({
  phases: VU_PHASES,
  refused: INIT_HTTP,
  doc: '`{ req, throw }` (+ body buffer) → response (binary body as `{buf}`)',
  decode: oneRequest('http.request'),
  run: async (req, env): Promise<OpResult> => {
    const { value, buffers } = deliver(env, [await env.send(req)]);
    return { value: value[0], buffers };
  },
});

export const batch = mainOp({
  phases: VU_PHASES,
  refused: 'Using batch in the init context is not supported',
  doc: '`{ reqs: [...], throw }` → responses (at most `batch` at once, `batchPerHost` per host)',
  decode: (raw, buffers) => {
    const reqs = fields(raw, 'http.batch').reqs;
    if (!Array.isArray(reqs)) throw new GuestError('http.batch: reqs must be a list', 'TypeError');
    return reqs.map((r: unknown) => decodeRequest(r, buffers));
  },
  run: async (reqs, env): Promise<OpResult> => {
    const settled = await Promise.allSettled(reqs.map((r) => env.send(r)));
    const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      done.forEach((r) => env.delivered(r));
      throw failed.reason;
    }
    return deliver(env, done);
  },
});

export const start = mainOp({
  phases: VU_PHASES,
  refused: INIT_HTTP,
  doc: 'like `http.request` → id; settled later through `k6p:loop` (queued like a batch)',
  decode: oneRequest('http.start'),
  run: (req, env): OpResult => {
    const work = env.send(req).then((res) => {
      const { value, buffers } = deliver(env, [res]);
      return { value: value[0], buffers };
    });
    return { value: laterFor(env)(work) };
  },
});

export const options = mainOp({
  phases: ['init'],
  doc: '`{ options }` (sent by the host once init has run: builds the attempt\'s engine)',
  decode: (raw) => optObject(fields(raw, 'options').options) ?? {},
  run: (o, env) => env.configure({ ...o }),
});

// ---- cookie jars ----
const jarId = (p: Fields) => optStr(p.jar) ?? 'vu';
const jarPayload = (op: string) => (raw: unknown) => {
  const p = fields(raw, op);
  return { jar: jarId(p), url: str(p.url, `${op} url`) };
};

export const jarNew = mainOp({
  phases: VU_PHASES,
  refused: 'Making cookie jars in the init context is not supported',
  doc: '– → jar id',
  decode: () => undefined,
  run: (_p, env) => ({ value: env.engine().newJar() }),
});

export const jarCookiesForURL = mainOp({
  phases: VU_PHASES,
  doc: '`{ jar, url }` → name → values',
  decode: jarPayload('jar.cookiesForURL'),
  run: ({ jar, url }, env) => ({ value: env.engine().jarCookiesForURL(jar, url) }),
});

export const jarSet = mainOp({
  phases: VU_PHASES,
  doc: '`{ jar, url, name, value, opts }`',
  decode: (raw) => {
    const p = fields(raw, 'jar.set');
    const opts = optObject(p.opts);
    return { jar: jarId(p), url: str(p.url, 'jar.set url'), name: text(p.name), value: text(p.value), ...(opts ? { opts: { ...opts } } : {}) };
  },
  run: (p, env) => env.engine().jarSet(p.jar, p.url, p.name, p.value, p.opts),
});

export const jarClear = mainOp({
  phases: VU_PHASES,
  doc: '`{ jar, url }`',
  decode: jarPayload('jar.clear'),
  run: ({ jar, url }, env) => env.engine().jarClear(jar, url),
});

export const jarDelete = mainOp({
  phases: VU_PHASES,
  doc: '`{ jar, url, name }`',
  decode: (raw) => ({ ...jarPayload('jar.delete')(raw), name: text(fields(raw, 'jar.delete').name) }),
  run: ({ jar, url, name }, env) => env.engine().jarDelete(jar, url, name),
});
