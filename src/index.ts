// The library API: what the CLI does, as functions.
//
//   import { runOnce, poll, checkUrl, loadTestRun } from 'k6-preflight';
//
// Each call starts at once and returns a `PreflightRun`: await it for the typed result
// (which carries the same status document the CLI prints), and/or iterate it with
// `for await` for the events as they happen (requests, checks, attempts, conditions).
// An `onEvent` callback sees the same events. Aborting `signal` cancels the running
// attempt and ends the run with phase `Aborted` (the promise still resolves).
// A broken script, manifest or option rejects with a `UsageError` or `ManifestError`
// before anything is attempted (the CLI's exit code 2).
import { prepareScriptAttempts } from './attempt/script-attempt.js';
import { secretStoreFrom, type SecretStore } from './script/secret-sources.js';
import type { AttemptEvent, AttemptResult, AttemptRunner } from './attempt/types.js';
import { parseValidity } from './attempt/conn-check.js';
import { checkableUrl, checkerFor, urlCheckRunner } from './attempt/url-check.js';
import { UsageError } from './errors.js';
import { createRedactor, type Redactor } from './http/redact.js';
import { forOutput } from './report/sanitize.js';
import type { EngineOptions } from './http/types.js';
import { loadManifestFile, parseManifestText } from './manifest/documents.js';
import { findTestRun, type ValidationBlock, type ValidationSource } from './manifest/testrun.js';
import { layerPlanInput, readTestRunValidation, scriptConfig } from './manifest/carriers.js';
import { MAX_TIMEOUT_MS, parseDuration, tooLongForTimer } from './plan/duration.js';
import { DEFAULT_EXPECT, parseExpect, type StatusRange } from './plan/expect.js';
import { planFromInput, type PlanInput, type SchedulePlan } from './plan/plan.js';
import { runValidation, type DriverEvent } from './poll/driver.js';
import { MIN_MEMORY_BYTES } from './sandbox/limits.js';
import { configMapScriptSource } from './script/configmap-source.js';
import { checkSizes, loadScriptSource, type ScriptSource } from './script/source.js';
import { statusForSingleAttempt } from './status/machine.js';
import type { StatusDocument } from './status/types.js';
import { VERSION } from './version.js';

export { UsageError } from './errors.js';
export { ManifestError } from './manifest/errors.js';
export { VERSION };
export type { AttemptEvent, AttemptReason, AttemptResult, CheckTally, ConsoleRecord, RequestRecord } from './attempt/types.js';
export type { Condition, ConditionType, Phase, StatusDocument, ValidationEvent } from './status/types.js';
export type { DriverEvent } from './poll/driver.js';
export type { PlanInput, SchedulePlan } from './plan/plan.js';
export type { EngineOptions } from './http/types.js';
export type { ScriptSource } from './script/source.js';

/** Everything a run reports while it goes: the driver's events and, inside attempts,
 *  requests, checks and console lines. */
export type PreflightEvent = DriverEvent | AttemptEvent;

export interface CommonOptions {
  /** Aborting it cancels the running attempt; the result's phase is then `Aborted`. */
  signal?: AbortSignal;
  /** Called for every event, in order. Exceptions it throws are ignored. */
  onEvent?: (e: PreflightEvent) => void;
  /** Network settings (hosts overrides, TLS, proxy, allowed hosts …), as the CLI's network flags. */
  network?: Partial<EngineOptions>;
  /** Values masked wherever they would appear in output (URLs, messages, console). */
  secrets?: string[];
}

export interface ScriptOptions extends CommonOptions {
  /** `__ENV` for the script (nothing from the process environment unless put here). */
  env?: Record<string, string>;
  /** Key of the script inside a ConfigMap or folder (default validate.js, else the only script). */
  file?: string;
  /** Hard memory cap of the sandbox in bytes (default 64 MiB, at least 16 MiB). */
  memoryLimitBytes?: number;
  /** Deadline of one attempt: a Go duration (`30s`) or milliseconds. Default 30s. */
  timeout?: string | number;
  /** `k6/secrets` sources, as k6's --secret-source spells them (`file=PATH`, `env`, `mock=K=V`). */
  secretSources?: string[];
}

