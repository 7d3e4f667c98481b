// A request ended because its attempt ended (the attempt's or the validation's deadline, a
// signal) is not a ConnectTimeout or RequestTimeout: those name a request's own timeout,
// and a person reads them as a firewall drop or a slow server. Such requests are recorded
// as `Cancelled`, saying what they were doing and for how long.
import { humanDuration } from '../plan/duration.js';
import type { HttpResponse } from '../http/types.js';
import type { RequestRecord } from './types.js';

/** Whether the engine ended the request on a timer or a cancel (in any phase). */
export function endedByTimerOrCancel(res: HttpResponse): boolean {
  const f = res.failure;
  if (!f) return false;
  if (f.reason === 'ConnectTimeout' || f.reason === 'RequestTimeout') return true;
  return /timeout|cancelled/i.test(`${res.error} ${f.message}`);
}

/** What the request was doing when it ended: `connecting`, `waiting for the response headers` … */
export function stageOf(rec: Pick<RequestRecord, 'reason' | 'message'>): string {
  const m = /connected; ([^)]+)\)/.exec(rec.message ?? '');
  if (m) return m[1]!;
  switch (rec.reason) {
    case 'DNSLookupFailed':
      return 'resolving the host';
    case 'TLSHandshakeFailed':
      return 'in the TLS handshake';
    case 'RequestTimeout':
      return 'waiting for the response';
    default:
      return 'connecting';
  }
}

/** Rewrites the record of a request the attempt's end cut short. */
export function markCutShort(rec: RequestRecord, by: string, elapsedMs: number): void {
  const stage = stageOf(rec);
  rec.reason = 'Cancelled';
  rec.message = `cut short by ${by} after ${humanDuration(elapsedMs)}, ${stage}`;
  rec.error = 'request cancelled';
}

/** `GET https://host/path (connecting, 2.0s)` for "in flight" lists. */
export function inFlightText(method: string, url: string, stage: string, elapsedMs: number): string {
  return `${method} ${url} (${stage}, ${humanDuration(elapsedMs)})`;
}

/** The reason the driver's cancel signal carries when an attempt's deadline was reached. */
export class DeadlineReached extends Error {
  override readonly name = 'DeadlineReached';
  constructor() {
    super('attempt deadline reached');
  }
}
