// k6/http: synchronous requests served by the host (undici), plus batch, asyncRequest,
// cookie jars, expected statuses, the url template and http.file.
import { call } from 'k6p:internal/host';
import { startOp } from 'k6p:internal/loop';
import { canonicalHeaderKey } from 'k6p:lib/headers';
import { durationValueMs } from 'k6p:lib/duration';
import { encodeForm, encodeMultipart } from 'k6p:lib/form';
import { utf8Encode, utf8Decode, bytesOf } from 'k6p:lib/utf8';
import { select, jsonParseErrorMessage } from 'k6p:lib/gjson';
import { formatArg } from 'k6p:lib/format';
import { info, toArrayBuffer, asArrayBuffer, warn } from 'k6p:support/guest';

const DEFAULT_TIMEOUT_MS = 60000;
const DEFAULT_REDIRECTS = 10;

// ---- options (known once the init context has run) ----
let cachedOptions = null;
function options() {
  if (cachedOptions) return cachedOptions;
  const i = info();
  const o = i.options && typeof i.options === 'object' ? i.options : {};
  if (i.phase !== undefined && i.phase !== 'init') cachedOptions = o;
  return o;
}

// ---- errors ----
/** A request that could not be built (k6's request-parse errors). */
class RequestParseError extends Error {
  constructor(message, code = 0) {
    super(message);
    this.code = code;
  }
}

// ---- http.file ----
class FileData {
  constructor(data, filename, contentType) {
    this.data = data;
    this.filename = filename;
    this.content_type = contentType;
  }
}

export function file(data, filename, contentType) {
  const d = typeof data === 'string' ? data : bytesOf(data) ? asArrayBuffer(bytesOf(data).slice()) : String(data);
  const name = filename === undefined || filename === null || filename === '' ? `${Date.now()}000000` : String(filename);
  const ct = contentType === undefined || contentType === null || contentType === '' ? 'application/octet-stream' : String(contentType);
  return new FileData(d, name, ct);
}

// ---- http.url ----
class URLTag {
  constructor(name, url) {
    this.name = name;
    this.url = url;
    this.clean_url = cleanURL(url);
  }
  toString() {
    return this.url;
  }
}

function cleanURL(u) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^@/?#]*)@/.exec(u);
  if (!m) return u;
  const creds = m[2].includes(':') ? '****:****' : '****';
  return m[1] + creds + '@' + u.slice(m[0].length);
}

/** Tagged template: http.url`https://host/items/${id}` (name tag keeps `${}`). */
export function url(strings, ...values) {
  if (!Array.isArray(strings)) throw new TypeError('http.url must be used as a tagged template');
  let name = '';
  let full = '';
  for (let i = 0; i < strings.length; i++) {
    name += strings[i];
    full += strings[i];
    if (i < values.length) {
      name += '${}';
      full += String(values[i]);
    }
  }
  return new URLTag(name, full);
}

function urlString(u) {
  if (typeof u === 'string') return u;
  if (u instanceof URLTag) return u.url;
  if (typeof globalThis.URL === 'function' && u instanceof globalThis.URL) return u.href;
  throw new RequestParseError(`invalid URL value '${formatArg(u)}'`, 1020);
}

// ---- expectedStatuses / setResponseCallback ----
class ExpectedStatuses {
  constructor(exact, ranges) {
    this.exact = exact;
    this.ranges = ranges;
  }
  matches(status) {
    return this.exact.includes(status) || this.ranges.some((r) => status >= r.min && status <= r.max);
  }
}

export function expectedStatuses(...args) {
  if (args.length === 0) throw new Error('no arguments');
  const exact = [];
  const ranges = [];
  args.forEach((a, i) => {
    if (Number.isInteger(a)) exact.push(a);
    else if (a !== null && typeof a === 'object' && Number.isInteger(a.min) && Number.isInteger(a.max)) ranges.push({ min: a.min, max: a.max });
    else {
      throw new Error(`argument number ${i + 1} to expectedStatuses was neither an integer nor an object like {min:100, max:200}`);
    }
  });
  return new ExpectedStatuses(exact, ranges);
}

