// What every command does around the library call: turn flags into library options, attach
// the reporter, status file and termination log as consumers of the run's events, turn
// SIGINT/SIGTERM into a clean abort, and map errors to exit codes (by their stable `code`).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { EXIT_FAILED, EXIT_OK, exitCodeFor, isUsageError } from '../errors.js';
import type { CommonOptions, PreflightEvent, PreflightRun } from '../index.js';
import { jsonReporter, textReporter, type Reporter } from '../report/reporter.js';
import { createRedactor } from '../http/redact.js';
import { textField } from '../report/sanitize.js';
import { createStatusFileWriter } from '../report/status-file.js';
import { createStyle, useColor, type Style } from '../report/style.js';
import { defaultTerminationLogPath, writeTerminationLog } from '../report/termination-log.js';
import type { StatusDocument } from '../status/types.js';
import { engineFrom, type NetworkFlagValues } from './flags.js';
import { gate, runGated } from './gate.js';

export interface OutputFlagValues {
  output: 'text' | 'json';
  quiet?: boolean;
  color?: boolean | undefined;
}

/** The verdict line alone (`--quiet`). */
function quietTextReporter(style: Style): Reporter {
  return {
    event() {},
    notice() {},
    result(status) {
      const ok = status.phase === 'Succeeded';
      const message = status.schedule === null && status.lastAttempt ? status.lastAttempt.message : status.message;
      const text = textField(message);
      process.stdout.write(`${ok ? style.ok(status.phase) : `${style.bad(status.phase)} ${style.bold(status.reason)}`}: ${text}\n`);
    },
    close() {},
  };
}

/** The reporter for stdout. What it gets from the library has the validation's secrets masked already. */
export function makeReporter(f: OutputFlagValues, live: boolean): Reporter {
  if (f.output === 'json') {
    const json = jsonReporter(process.stdout);
    return f.quiet ? { event() {}, notice() {}, result: (s, how) => json.result(s, how), close: () => json.close() } : json;
  }
  const style = createStyle(useColor(process.stdout, f.color));
  return f.quiet ? quietTextReporter(style) : textReporter(process.stdout, style, { live });
}

/** Network, secrets and debug options for the library, from the flags every attempt has. */
export async function networkOptions(f: NetworkFlagValues & { secretParam?: string[] }, secrets: string[] = []): Promise<CommonOptions> {
  return {
    network: await engineFrom(f),
    secrets,
    ...(f.secretParam?.length ? { secretParams: f.secretParam } : {}),
    ...(f.egressIpUrl ? { egressIpUrl: f.egressIpUrl } : {}),
    ...(f.httpDebug ? { httpDebug: { full: f.httpDebug === 'full', write: (t: string) => void process.stderr.write(t) } } : {}),
  };
}

/** An AbortController that SIGINT/SIGTERM abort; `code()` is 130/143 once a signal came. */
function signalAbort(): { signal: AbortSignal; code(): number | undefined; dispose(): void } {
  const ac = new AbortController();
  let got: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals) => () => {
    if (got) process.exit(sig === 'SIGINT' ? 130 : 143); // a second signal: stop now
    got = sig;
    ac.abort(new Error(`stopped by ${sig}`));
  };
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return {
    signal: ac.signal,
    code: () => (got === 'SIGINT' ? 130 : got === 'SIGTERM' ? 143 : undefined),
    dispose() {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

export interface Consumers {
  reporter: Reporter;
  /** Keep the status document here (`--status-file`). */
  statusFile?: string | undefined;
  /** `undefined`: the default (/dev/termination-log in a pod); `false`: none. */
  terminationLog?: string | false | undefined;
}

/**
 * Starts a library run with a signal that SIGINT/SIGTERM abort, feeds its events to the
 * consumers, and ends with the verdict: the exit code (0 passed, 1 failed, 130/143 stopped).
 */
export async function consume(
  start: (o: { signal: AbortSignal; onEvent: (e: PreflightEvent) => void }) => PreflightRun<{ passed: boolean; status: StatusDocument; skipped?: boolean }>,
  out: Consumers,
): Promise<number> {
  const { reporter } = out;
  const statusFile = out.statusFile ? createStatusFileWriter(out.statusFile, (e) => reporter.notice(`status file: ${e.message}`)) : undefined;
  const sig = signalAbort();
  try {
    const { passed, status, skipped } = await start({
      signal: sig.signal,
      onEvent: (e) => {
        if (e.type === 'notice') return reporter.notice(e.message);
        if (e.type === 'status') statusFile?.write(e.status);
        reporter.event(e);
      },
    });
    statusFile?.write(status);
    const termPath = out.terminationLog === false ? undefined : (out.terminationLog ?? defaultTerminationLogPath());
    if (termPath) {
      const err = writeTerminationLog(termPath, status);
      if (err && out.terminationLog) reporter.notice(`termination log ${termPath}: ${err.message}`);
    }
    reporter.result(status, { skipped: !!skipped });
    return sig.code() ?? (passed ? EXIT_OK : EXIT_FAILED);
  } finally {
    reporter.close();
    sig.dispose();
  }
}

/** Runs a command body and maps what it throws to an exit code with a clear message. */
const flagRedactor = createRedactor({});

/** An error message for stderr: control characters escaped, URL credentials and secret-looking
 *  query parameters masked (it may quote a flag or a URL as the user typed it). */
export const errorText = (message: string): string => textField(flagRedactor.text(message));

export async function guard(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    // The message can quote the script, the manifest or a URL given on the command line:
    // shown inert and with credentials masked.
    if (isUsageError(err)) process.stderr.write(`k6-preflight: ${errorText((err as Error).message)}\n`);
    else process.stderr.write(`k6-preflight: internal error: ${errorText(String((err as Error)?.stack ?? err))}\n`);
    return exitCodeFor(err);
  }
}

/** The typed arguments a command's builder declares (coerced values included). */
export type ArgsOf<B extends (y: Argv) => Argv<any>> = ArgumentsCamelCase<ReturnType<B> extends Argv<infer T> ? T : never>;

/** After a validation: its exit code, or, when it passed and a command was given after `--`, that command's. */
export async function thenRun(code: number): Promise<number> {
  return code === EXIT_OK && gate.command.length ? runGated(gate.command) : code;
}
