// k6/websockets: the browser-like WebSocket class. Connecting and every batch of server
// events settle through the guest event loop (ws.start, ws.next), so the iteration goes on
// while a socket is open, as in k6.
import { call } from 'k6p:internal/host';
import { startOp } from 'k6p:internal/loop';
import { asArrayBuffer, phase } from 'k6p:support/guest';
import { utf8Decode, utf8Encode } from 'k6p:lib/utf8';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const EVENTS = ['open', 'message', 'error', 'close', 'ping', 'pong'];

/** A small Blob: binary messages when binaryType is "blob". */
export class Blob {
  #bytes;
  constructor(parts = [], options = {}) {
    const chunks = parts.map((p) =>
      p instanceof Blob ? p._bytes() : p instanceof ArrayBuffer ? new Uint8Array(p) : ArrayBuffer.isView(p) ? new Uint8Array(p.buffer, p.byteOffset, p.byteLength) : utf8Encode(String(p)),
    );
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    this.#bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      this.#bytes.set(c, at);
      at += c.byteLength;
    }
    this.type = options && options.type ? String(options.type) : '';
  }
  get size() {
    return this.#bytes.byteLength;
  }
  _bytes() {
    return this.#bytes;
  }
  arrayBuffer() {
    return Promise.resolve(this.#bytes.slice().buffer);
  }
  bytes() {
    return Promise.resolve(this.#bytes.slice());
  }
  text() {
    return Promise.resolve(utf8Decode(this.#bytes));
  }
}

function headersOf(h) {
  const out = {};
  if (h && typeof h === 'object') for (const k of Object.keys(h)) out[k] = String(h[k]);
  return out;
}

export class WebSocket {
  static CONNECTING = CONNECTING;
  static OPEN = OPEN;
  static CLOSING = CLOSING;
  static CLOSED = CLOSED;

  #id = 0;
  #listeners = new Map();
  #state = CONNECTING;

  constructor(url, protocols, params) {
    if (phase() === 'init') throw new Error('using websockets in the init context is not supported');
    this.url = String(url);
    this.protocol = '';
    this.extensions = '';
    this.bufferedAmount = 0;
    this.binaryType = 'blob';
    for (const e of EVENTS) this['on' + e] = null;
    const p = params && typeof params === 'object' ? params : {};
    const payload = { url: this.url, headers: headersOf(p.headers) };
    if (protocols !== undefined && protocols !== null) payload.protocols = protocols;
    if (p.compression !== undefined) payload.compression = String(p.compression);
    startOp('ws.start', payload).then(
      ({ value }) => this.#opened(value),
      (e) => this.#failed(String(e && e.message)),
    );
  }

  get readyState() {
    return this.#state;
  }

  #opened(v) {
    if (!v.id) {
      this.#failed(v.failed || (v.response && v.response.error) || 'websocket: handshake failed', v.response && v.response.status);
      return;
    }
    this.#id = v.id;
    const wasClosing = this.#state === CLOSING;
    this.#state = OPEN;
    this.protocol = (v.response.headers && v.response.headers['Sec-Websocket-Protocol']) || '';
    this.#dispatch({ type: 'open' });
    if (wasClosing) this.close();
    this.#next();
  }

  #failed(message) {
    this.#state = CLOSED;
    this.#dispatch({ type: 'error', error: message });
    this.#dispatch({ type: 'close', code: 1006, reason: '', wasClean: false });
  }

  #next() {
    startOp('ws.next', { id: this.#id }).then(({ value, buffers }) => {
      for (const ev of value.events) this.#deliver(ev, buffers);
      if (this.#state !== CLOSED) this.#next();
    });
  }

  #deliver(ev, buffers) {
    switch (ev.type) {
      case 'message':
        this.#dispatch({ type: 'message', data: ev.data, origin: this.url });
        break;
      case 'binaryMessage': {
        const ab = asArrayBuffer(buffers[ev.buf]);
        this.#dispatch({ type: 'message', data: this.binaryType === 'arraybuffer' ? ab : new Blob([ab]), origin: this.url });
        break;
      }
      case 'ping':
      case 'pong':
        this.#dispatch({ type: ev.type });
        break;
      case 'error':
        this.#dispatch({ type: 'error', error: ev.error });
        break;
      case 'close':
        this.#state = CLOSED;
        this.#dispatch({ type: 'close', code: ev.code, reason: ev.reason, wasClean: ev.code !== 1006 });
        break;
    }
  }

  #dispatch(e) {
    const event = { ...e, target: this, timestamp: Date.now() };
    const own = this['on' + e.type];
    if (typeof own === 'function') own.call(this, event);
    for (const l of [...(this.#listeners.get(e.type) || [])]) l.call(this, event);
  }

  addEventListener(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('addEventListener: the listener must be a function');
    const list = this.#listeners.get(type) || [];
    list.push(listener);
    this.#listeners.set(type, list);
  }

  removeEventListener(type, listener) {
    const list = this.#listeners.get(type);
    if (list) this.#listeners.set(type, list.filter((l) => l !== listener));
  }

  send(data) {
    if (this.#state !== OPEN) throw new Error(`InvalidStateError: the WebSocket is ${STATE_NAMES[this.#state]}, not OPEN`);
    if (typeof data === 'string') call('ws.send', { id: this.#id, data });
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) call('ws.send', { id: this.#id, binary: true }, [asArrayBuffer(data)]);
    else if (data instanceof Blob) call('ws.send', { id: this.#id, binary: true }, [asArrayBuffer(data._bytes())]);
    else call('ws.send', { id: this.#id, data: String(data) });
  }

  ping() {
    if (this.#state === OPEN) call('ws.ping', { id: this.#id });
  }

  close(code, reason) {
    if (this.#state === CLOSED || (this.#state === CLOSING && this.#id)) return;
    if (this.#state === CONNECTING) {
      this.#state = CLOSING; // closed as soon as the handshake ends
      return;
    }
    this.#state = CLOSING;
    call('ws.close', { id: this.#id, code: code === undefined ? 1000 : Number(code), reason: reason === undefined ? '' : String(reason) });
  }
}

export default { WebSocket, Blob };