/**
 * A script: a path (a .js/.ts file, a folder a ConfigMap is mounted as, or a ConfigMap
 * manifest), or the code itself with optional files beside it (for relative imports and open()).
 */
export type ScriptInput = string | { code: string; name?: string; files?: Record<string, string | Uint8Array> };

export interface RunOnceResult {
  passed: boolean;
  /** The status document, as `k6-preflight run -o json` prints it in its result line. */
  status: StatusDocument;
  attempt: AttemptResult;
  /** Things worth telling a person (ignored load options, …). */
  notices: string[];
}

export interface PollOptions extends ScriptOptions {
  /** The schedule, as flags or manifest fields give it (`interval: '10s'`, `maxDuration: '15m'` …). */
  schedule?: PlanInput;
}

export interface PollResult {
  /** Phase `Succeeded`. */
  passed: boolean;
  /** Set when nothing ran because the configuration disabled it (preflight.yaml `enabled: false`). */
  skipped?: boolean;
  /** The status document (conditions, history, last attempt) the CLI writes to --status-file. */
  status: StatusDocument;
  notices: string[];
}

export interface CheckUrlOptions extends CommonOptions {
  /** Default GET. */
  method?: string;
  /** Expected status codes: `'200,204'`, `'200-299'` or a list. Default 200-399. */
  expect?: string | readonly (number | string)[];
  headers?: Record<string, string>;
  body?: string;
  /** tls:// URLs: fail when the certificate expires sooner (`'7d'`, `'36h'`, or ms). */
  minCertValidity?: string | number;
  /** Deadline of one attempt (Go duration or ms); default 30s. */
  timeout?: string | number;
  schedule?: PlanInput;
}

/** A run in progress: a promise of its result and an async iterable of its events. */
export class PreflightRun<T> implements Promise<T>, AsyncIterable<PreflightEvent> {
  readonly [Symbol.toStringTag] = 'PreflightRun';
  /** Settles when the run ends. */
  readonly result: Promise<T>;
  private readonly listeners = new Set<(e: PreflightEvent | undefined) => void>();
  private ended = false;

  constructor(start: (emit: (e: PreflightEvent) => void) => Promise<T>, onEvent?: (e: PreflightEvent) => void) {
    const emit = (e: PreflightEvent) => {
      try {
        onEvent?.(e);
      } catch {
        // a caller's callback must not break the run
      }
      for (const l of this.listeners) l(e);
    };
    // Started on a microtask: an iterator taken right after the call sees every event.
    this.result = Promise.resolve()
      .then(() => start(emit))
      .finally(() => {
        this.ended = true;
        for (const l of this.listeners) l(undefined);
      });
  }

  then<A = T, B = never>(ok?: ((v: T) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.result.then(ok, fail);
  }

  catch<B = never>(fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.result.catch(fail);
  }

  finally(fn?: (() => void) | null): Promise<T> {
    return this.result.finally(fn);
  }

  /** Events from now until the run ends; the loop throws if the run fails. */
  async *[Symbol.asyncIterator](): AsyncIterator<PreflightEvent> {
    const queue: (PreflightEvent | undefined)[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: PreflightEvent | undefined) => {
      queue.push(e);
      wake?.();
    };
    if (this.ended) return void (await this.result);
    this.listeners.add(listener);
    this.result.catch(() => undefined); // the loop rethrows it below
    try {
      for (;;) {
        if (!queue.length) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        while (queue.length) {
          const e = queue.shift();
          if (e === undefined) return void (await this.result);
          yield e;
        }
      }
    } finally {
      this.listeners.delete(listener);
    }
  }
}

/** Runs a script once in a fresh sandbox: `k6-preflight run`. */
export function runOnce(script: ScriptInput, opts: ScriptOptions = {}): PreflightRun<RunOnceResult> {
  return new PreflightRun(async (emit) => {
    const timeoutMs = durationOption('timeout', opts.timeout, 30_000);
    const source = scriptSource(script, opts.file);
    const { redactor, engine } = network(opts);
    const out = (e: PreflightEvent) => emit(forOutput(e, redactor));
    const attempts = await prepareScriptAttempts({
      source, env: { ...opts.env }, memoryLimitBytes: memoryLimit(opts), timeoutMs, engine, redactor, ...secretsOf(opts),
    });
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const attempt = await attempts.run({ attempt: 1, deadline: Date.now() + timeoutMs, signal: abort.signal, onEvent: out });
      let status = statusForSingleAttempt(attempt, { target: source.origin });
      if (abort.signal.aborted) status = { ...status, phase: 'Aborted', reason: 'Aborted', message: `aborted: ${reasonText(opts.signal?.reason)}` };
      return forOutput({ passed: status.phase === 'Succeeded', status, attempt, notices: [...attempts.notices] }, redactor);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await attempts.close();
    }
  }, opts.onEvent);
}

