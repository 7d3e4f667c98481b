// Reporters turn driver events into output. Text is for people (live lines, a countdown
// on a TTY); JSON lines are for tools (the operator reads pod logs, so the verdict is last).
import type { AttemptEvent } from '../attempt/types.js';
import type { DriverEvent } from '../poll/driver.js';
import { humanDuration } from '../plan/duration.js';
import type { StatusDocument } from '../status/types.js';
import { forOutput, safeJson, textField as t } from './sanitize.js';
import type { Style } from './style.js';

export interface Reporter {
  event(e: DriverEvent | AttemptEvent): void;
  notice(text: string): void;
  /** The verdict; `skipped` when nothing ran because the configuration disabled it. */
  result(status: StatusDocument, how?: { skipped?: boolean }): void;
  /** Stops timers (the TTY countdown). */
  close(): void;
}

/** `::api::auth` + `status` → `api › auth › status`, as a person reads a group path. */
function checkPath(group: string, name: string): string {
  const parts = group.split('::').filter(Boolean);
  return t([...parts, name].join(' › '));
}

export interface Sink {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** How long output may wait to be written together with what follows it. */
const BATCH_MS = 20;

/** Gathers the lines written within a few milliseconds into one write: a script that makes
 *  thousands of requests must not pay a system call (and a reader wake-up) per line. */
export function batchedSink(out: Sink): Sink & { flush(): void } {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const s = pending;
    pending = '';
    out.write(s);
  };
  process.once('exit', flush);
  return {
    ...(out.isTTY !== undefined ? { isTTY: out.isTTY } : {}),
    write(s: string) {
      pending += s;
      if (pending.length > 64 * 1024) flush();
      else timer ??= setTimeout(flush, BATCH_MS);
    },
    flush,
  };
}

/** JSON lines. Every line passes through `forOutput` (URL credentials and secret parameters
 *  masked in every field; the library masked the validation's own secrets already) and
 *  `safeJson` (U+2028/U+2029 and C1 controls escaped). */
export function jsonReporter(target: Sink): Reporter {
  const out = batchedSink(target);
  const line = (o: object) => out.write(safeJson(forOutput(o)) + '\n');
  return {
    event(e) {
      switch (e.type) {
        case 'request':
          return line({ type: 'request', attempt: e.attempt, ...e.request });
        case 'check':
        case 'console':
          return line(e);
        case 'attempt': {
          // The event's own `type` (Normal/Warning, as a Kubernetes Event) becomes `eventType`.
          const { type: eventType, ...rest } = e.event;
          return line({ type: 'attempt', ...rest, eventType });
        }
        case 'condition':
          return line({ type: 'condition', condition: e.condition });
        case 'waiting':
          return line(e);
        default:
          return; // status snapshots go to --status-file, attemptStarted is implied by the attempt event
      }
    },
    notice: (text) => line({ type: 'notice', message: text }),
    result(status, how) {
      // A skip says so on the result line, with why, beside the (ValidationSkipped) status.
      line({ type: 'result', ...(how?.skipped ? { skipped: true, message: status.message } : {}), status });
      out.flush();
    },
    close: () => out.flush(),
  };
}

/** Text for people. Events, notices and the result pass through `forOutput` first (URL
 *  credentials and secret parameters masked in every field); every string that a script, a server or the environment could
 *  have shaped is printed through `textField` (controls escaped, continuation lines marked). */
