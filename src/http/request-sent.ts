// "The request is on the wire" for a connection we dialled. undici's current handler API
// (onRequestStart … onResponseEnd) has no callback for it, and the hop needs it: it splits
// `sending` from `waiting` and turns a timeout into "waiting for the response headers".
// undici publishes it on its public diagnostics channels instead: `sendHeaders` names the
// socket a request went out on (ours: every pooled client has one socket and one request
// at a time), `bodySent` names the request when its last byte is written.
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const bySocket = new WeakMap<object, () => void>();
const byRequest = new WeakMap<object, () => void>();
let subscribed = false;

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:sendHeaders', (m) => {
    const { request, socket } = m as { request: object; socket: object };
    const cb = bySocket.get(socket);
    if (cb) byRequest.set(request, cb);
  });
  diagnostics.subscribe('undici:request:bodySent', (m) => {
    const { request } = m as { request: object };
    const cb = byRequest.get(request);
    if (cb) {
      byRequest.delete(request);
      cb();
    }
  });
}

/** Calls `cb` when the request now being sent on `socket` has been written; returns an unwatch. */
export function watchRequestSent(socket: Socket, cb: () => void): () => void {
  subscribe();
  bySocket.set(socket, cb);
  return () => {
    if (bySocket.get(socket) === cb) bySocket.delete(socket);
  };
}