/** Runs a script on a schedule until it passes or the deadline: `k6-preflight poll`. */
export function poll(script: ScriptInput, opts: PollOptions = {}): PreflightRun<PollResult> {
  return new PreflightRun(async (emit) => {
    const source = scriptSource(script, opts.file);
    const config = scriptConfig(source);
    const plan = schedule(opts.schedule, opts.timeout, config);
    if (config && !config.enabled) {
      // preflight.yaml beside the script says enabled: false, as the CLI's poll honours it.
      const message = `preflight.yaml in ${source.origin} says enabled: false; validation skipped`;
      return { passed: true, skipped: true, status: skippedStatus(source.origin, message), notices: [message] };
    }
    const { redactor, engine } = network(opts);
    const attempts = await prepareScriptAttempts({
      source, env: { ...opts.env }, memoryLimitBytes: memoryLimit(opts), timeoutMs: plan.timeoutMs, engine, redactor, ...secretsOf(opts),
    });
    try {
      return await drive(plan, attempts.run, source.origin, opts, emit, () => attempts.notices);
    } finally {
      await attempts.close();
    }
  }, opts.onEvent);
}

/** Requests a URL on a schedule until it answers with an expected status: `k6-preflight check`. */
export function checkUrl(url: string, opts: CheckUrlOptions = {}): PreflightRun<PollResult> {
  return new PreflightRun(async (emit) => {
    const plan = schedule(opts.schedule, opts.timeout);
    const method = opts.method ?? 'GET';
    const { redactor, engine } = network(opts);
    const checker = asUsage(() => checkerFor(checkableUrl(url)));
    const mcv = opts.minCertValidity;
    const minCertValidityMs = typeof mcv === 'number' ? mcv : mcv !== undefined ? asUsage(() => parseValidity('minCertValidity', mcv)) : undefined;
    const runner = urlCheckRunner(
      { url, method, expect: expectOption(opts.expect), headers: { ...opts.headers }, ...(opts.body !== undefined ? { body: opts.body } : {}), ...(minCertValidityMs !== undefined ? { minCertValidityMs } : {}) },
      engine,
      redactor,
    );
    return drive(plan, runner, checker.http ? `${method} ${redactor.url(url)}` : redactor.url(url), opts, emit);
  }, opts.onEvent);
}

export interface LoadTestRunOptions {
  /** Which TestRun, when the manifest holds several. */
  name?: string;
  /** Manifest files holding ConfigMaps (besides the TestRun's own file). */
  configMaps?: string[];
  /** A folder the validation ConfigMap is mounted as (e.g. /test in a runner pod). */
  scriptsDir?: string;
}

