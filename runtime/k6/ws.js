// k6/ws: ws.connect(url, params, callback) blocks for the whole session, as in k6. The
// session's own loop runs the socket's timers and asks the host (ws.poll) for what the
// server sent meanwhile; it ends when the connection is closed.
import { call } from 'k6p:internal/host';
import { asArrayBuffer, phase } from 'k6p:support/guest';

/** Longest single wait for server events, so socket timers stay on time. */
const MAX_WAIT_MS = 1000;

function headersOf(h) {
  const out = {};
  if (h && typeof h === 'object') for (const k of Object.keys(h)) out[k] = String(h[k]);
  return out;
}

class Socket {
  #id;
  #handlers = new Map();
  #timers = new Map();
  #timerSeq = 0;
  #closed = false;

  constructor(id) {
    this.#id = id;
  }

  on(event, handler) {
    if (typeof handler !== 'function') throw new TypeError(`socket.on('${event}'): the handler must be a function`);
    const list = this.#handlers.get(event) || [];
    list.push(handler);
    this.#handlers.set(event, list);
  }

  send(data) {
    call('ws.send', { id: this.#id, data: String(data) });
  }

  sendBinary(data) {
    if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) throw new TypeError('sendBinary: data must be an ArrayBuffer');
    call('ws.send', { id: this.#id, binary: true }, [asArrayBuffer(data)]);
  }

  ping() {
    call('ws.ping', { id: this.#id });
  }

  close(code) {
    call('ws.close', { id: this.#id, code: code === undefined ? 1000 : Number(code) });
  }

  setTimeout(fn, ms) {
    return this.#addTimer(fn, ms, false);
  }

  setInterval(fn, ms) {
    return this.#addTimer(fn, ms, true);
  }

  #addTimer(fn, ms, repeat) {
    if (typeof fn !== 'function') throw new TypeError('callback must be a function');
    const delay = Math.max(repeat ? 1 : 0, Number(ms) || 0);
    const id = ++this.#timerSeq;
    this.#timers.set(id, { due: Date.now() + delay, fn, every: repeat ? delay : 0 });
    return id;
  }

  _emit(event, ...args) {
    for (const h of this.#handlers.get(event) || []) h.apply(this, args);
  }

  /** The session: timers and server events until the connection closes. */
  _run() {
    this._emit('open');
    while (!this.#closed) {
      const now = Date.now();
      const due = [...this.#timers.entries()].filter(([, t]) => t.due <= now).sort((a, b) => a[1].due - b[1].due);
      for (const [id, t] of due) {
        if (!this.#timers.has(id)) continue;
        if (t.every) t.due = now + t.every;
        else this.#timers.delete(id);
        t.fn.call(this);
      }
      let next = Infinity;
      for (const t of this.#timers.values()) next = Math.min(next, t.due);
      const waitMs = Math.max(0, Math.min(MAX_WAIT_MS, next - Date.now()));
      const { value, buffers } = call('ws.poll', { id: this.#id, waitMs });
      for (const ev of value.events) {
        switch (ev.type) {
          case 'message':
            this._emit('message', ev.data);
            break;
          case 'binaryMessage':
            this._emit('binaryMessage', asArrayBuffer(buffers[ev.buf]));
            break;
          case 'ping':
          case 'pong':
            this._emit(ev.type);
            break;
          case 'error': {
            const msg = ev.error;
            this._emit('error', { error: () => msg });
            break;
          }
          case 'close':
            this.#closed = true;
            this.#timers.clear();
            this._emit('close', ev.code);
            break;
        }
      }
    }
  }
}

function handshakeResponse(r) {
  return {
    url: r.url,
    status: r.status,
    status_text: r.status_text,
    proto: r.proto,
    headers: r.headers,
    body: r.body,
    error: r.error,
    error_code: r.error_code,
    remote_ip: r.remote_ip,
    remote_port: r.remote_port,
    local_ip: r.local_ip,
    local_port: r.local_port,
    timings: r.timings,
  };
}

export function connect(url, params, callback) {
  if (phase() === 'init') throw new Error('using websockets in the init context is not supported');
  if (typeof params === 'function' && callback === undefined) {
    callback = params;
    params = undefined;
  }
  if (typeof callback !== 'function') throw new TypeError('ws.connect: the last argument must be a function(socket)');
  const p = params && typeof params === 'object' ? params : {};
  const payload = { url: String(url), headers: headersOf(p.headers) };
  if (p.compression !== undefined) payload.compression = String(p.compression);
  if (p.protocols !== undefined) payload.protocols = p.protocols;
  const { value } = call('ws.open', payload);
  const res = handshakeResponse(value.response);
  if (!value.id) throw new Error(value.failed || res.error || 'websocket: handshake failed');
  const socket = new Socket(value.id);
  callback(socket);
  socket._run();
  return res;
}

export default { connect };
