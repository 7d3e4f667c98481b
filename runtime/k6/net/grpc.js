// k6/net/grpc: unary gRPC calls served by the host (HTTP/2 through the project's dial path).
// Definitions come from .proto files or protosets beside the script, or server reflection.
import { call } from 'k6p:internal/host';
import { startOp } from 'k6p:internal/loop';
import { durationValueMs } from 'k6p:lib/duration';
import { base64Encode } from 'k6p:lib/base64';
import { phase } from 'k6p:support/guest';

let lastClientId = 0;
/** Client → its host id, for Stream (which takes a client). */
const clientIds = new WeakMap();

const CONNECT_PARAMS = ['plaintext', 'timeout', 'reflect', 'reflectMetadata', 'maxReceiveSize', 'maxSendSize', 'tls', 'authority'];
const CALL_PARAMS = ['metadata', 'tags', 'timeout', 'discardResponseMessage'];

function inInit() {
  return phase() === 'init';
}

function timeoutMs(v, what) {
  try {
    return durationValueMs(v);
  } catch (e) {
    throw new Error(`invalid ${what} timeout value: ${e.message}`);
  }
}

/** Metadata values cross as strings; binary (`-bin` keys) as base64. */
function metadataOf(md, what) {
  if (md === undefined || md === null) return {};
  if (typeof md !== 'object' || Array.isArray(md)) throw new Error(`invalid ${what} param: must be an object with key-value pairs`);
  const out = {};
  for (const k of Object.keys(md)) {
    const v = md[k];
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const u8 = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out[k] = { b64: base64Encode(u8, false, true) };
    } else out[k] = v;
  }
  return out;
}

function callPayload(id, method, request, params) {
  if (inInit()) throw new Error('invoking RPC methods in the init context is not supported');
  if (typeof method !== 'string' || method === '') throw new Error('method to invoke cannot be empty');
  if (request === null || request === undefined) throw new Error('request cannot be nil');
  const p = { client: id, method, message: request };
  if (params !== undefined && params !== null) {
    if (typeof params !== 'object') throw new Error("invalid GRPC's client.invoke() parameters: params must be an object");
    for (const k of Object.keys(params)) {
      if (!CALL_PARAMS.includes(k)) throw new Error(`invalid GRPC's client.invoke() parameters: unknown param: "${k}"`);
    }
    p.metadata = metadataOf(params.metadata, 'metadata');
    if (params.timeout !== undefined && params.timeout !== null) p.timeoutMs = timeoutMs(params.timeout, 'client.invoke()');
    if (params.discardResponseMessage) p.discardResponseMessage = true;
  }
  return p;
}

export class Client {
  #id = ++lastClientId;