export interface LoadedTestRun {
  testRun: { name?: string; namespace?: string; generation?: number };
  /** Where the validation block was found: the annotation k6-preflight.io/validation or
   *  spec.preTestValidation (the #644 proposal); absent when there is none. */
  carrier?: 'annotation' | 'spec';
  /** false when spec.preTestValidation is absent or `enabled: false`: nothing to run. */
  enabled: boolean;
  /** The manifest's schedule over the defaults. */
  plan: SchedulePlan;
  /** What is validated (set when enabled). */
  source?: ValidationSource;
  /** The validation script's files, for a validationScript. */
  script?: ScriptSource;
  /**
   * Runs the validation as `k6-preflight testrun` does. `schedule` fields override the
   * manifest's. When validation is not enabled, resolves at once with `skipped: true`.
   */
  run(opts?: PollOptions & Pick<CheckUrlOptions, 'headers'>): PreflightRun<PollResult & { skipped: boolean }>;
}

/**
 * Reads a TestRun manifest (a path, or `{ text }` of YAML/JSON) and its
 * spec.preTestValidation (k6-operator #644). The validation ConfigMap comes from the same
 * file, `configMaps` files, or a mounted `scriptsDir`. Throws ManifestError/UsageError.
 */
export function loadTestRun(manifest: string | { text: string; source?: string }, opts: LoadTestRunOptions = {}): LoadedTestRun {
  const docs = typeof manifest === 'string' ? loadManifestFile(manifest) : parseManifestText(manifest.text, manifest.source ?? 'manifest');
  const doc = findTestRun(docs, opts.name);
  const v = readTestRunValidation(doc);
  const { document: _doc, ...testRun } = v.testRun;
  const who = `TestRun ${testRun.namespace ? `${testRun.namespace}/` : ''}${testRun.name ?? '(unnamed)'}`;
  const source = v.enabled ? v.source : undefined;
  const script = source?.kind === 'validationScript' ? configMapScriptSource(source.configMap, docs, { ...(opts.scriptsDir ? { scriptsDir: opts.scriptsDir } : {}), manifests: opts.configMaps ?? [] }) : undefined;

  const run = (ro: PollOptions & Pick<CheckUrlOptions, 'headers'> = {}): PreflightRun<PollResult & { skipped: boolean }> =>
    new PreflightRun(async (emit) => {
      if (!source) {
        const status = skippedStatus(who);
        return { passed: true, skipped: true, status, notices: [`${who}: ${v.carrier === undefined ? `no validation found (looked for ${v.looked.join(' and ')})` : 'validation is disabled (enabled: false)'}; validation skipped`] };
      }
      const over: PlanInput = { ...ro.schedule };
      if (ro.timeout !== undefined) over.timeout = typeof ro.timeout === 'number' ? `${ro.timeout}ms` : ro.timeout;
      const { input, names } = layerPlanInput(v, over);
      const plan = asUsage(() => planFromInput(input, undefined, names));
      const { redactor, engine } = network(ro);
      const gen = testRun.generation;
      if (source.kind === 'connectivityCheck') {
        const runner = urlCheckRunner(
          { url: source.url, method: source.method, expect: source.expectedStatusCodes, headers: { ...ro.headers }, ...(source.minCertValidityMs !== undefined ? { minCertValidityMs: source.minCertValidityMs } : {}) },
          engine,
          redactor,
        );
        return { skipped: false, ...(await drive(plan, runner, `${who}: ${source.method} ${redactor.url(source.url)}`, ro, emit, undefined, gen)) };
      }
      const attempts = await prepareScriptAttempts({
        source: script!, env: { ...ro.env }, memoryLimitBytes: memoryLimit(ro), timeoutMs: plan.timeoutMs, engine, redactor, ...secretsOf(ro),
      });
      try {
        return { skipped: false, ...(await drive(plan, attempts.run, `${who}: ${script!.origin}`, ro, emit, () => attempts.notices, gen)) };
      } finally {
        await attempts.close();
      }
    }, ro.onEvent);

  return {
    testRun,
    ...(v.carrier ? { carrier: v.carrier } : {}),
    enabled: v.enabled,
    plan: v.plan,
    ...(source ? { source } : {}),
    ...(script ? { script } : {}),
    run,
  };
}