export function textReporter(target: Sink, style: Style, opts: { live: boolean }): Reporter {
  const out = batchedSink(target);
  let countdown: NodeJS.Timeout | undefined;
  let countdownShown = false;
  const clearCountdown = () => {
    if (countdown) clearInterval(countdown);
    countdown = undefined;
    if (countdownShown) out.write('\r\x1b[2K');
    countdownShown = false;
  };
  const write = (s: string) => {
    clearCountdown();
    out.write(s + '\n');
  };
  let startedAt = Date.now();
  let deadline: number | undefined;

  return {
    event(raw) {
      // The status snapshot is only read for its times here; it is not printed.
      const e = raw.type === 'status' ? raw : forOutput(raw);
      switch (e.type) {
        case 'attemptStarted':
          deadline ??= undefined;
          return write(style.bold(`attempt ${e.attempt}`) + style.dim(` at ${e.at.slice(11, 23)}`));
        case 'request': {
          const r = e.request;
          const head = `  ${t(r.method)} ${t(r.url)}`;
          const took = style.dim(`${Math.round(r.timings.duration || 0)} ms`);
          if (r.reason) return write(`${head} ${style.bad(`✗ ${t(r.reason)}`)} ${style.dim(t(r.message ?? r.error))}`);
          // A gRPC call that reached here ended OK (a non-OK status carries a reason); a tcp://
          // or tls:// check's connection has no status.
          const st = r.grpc_status !== undefined ? style.ok('OK') : r.status === 0 ? style.ok(r.proto ? `connected (${t(r.proto)})` : 'connected') : r.status >= 400 ? style.bad(String(r.status)) : style.ok(String(r.status));
          return write(`${head} → ${st} ${took}`);
        }
        case 'check':
          return write(`  ${e.passed ? style.ok('✓') : style.bad('✗')} ${checkPath(e.group, e.name)}`);
        case 'console':
          return write(style.dim(`  console.${t(String(e.level))}: `) + t(e.message));
        case 'attempt': {
          const ev = e.event;
          const verdict = ev.outcome === 'passed' ? style.ok('passed') : `${style.bad('failed')} ${style.bold(t(ev.reason))}`;
          const next = ev.nextAttemptAt ? style.dim(`; next attempt at ${ev.nextAttemptAt.slice(11, 19)}`) : '';
          return write(`  ${verdict} in ${humanDuration(ev.durationMs)}: ${t(e.result.message)}${next}`);
        }
        case 'status':
          startedAt = Date.parse(e.status.startedAt);
          if (e.status.deadline) deadline = Date.parse(e.status.deadline);
          return;
        case 'waiting': {
          if (!opts.live || !out.isTTY) return;
          const at = Date.parse(e.at);
          const tick = () => {
            const left = Math.max(0, at - Date.now());
            const elapsed = humanDuration(Date.now() - startedAt);
            const budget = deadline ? ` of ${humanDuration(deadline - startedAt)}` : '';
            const what = e.final ? 'no attempt fits before the deadline; ending in' : 'next attempt in';
            out.write(`\r\x1b[2K${style.dim(`${what} ${humanDuration(Math.ceil(left / 1000) * 1000)} · ${elapsed} elapsed${budget}`)}`);
            countdownShown = true;
          };
          clearCountdown();
          tick();
          countdown = setInterval(tick, 1000);
          countdown.unref();
          return;
        }
        default:
          return;
      }
    },
    notice: (text) => write(style.warn(`note: ${t(forOutput(text))}`)),
    result(raw) {
      const status = forOutput(raw);
      const ok = status.phase === 'Succeeded';
      const last = status.lastAttempt;
      if (last && last.checks.length) {
        const lines = last.checks.map((c) => {
          const mark = c.fails ? style.bad('✗') : style.ok('✓');
          return `  ${mark} ${checkPath(c.group, c.name)} ${style.dim(`${c.passes}/${c.passes + c.fails}`)}`;
        });
        write(style.dim('checks (last attempt):') + '\n' + lines.join('\n'));
      }
      const phase = ok ? style.ok(status.phase) : style.bad(status.phase);
      const reason = ok ? '' : ` ${style.bold(t(status.reason))}`;
      // A single attempt (`run`) is best told by the attempt's own message.
      const message = status.schedule === null && last ? last.message : status.message;
      write(`${phase}${reason}: ${t(message)}`);
      out.flush();
    },
    close() {
      clearCountdown();
      out.flush();
    },
  };
}