  constructor() {
    clientIds.set(this, this.#id);
  }

  load(importPaths, ...protoFiles) {
    if (!inInit()) throw new Error('load must be called in the init context');
    const paths = importPaths === null || importPaths === undefined ? [] : importPaths;
    if (!Array.isArray(paths)) throw new TypeError('load: importPaths must be an array of folders');
    return call('grpc.load', { client: this.#id, importPaths: paths.map(String), files: protoFiles.map(String) }).value;
  }

  loadProtoset(protosetPath) {
    if (!inInit()) throw new Error('load must be called in the init context');
    return call('grpc.loadProtoset', { client: this.#id, path: String(protosetPath) }).value;
  }

  connect(address, params) {
    if (inInit()) throw new Error('connecting to a gRPC server in the init context is not supported');
    const p = { client: this.#id, address: String(address) };
    if (params !== undefined && params !== null) {
      if (typeof params !== 'object') throw new Error('invalid grpc.connect() parameters: params must be an object');
      for (const k of Object.keys(params)) {
        if (!CONNECT_PARAMS.includes(k)) throw new Error(`invalid grpc.connect() parameters: unknown connect param: "${k}"`);
      }
      for (const k of ['plaintext', 'reflect']) {
        if (params[k] !== undefined && typeof params[k] !== 'boolean') {
          throw new Error(`invalid grpc.connect() parameters: invalid ${k} value: '${String(params[k])}', it needs to be boolean`);
        }
      }
      if (params.tls !== undefined && params.tls !== null) {
        if (typeof params.tls !== 'object') {
          throw new Error("invalid grpc.connect() parameters: invalid tls value, expected (optional) keys: cert, key, password, and cacerts");
        }
        p.tls = params.tls;
      }
      p.plaintext = !!params.plaintext;
      p.reflect = !!params.reflect;
      if (params.timeout !== undefined && params.timeout !== null) p.timeoutMs = timeoutMs(params.timeout, 'grpc.connect()');
      if (params.reflectMetadata !== undefined) p.reflectMetadata = metadataOf(params.reflectMetadata, 'reflectMetadata');
      if (params.maxReceiveSize !== undefined) p.maxReceiveSize = params.maxReceiveSize;
      if (typeof params.authority === 'string') p.authority = params.authority;
    }
    return call('grpc.connect', p).value;
  }

  invoke(method, request, params) {
    return call('grpc.invoke', callPayload(this.#id, method, request, params)).value;
  }

  asyncInvoke(method, request, params) {
    let p;
    try {
      p = callPayload(this.#id, method, request, params);
    } catch (e) {
      return Promise.reject(e);
    }
    return startOp('grpc.start', p).then(({ value }) => value);
  }

  healthCheck(service) {
    if (inInit()) throw new Error('invoking RPC methods in the init context is not supported');
    return call('grpc.health', { client: this.#id, service: service === undefined || service === null ? '' : String(service) }).value;
  }

  close() {
    call('grpc.close', { client: this.#id });
  }
}

const STREAM_EVENTS = ['data', 'error', 'end', 'status'];

/** A streaming call: messages and the end arrive through the event loop (the iteration goes on
 *  until the stream ends), as in k6. */
export class Stream {
  #id;
  #listeners = new Map();

  constructor(client, method, params) {
    if (inInit()) throw new Error('creating a gRPC stream in the init context is not supported');
    const cid = clientIds.get(client);
    if (cid === undefined) throw new Error("invalid GRPC Stream's client: not a gRPC client");
    if (typeof method !== 'string' || method === '') throw new Error("invalid GRPC Stream's method: method to invoke cannot be empty");
    const p = { client: cid, method };
    if (params !== undefined && params !== null) {
      if (typeof params !== 'object') throw new Error("invalid GRPC Stream's parameters: params must be an object");
      for (const k of Object.keys(params)) {
        if (!CALL_PARAMS.includes(k)) throw new Error(`invalid GRPC Stream's parameters: unknown param: "${k}"`);
      }
      p.metadata = metadataOf(params.metadata, 'metadata');
      if (params.timeout !== undefined && params.timeout !== null) p.timeoutMs = timeoutMs(params.timeout, 'stream');
    }
    this.#id = call('grpc.stream.open', p).value;
    this.#pump();
  }

  #pump() {
    startOp('grpc.stream.next', { id: this.#id }).then(({ value }) => {
      for (const ev of value.events) {
        const meta = { ts: Date.now() };
        if (ev.type === 'data') this.#emit('data', ev.message, meta);
        else if (ev.type === 'error') this.#emit('error', ev.error, meta);
        else if (ev.type === 'end') this.#emit('end', {}, meta);
      }
      if (!value.done) this.#pump();
    });
  }

  #emit(event, value, meta) {
    for (const fn of this.#listeners.get(event) || []) fn(value, meta);
  }

  on(event, handler) {
    if (typeof handler !== 'function') throw new Error(`handler for "${event}" event isn't a callable function`);
    if (!STREAM_EVENTS.includes(event)) throw new Error(`unknown GRPC stream's event type: ${event}`);
    const list = this.#listeners.get(event) || [];
    list.push(handler);
    this.#listeners.set(event, list);
  }

  write(message) {
    call('grpc.stream.write', { id: this.#id, message });
  }

  end() {
    call('grpc.stream.end', { id: this.#id });
  }
}

const codes = {
  StatusOK: 0, StatusCanceled: 1, StatusUnknown: 2, StatusInvalidArgument: 3, StatusDeadlineExceeded: 4,
  StatusNotFound: 5, StatusAlreadyExists: 6, StatusPermissionDenied: 7, StatusResourceExhausted: 8,
  StatusFailedPrecondition: 9, StatusAborted: 10, StatusOutOfRange: 11, StatusUnimplemented: 12,
  StatusInternal: 13, StatusUnavailable: 14, StatusDataLoss: 15, StatusUnauthenticated: 16,
  HealthCheckUnknown: 0, HealthCheckServing: 1, HealthCheckNotServing: 2, HealthCheckServiceUnkown: 3,
};

export const {
  StatusOK, StatusCanceled, StatusUnknown, StatusInvalidArgument, StatusDeadlineExceeded, StatusNotFound,
  StatusAlreadyExists, StatusPermissionDenied, StatusResourceExhausted, StatusFailedPrecondition, StatusAborted,
  StatusOutOfRange, StatusUnimplemented, StatusInternal, StatusUnavailable, StatusDataLoss, StatusUnauthenticated,
  HealthCheckUnknown, HealthCheckServing, HealthCheckNotServing, HealthCheckServiceUnkown,
} = codes;

export default { Client, Stream, ...codes };
