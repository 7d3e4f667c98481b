// k6's request timings from the clock marks of one hop and the dial trace of its connection.
import type { HopTrace } from './dial.js';
import type { Timings } from './types.js';

/** Clock marks of one hop (performance.now() ms): dispatched, request written, headers, end. */
export interface HopClock {
  start: number;
  sendStart?: number;
  sent?: number;
  headers?: number;
  end?: number;
}

export function emptyTimings(): Timings {
  return { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
}

const d = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > a ? b - a : 0);

/** Timings of one hop, k6 style. DNS time is counted in `blocked` (`looking_up` stays 0, as in k6). */
export function hopTimings(t: HopClock, trace: HopTrace): Timings {
  const tm = emptyTimings();
  const firstDial = trace.dialed ? (trace.connectStart ?? trace.dnsStart) : undefined;
  tm.blocked = d(t.start, firstDial ?? t.sendStart ?? t.end);
  if (trace.dialed) {
    if (trace.dnsStart !== undefined) tm.blocked = d(t.start, trace.connectStart ?? trace.dnsEnd);
    tm.connecting = d(trace.connectStart, trace.connectEnd);
    tm.tls_handshaking = d(trace.tlsStart, trace.tlsEnd);
  }
  tm.sending = d(t.sendStart, t.sent ?? t.headers);
  tm.waiting = d(t.sent ?? t.sendStart, t.headers);
  tm.receiving = d(t.headers, t.end);
  tm.duration = tm.sending + tm.waiting + tm.receiving;
  return tm;
}