// --- helpers ---------------------------------------------------------------------------

async function drive(
  plan: SchedulePlan,
  runner: AttemptRunner,
  target: string,
  opts: CommonOptions,
  emit: (e: PreflightEvent) => void,
  notices?: () => Iterable<string>,
  generation?: number,
): Promise<PollResult> {
  const redactor = network(opts).redactor;
  const status = await runValidation({
    plan, runner, target, onEvent: (e) => emit(forOutput(e, redactor)),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(generation !== undefined ? { generation } : {}),
  });
  return forOutput({ passed: status.phase === 'Succeeded', status, notices: [...(notices?.() ?? [])] }, redactor);
}

function scriptSource(script: ScriptInput, file?: string): ScriptSource {
  if (typeof script === 'string') return loadScriptSource(script, file);
  if (!script || typeof script.code !== 'string') throw new UsageError('script: give a path or { code }');
  const name = script.name ?? 'validate.js';
  const files = new Map<string, Uint8Array>([[name, Buffer.from(script.code)]]);
  for (const [k, v] of Object.entries(script.files ?? {})) files.set(k, typeof v === 'string' ? Buffer.from(v) : v);
  checkSizes(files, name);
  return { origin: name, files, entry: name };
}

function secretsOf(o: ScriptOptions): { secrets?: SecretStore } {
  const store = secretStoreFrom(o.secretSources ?? []);
  return store ? { secrets: store } : {};
}

function network(o: CommonOptions): { redactor: Redactor; engine: Partial<EngineOptions> } {
  const secrets = (o.secrets ?? []).filter(Boolean);
  return { redactor: createRedactor({ secretValues: secrets }), engine: { ...o.network, secretValues: secrets } };
}

function schedule(input: PlanInput | undefined, timeout: string | number | undefined, config?: ValidationBlock): SchedulePlan {
  const i: PlanInput = { ...input };
  if (timeout !== undefined) i.timeout = typeof timeout === 'number' ? `${timeout}ms` : timeout;
  // A preflight.yaml beside the script gives the schedule; options win field by field.
  const { input: layered, names } = layerPlanInput(config, i);
  return asUsage(() => planFromInput(layered, undefined, names));
}

/** Plan and duration problems are usage errors, as in the CLI (exit 2). */
function asUsage<R>(fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'PlanError' || name === 'DurationError' || name === 'ExpectError') throw new UsageError((e as Error).message);
    throw e;
  }
}

function durationOption(name: string, v: string | number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = typeof v === 'number' ? v : asUsage(() => parseDuration(v));
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`${name}: must be a positive duration, got ${JSON.stringify(v)}`);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`${name}: ${tooLongForTimer(String(v))}`);
  return ms;
}

function memoryLimit(o: ScriptOptions): number {
  const n = o.memoryLimitBytes ?? 64 * 1024 * 1024;
  if (!Number.isFinite(n) || n < MIN_MEMORY_BYTES) throw new UsageError(`memoryLimitBytes: at least ${MIN_MEMORY_BYTES} (16 MiB)`);
  return n;
}

function expectOption(e: CheckUrlOptions['expect']): StatusRange[] {
  if (e === undefined) return [...DEFAULT_EXPECT];
  try {
    return parseExpect(e);
  } catch (err) {
    throw new UsageError(`expect: ${(err as Error).message}`);
  }
}

function reasonText(r: unknown): string {
  if (typeof r === 'string' && r) return r;
  if (r instanceof Error && r.message && r.name !== 'AbortError') return r.message;
  return 'signal aborted';
}

function skippedStatus(who: string, message = `${who}: validation skipped (no validation block, or enabled: false)`): StatusDocument {
  const now = new Date().toISOString();
  return {
    phase: 'Succeeded', target: who, attempts: 0, consecutivePasses: 0, consecutiveFailures: 0, lastAttempt: null,
    reason: 'ValidationSkipped', message,
    conditions: [], history: [], startedAt: now, finishedAt: now, schedule: null,
  };
}
