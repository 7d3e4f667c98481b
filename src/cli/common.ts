// What every command does around its work: build the reporter, redactor and engine
// settings from flags, turn SIGINT/SIGTERM into a clean abort, map errors to exit codes.
import { secretStoreFrom, type SecretStore } from '../script/secret-sources.js';
import { UsageError } from '../errors.js';
import { createRedactor, type Redactor } from '../http/redact.js';
import type { CreateEngineOptions } from '../http/engine.js';
import { lookupEgressIp } from '../http/egress-ip.js';
import { ManifestError } from '../manifest/errors.js';
import { jsonReporter, textReporter, type Reporter } from '../report/reporter.js';
import { textField } from '../report/sanitize.js';
import { createStyle, useColor } from '../report/style.js';
import { engineFlags, envFrom, type NetworkFlagValues, type ScriptFlagValues } from './flags.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface OutputFlagValues {
  output: 'text' | 'json';
  color?: boolean;
}

/** The reporter for stdout; `redactor` masks the validation's secrets in everything it prints. */
export function makeReporter(f: OutputFlagValues, live: boolean, redactor?: Redactor): Reporter {
  if (f.output === 'json') return jsonReporter(process.stdout, redactor);
  return textReporter(process.stdout, createStyle(useColor(process.stdout, f.color)), { live, ...(redactor ? { redactor } : {}) });
}

/** What the status says about the runner itself: the address the outside sees. */
export interface RunnerInfo {
  egressIp?: string;
  egressIpError?: string;
  egressIpUrl?: string;
}

export interface Prepared {
  env: Record<string, string>;
  redactor: Redactor;
  engine: CreateEngineOptions;
  runner: RunnerInfo;
  /** `k6/secrets` sources from --secret-source (their values already in the redactor). */
  secrets?: SecretStore;
}

export async function prepareCommon(f: ScriptFlagValues & NetworkFlagValues): Promise<Prepared> {
  const { env, secrets } = envFrom(f);
  const redactor = createRedactor({ secretValues: secrets, secretParams: f.secretParam });
  const engine: CreateEngineOptions = await engineFlags(f, secrets, f.secretParam);
  const secretStore = secretStoreFrom(f.secretSource ?? []);
  for (const v of secretStore?.knownValues() ?? []) if (v) redactor.addSecret(v);
  const runner: RunnerInfo = {};
  if (f.egressIpUrl) {
    // Once per validation; an echo that fails never fails the validation.
    runner.egressIpUrl = redactor.url(f.egressIpUrl);
    const r = await lookupEgressIp(f.egressIpUrl, engine);
    if ('ip' in r) runner.egressIp = engine.egressIp = r.ip;
    else runner.egressIpError = redactor.text(r.error);
  }
  return { env, redactor, engine, runner, ...(secretStore ? { secrets: secretStore } : {}) };
}

/** Adds the runner facts to a status document, and says them once to the person. */
export function withRunner<T extends object>(status: T, runner: RunnerInfo): T {
  return Object.keys(runner).length ? { ...status, runner } : status;
}

export function announceRunner(reporter: Reporter, runner: RunnerInfo): void {
  if (runner.egressIp) reporter.notice(`the outside sees this runner as ${runner.egressIp} (asked ${runner.egressIpUrl}); that is the address an allowlist must hold`);
  else if (runner.egressIpError) reporter.notice(`could not learn this runner's egress address from ${runner.egressIpUrl}: ${runner.egressIpError}`);
}

/** An AbortController that SIGINT/SIGTERM abort; `code()` is 130/143 once a signal came. */
export function signalAbort(): { signal: AbortSignal; code(): number | undefined; dispose(): void; which(): string | undefined } {
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
    which: () => got,
    dispose() {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

/** Runs a command body and maps what it throws to an exit code with a clear message. */
export async function guard(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ManifestError) {
      // The message can quote the script or manifest: shown inert.
      process.stderr.write(`k6-preflight: ${textField(err.message)}\n`);
      return EXIT_USAGE;
    }
    const e = err as Error;
    if (e?.name === 'DurationError' || e?.name === 'PlanError' || e?.name === 'ExpectError') {
      process.stderr.write(`k6-preflight: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`k6-preflight: internal error: ${textField(String(e?.stack ?? e))}\n`);
    return EXIT_FAILED;
  }
}
