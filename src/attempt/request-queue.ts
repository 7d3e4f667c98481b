// How many requests of one attempt run at once: k6's `batch` (all hosts) and
// `batchPerHost` options, applied to http.batch and to concurrent http.asyncRequest
// calls alike. The rest wait in order; at the attempt's deadline waiting requests are
// failed without ever being sent, so a queue of any length cannot stretch the attempt.

/** k6's defaults. */
export const DEFAULT_BATCH = 20;
export const DEFAULT_BATCH_PER_HOST = 6;
/** What a script may raise `batch` to: each running request can hold a connection. */
export const MAX_BATCH = 100;

export interface QueueLimits {
  batch: number;
  /** 0: no per-host limit (as in k6), only `batch`. */
  batchPerHost: number;
}

/** The limits a script's `options` ask for, cut to the host's cap (notices say when). */
export function queueLimitsFrom(options: Record<string, unknown>, notices: string[]): QueueLimits {
  const int = (v: unknown, min: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined);
  let batch = int(options.batch, 1) ?? DEFAULT_BATCH;
  if (batch > MAX_BATCH) {
    notices.push(`options.batch ${batch} is cut to ${MAX_BATCH}, the most requests a validation runs at once`);
    batch = MAX_BATCH;
  }
  const perHost = int(options.batchPerHost, 0) ?? DEFAULT_BATCH_PER_HOST;
  return { batch, batchPerHost: perHost === 0 ? batch : Math.min(perHost, batch) };
}

interface Waiting {
  host: string;
  start(): void;
  fail(err: Error): void;
}

export class RequestQueue {
  private running = 0;
  private readonly perHost = new Map<string, number>();
  /** Waiting requests by host, each FIFO; hosts in the order they first waited. */
  private readonly waiting = new Map<string, { seq: number; w: Waiting }[]>();
  private seq = 0;
  private closedWith: Error | undefined;
  /** Most requests that ran at once (for tests and figures). */
  peak = 0;

  constructor(private readonly limits: QueueLimits) {}

  /** Runs `send` when a slot for `host` is free. */
  run<T>(host: string, send: () => Promise<T>): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<T>((resolve, reject) => {
      const w: Waiting = {
        host,
        start: () => {
          this.running++;
          this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
          this.peak = Math.max(this.peak, this.running);
          send()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              this.perHost.set(host, this.perHost.get(host)! - 1);
              this.pump();
            });
        },
        fail: reject,
      };
      const list = this.waiting.get(host) ?? [];
      list.push({ seq: this.seq++, w });
      this.waiting.set(host, list);
      this.pump();
    });
  }

  /** Fails every waiting request with `err` (the deadline passed, the attempt ended); later ones too. */
  close(err: Error): void {
    this.closedWith ??= err;
    for (const list of this.waiting.values()) for (const { w } of list) w.fail(err);
    this.waiting.clear();
  }

  private pump(): void {
    while (this.running < this.limits.batch) {
      // The oldest waiting request whose host has room.
      let best: { host: string; seq: number } | undefined;
      for (const [host, list] of this.waiting) {
        if ((this.perHost.get(host) ?? 0) >= this.limits.batchPerHost) continue;
        if (!best || list[0]!.seq < best.seq) best = { host, seq: list[0]!.seq };
      }
      if (!best) return;
      const list = this.waiting.get(best.host)!;
      const { w } = list.shift()!;
      if (list.length === 0) this.waiting.delete(best.host);
      w.start();
    }
  }
}

/** The key requests are counted under for `batchPerHost`: host and port as written. */
export function hostKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}