// k6's http_req_failed rule: a request fails on a network error or a status the callback does
// not expect. Each request carries its rule to the host, which judges it (see
// src/attempt/failed-requests.ts); null turns status judging off.
const DEFAULT_CALLBACK = expectedStatuses({ min: 200, max: 399 });
let responseCallback = DEFAULT_CALLBACK;

// The default goes as no rule at all (the host applies 200-399 itself); a script's own
// callback goes as its lists, untouched (no array methods a script could have replaced).
function statusRule(cb) {
  if (cb === DEFAULT_CALLBACK) return undefined;
  return cb === null ? null : { exact: cb.exact, ranges: cb.ranges };
}

export function setResponseCallback(cb) {
  if (cb === null || cb === undefined) responseCallback = null;
  else if (cb instanceof ExpectedStatuses) responseCallback = cb;
  else throw new Error('unsupported argument, expected http.expectedStatuses');
}

// ---- cookie jars ----
let nextJarId = null;

export class CookieJar {
  #id;
  constructor() {
    if (nextJarId !== null) {
      this.#id = nextJarId;
      nextJarId = null;
    } else {
      this.#id = String(call('jar.new').value);
    }
  }
  /** @internal the host's id of this jar */
  static idOf(jar) {
    return jar.#id;
  }
  cookiesForURL(u) {
    return call('jar.cookiesForURL', { jar: this.#id, url: jarURL(u) }).value || {};
  }
  set(u, name, value, opts) {
    const o = {};
    if (opts !== null && opts !== undefined) {
      if (typeof opts !== 'object') throw new TypeError('cookie options must be an object');
      for (const k of ['domain', 'path', 'expires', 'max_age', 'secure', 'http_only']) {
        if (opts[k] !== undefined && opts[k] !== null) o[k] = k === 'secure' || k === 'http_only' ? Boolean(opts[k]) : k === 'max_age' ? Number(opts[k]) : String(opts[k]);
      }
    }
    call('jar.set', { jar: this.#id, url: jarURL(u), name: String(name), value: String(value), opts: o });
  }
  clear(u) {
    call('jar.clear', { jar: this.#id, url: jarURL(u) });
  }
  delete(u, name) {
    call('jar.delete', { jar: this.#id, url: jarURL(u), name: String(name) });
  }
}

function jarURL(u) {
  try {
    return urlString(u);
  } catch (e) {
    throw new TypeError(e.message);
  }
}

let vuJar = null;
export function cookieJar() {
  if (info().phase === 'init') throw new Error('Making cookie jars in the init context is not supported');
  if (!vuJar) {
    nextJarId = 'vu';
    vuJar = new CookieJar();
  }
  return vuJar;
}

// ---- building requests ----
function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !bytesOf(v);
}

function goTypeName(v) {
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func(sobek.FunctionCall) sobek.Value';
    default:
      return typeof v;
  }
}

/** The body → { bytes, contentType } (contentType only for object bodies). */
function encodeBody(body) {
  if (body === null || body === undefined) return { bytes: null, contentType: null };
  if (typeof body === 'string') return { bytes: utf8Encode(body), contentType: null };
  const b = bytesOf(body);
  if (b) return { bytes: b.slice(), contentType: null };
  if (body instanceof FileData) return { bytes: fileBytes(body.data), contentType: null };
  if (isPlainObject(body)) {
    const hasFile = Object.keys(body).some((k) => body[k] instanceof FileData || (Array.isArray(body[k]) && body[k].some((x) => x instanceof FileData)));
    if (hasFile) {
      const { body: bytes, contentType } = encodeMultipart(body, (x) => x instanceof FileData, fileBytes);
      return { bytes, contentType };
    }
    const { body: s, warnings } = encodeForm(body);
    for (const w of warnings) warn(w);
    return { bytes: utf8Encode(s), contentType: 'application/x-www-form-urlencoded' };
  }
  throw new RequestParseError(`unknown request body type ${goTypeName(body)}`);
}

function fileBytes(data) {
  if (typeof data === 'string') return utf8Encode(data);
  const b = bytesOf(data);
  return b ? b : utf8Encode(String(data));
}

/**
 * Build the host request (src/http/types.ts HttpRequest) from k6 arguments.
 * @returns {{ req: object, body: Uint8Array|null, throwMode: boolean }}
 */
function buildRequest(method, u, body, params) {
  const opts = options();
  const p = params !== null && typeof params === 'object' ? params : {};
  const req = {
    method: String(method),
    url: urlString(u),
    headers: {},
    body: null,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    maxRedirects: Number.isInteger(opts.maxRedirects) && opts.maxRedirects >= 0 ? opts.maxRedirects : DEFAULT_REDIRECTS,
    responseType: opts.discardResponseBodies ? 'none' : 'text',
    jar: 'vu',
    expect: statusRule(responseCallback),
  };
  const { bytes, contentType } = encodeBody(body);
  if (contentType) req.headers['Content-Type'] = contentType;
  let throwMode = Boolean(opts.throw);
  for (const k of Object.keys(p)) {
    const v = p[k];
    switch (k) {
      case 'headers':
        if (v === null || v === undefined) break;
        if (typeof v !== 'object') throw new RequestParseError('invalid headers: must be an object');
        for (const name of Object.keys(v)) {
          const hv = v[name];
          if (hv === null || hv === undefined) continue;
          req.headers[canonicalHeaderKey(name)] = String(hv);
        }
        break;
      case 'timeout':
        if (v === null || v === undefined) break;
        try {
          req.timeoutMs = Math.max(0, durationValueMs(v));
        } catch (e) {
          throw new RequestParseError(`invalid timeout value: ${e.message}`);
        }
        break;
      case 'redirects':
        if (v === null || v === undefined) break;
        req.maxRedirects = Math.max(0, Math.trunc(Number(v)) || 0);
        break;
      case 'responseType':
        if (v === null || v === undefined) break;
        if (v !== 'text' && v !== 'binary' && v !== 'none') throw new RequestParseError(`invalid responseType value '${String(v)}'`);
        req.responseType = v;
        break;
      case 'tags':
        if (v === null || v === undefined) break;
        if (typeof v !== 'object' || Array.isArray(v)) throw new RequestParseError('invalid HTTP request metric tags: tags must be an object');
        for (const t of Object.keys(v)) {
          const tv = v[t];
          if (tv !== null && tv !== undefined && typeof tv === 'object') throw new RequestParseError(`invalid HTTP request metric tags: invalid value for tag "${t}"`);
        }
        break;
      case 'cookies':
        if (v === null || v === undefined) break;
        if (typeof v !== 'object') throw new RequestParseError('invalid cookies: must be an object');
        req.cookies = Object.create(null); // any cookie name is a key, even __proto__
        for (const name of Object.keys(v)) {
          const c = v[name];
          if (c === null || c === undefined) continue;
          if (typeof c === 'object') req.cookies[name] = { value: c.value === undefined || c.value === null ? '' : String(c.value), replace: Boolean(c.replace) };
          else req.cookies[name] = { value: String(c), replace: false };
        }
        break;
      case 'jar':
        if (v === null || v === undefined) break;
        if (!(v instanceof CookieJar)) throw new RequestParseError('invalid jar value');
        req.jar = CookieJar.idOf(v);
        break;
      case 'throw':
        throwMode = Boolean(v);
        break;
      case 'responseCallback':
        if (v === undefined) break;
        if (v !== null && !(v instanceof ExpectedStatuses)) throw new RequestParseError('unsupported responseCallback');
        req.expect = statusRule(v);
        break;
      case 'auth':
        if (v === null || v === undefined || v === '' || v === 'basic') break;
        throw new RequestParseError(`auth "${String(v)}" is not supported by k6-preflight (credentials in the URL are sent as Basic auth)`);
      case 'compression':
        if (v === null || v === undefined || v === '') break;
        throw new RequestParseError('request body compression is not supported by k6-preflight');
      default:
        break; // unknown keys are ignored, as in k6
    }
  }
  return { req, body: bytes, throwMode };
}

// ---- responses ----
const jsonCache = new WeakMap();

class Response {
  json(selector) {
    if (this.body === null || this.body === undefined) {
      throw new Error("the body is null so we can't transform it to JSON - this likely was because of a request error getting the response");
    }
    if (selector !== undefined && selector !== null) {
      const parsed = parsedBody(this);
      return parsed.ok ? select(parsed.value, String(selector)) : undefined;
    }
    const parsed = parsedBody(this);
    if (!parsed.ok) throw new Error(jsonParseErrorMessage(parsed.text));
    return parsed.value;
  }
  html() {
    throw new Error('Response.html() (k6/html) is not supported by k6-preflight');
  }
  clickLink() {
    throw new Error('Response.clickLink() (k6/html) is not supported by k6-preflight');
  }
  submitForm() {
    throw new Error('Response.submitForm() (k6/html) is not supported by k6-preflight');
  }
}

function parsedBody(res) {
  let c = jsonCache.get(res);
  if (c && c.body === res.body) return c;
  const text = typeof res.body === 'string' ? res.body : utf8Decode(bytesOf(res.body) || new Uint8Array(0));
  try {
    c = { ok: true, value: JSON.parse(text), text, body: res.body };
  } catch {
    c = { ok: false, value: undefined, text, body: res.body };
  }
  jsonCache.set(res, c);
  return c;
}

const ZERO_TIMINGS = { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };

function emptyResponseData(method, u) {
  return {
    status: 0,
    status_text: '',
    proto: '',
    headers: {},
    cookies: {},
    body: null,
    url: u,
    remote_ip: '',
    remote_port: 0,
    local_ip: '',
    local_port: 0,
    tls_version: '',
    tls_cipher_suite: '',
    ocsp: { produced_at: 0, this_update: 0, next_update: 0, revoked_at: 0, revocation_reason: '', status: '' },
    timings: { ...ZERO_TIMINGS },
    error: '',
    error_code: 0,
    request: { method, url: u, headers: {}, body: '', cookies: {} },
  };
}

function makeResponse(data, buffers) {
  const r = new Response();
  for (const k of Object.keys(data)) {
    if (k === 'failure') continue; // host-side detail, not part of k6's Response
    r[k] = data[k];
  }
  const b = data.body;
  if (b !== null && typeof b === 'object' && typeof b.buf === 'number') r.body = asArrayBuffer(buffers[b.buf]);
  if (r.timings && r.timings.looking_up === undefined) r.timings.looking_up = 0;
  return r;
}

/** The Response k6 returns for a request it could not build. */
function parseErrorResponse(method, u, err) {
  let urlText = '';
  try {
    urlText = urlString(u);
  } catch {
    urlText = typeof u === 'string' ? u : '';
  }
  const data = emptyResponseData(String(method), urlText);
  data.body = '';
  data.error = err.message;
  data.error_code = err.code || 0;
  return makeResponse(data, []);
}

function networkFailed(r) {
  return r.status === 0 && typeof r.error === 'string' && r.error !== '';
}

function thrownFor(r) {
  const e = new Error(r.error);
  e.name = 'GoError';
  return e;
}

// ---- the request functions ----
export function request(method, u, body, params) {
  let built;
  try {
    built = buildRequest(method, u, body, params);
  } catch (e) {
    if (!(e instanceof RequestParseError)) throw e;
    if (options().throw) throw new Error(e.message);
    warn(`Request Failed error="${e.message}"`);
    return parseErrorResponse(method, u, e);
  }
  const { req, body: bytes, throwMode } = built;
  const buffers = [];
  if (bytes) {
    req.body = { buf: 0 };
    buffers.push(toArrayBuffer(bytes));
  }
  const out = call('http.request', { req, throw: throwMode }, buffers);
  const r = makeResponse(out.value, out.buffers);
  if (throwMode && networkFailed(r)) throw thrownFor(r);
  return r;
}

function twoArgWarning(fn, n) {
  if (n > 2) warn(`http.${fn}() takes 2 arguments (url, params); the other ${n - 2} argument(s) are ignored`);
}

export function get(u, params) {
  twoArgWarning('get', arguments.length);
  return request('GET', u, null, params);
}
export function head(u, params) {
  twoArgWarning('head', arguments.length);
  return request('HEAD', u, null, params);
}
export function post(u, body, params) {
  return request('POST', u, body, params);
}
export function put(u, body, params) {
  return request('PUT', u, body, params);
}
export function patch(u, body, params) {
  return request('PATCH', u, body, params);
}
export function del(u, body, params) {
  return request('DELETE', u, body, params);
}
export { options_ as options };
function options_(u, body, params) {
  return request('OPTIONS', u, body, params);
}

export function asyncRequest(method, u, body, params) {
  let built;
  try {
    built = buildRequest(method, u, body, params);
  } catch (e) {
    if (!(e instanceof RequestParseError)) return Promise.reject(e);
    if (options().throw) return Promise.reject(new Error(e.message));
    warn(`Request Failed error="${e.message}"`);
    return Promise.resolve(parseErrorResponse(method, u, e));
  }
  const { req, body: bytes, throwMode } = built;
  const buffers = [];
  if (bytes) {
    req.body = { buf: 0 };
    buffers.push(toArrayBuffer(bytes));
  }
  return startOp('http.start', { req, throw: throwMode }, buffers).then(({ value, buffers: bufs }) => {
    const r = makeResponse(value, bufs);
    if (throwMode && networkFailed(r)) throw thrownFor(r);
    return r;
  });
}

// ---- batch ----
function batchEntry(entry) {
  if (typeof entry === 'string' || entry instanceof URLTag || (typeof globalThis.URL === 'function' && entry instanceof globalThis.URL)) {
    return { method: 'GET', url: entry, body: null, params: undefined };
  }
  if (Array.isArray(entry)) {
    if (entry.length < 2) throw new RequestParseError(`invalid batch request '${formatArg(entry)}': it must have at least a method and a URL`);
    if (typeof entry[0] !== 'string') throw new RequestParseError(`invalid method type '${formatArg(entry[0])}'`);
    return { method: entry[0], url: entry[1], body: entry[2], params: entry[3] };
  }
  if (entry !== null && typeof entry === 'object') {
    if (entry.url === undefined || entry.url === null) throw new RequestParseError('batch request objects need a url property');
    const method = entry.method === undefined || entry.method === null ? 'GET' : String(entry.method).toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? null : entry.body;
    return { method, url: entry.url, body, params: entry.params };
  }
  throw new RequestParseError(`invalid batch request type ${goTypeName(entry)}`);
}

export function batch(reqs) {
  if (arguments.length !== 1) throw new Error(`http.batch() takes exactly one argument, got ${arguments.length}`);
  const isArray = Array.isArray(reqs);
  if (!isArray && (reqs === null || typeof reqs !== 'object')) throw new Error(`invalid http.batch() argument type ${goTypeName(reqs)}`);
  const keys = isArray ? reqs.map((_, i) => i) : Object.keys(reqs);
  const built = [];
  const buffers = [];
  let globalThrow = Boolean(options().throw);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    let e;
    try {
      e = batchEntry(reqs[key]);
      built.push(buildRequest(e.method, e.url, e.body, e.params));
    } catch (err) {
      if (!(err instanceof RequestParseError)) throw err;
      if (globalThrow) throw new Error(err.message);
      warn(`A batch request failed error="${err.message}"`);
      // k6 sends nothing: earlier entries are empty responses, the bad one carries the error.
      const result = isArray ? new Array(keys.length).fill(null) : {};
      for (let j = 0; j < i; j++) result[keys[j]] = makeResponse(emptyResponseData('', ''), []);
      result[key] = parseErrorResponse(e ? e.method : '', e ? e.url : '', err);
      return result;
    }
  }
  const list = built.map(({ req, body }) => {
    if (body) {
      req.body = { buf: buffers.length };
      buffers.push(toArrayBuffer(body));
    }
    return req;
  });
  const throwMode = globalThrow || built.some((b) => b.throwMode);
  const out = call('http.batch', { reqs: list, throw: throwMode }, buffers);
  const responses = (out.value || []).map((d) => makeResponse(d, out.buffers));
  if (throwMode) {
    const failed = responses.find((r, i) => built[i].throwMode && networkFailed(r));
    if (failed) throw thrownFor(failed);
  }
  if (isArray) return responses;
  const result = {};
  keys.forEach((k, i) => {
    result[k] = responses[i];
  });
  return result;
}

// ---- constants ----
export const TLS_1_0 = 'tls1.0';
export const TLS_1_1 = 'tls1.1';
export const TLS_1_2 = 'tls1.2';
export const TLS_1_3 = 'tls1.3';
export const OCSP_STATUS_GOOD = 'good';
export const OCSP_STATUS_REVOKED = 'revoked';
export const OCSP_STATUS_SERVER_FAILED = 'server_failed';
export const OCSP_STATUS_UNKNOWN = 'unknown';
export const OCSP_REASON_UNSPECIFIED = 'unspecified';
export const OCSP_REASON_KEY_COMPROMISE = 'key_compromise';
export const OCSP_REASON_CA_COMPROMISE = 'ca_compromise';
export const OCSP_REASON_AFFILIATION_CHANGED = 'affiliation_changed';
export const OCSP_REASON_SUPERSEDED = 'superseded';
export const OCSP_REASON_CESSATION_OF_OPERATION = 'cessation_of_operation';
export const OCSP_REASON_CERTIFICATE_HOLD = 'certificate_hold';
export const OCSP_REASON_REMOVE_FROM_CRL = 'remove_from_crl';
export const OCSP_REASON_PRIVILEGE_WITHDRAWN = 'privilege_withdrawn';
export const OCSP_REASON_AA_COMPROMISE = 'aa_compromise';

const CONSTANTS = {
  TLS_1_0, TLS_1_1, TLS_1_2, TLS_1_3,
  OCSP_STATUS_GOOD, OCSP_STATUS_REVOKED, OCSP_STATUS_SERVER_FAILED, OCSP_STATUS_UNKNOWN,
  OCSP_REASON_UNSPECIFIED, OCSP_REASON_KEY_COMPROMISE, OCSP_REASON_CA_COMPROMISE,
  OCSP_REASON_AFFILIATION_CHANGED, OCSP_REASON_SUPERSEDED, OCSP_REASON_CESSATION_OF_OPERATION,
  OCSP_REASON_CERTIFICATE_HOLD, OCSP_REASON_REMOVE_FROM_CRL, OCSP_REASON_PRIVILEGE_WITHDRAWN,
  OCSP_REASON_AA_COMPROMISE,
};

const http = {
  get, head, post, put, patch, del, options: options_, request, asyncRequest, batch,
  expectedStatuses, setResponseCallback, cookieJar, CookieJar, file, url,
};
for (const [k, v] of Object.entries(CONSTANTS)) {
  Object.defineProperty(http, k, { value: v, writable: false, enumerable: true, configurable: false });
}

export default http;
