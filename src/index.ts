// The library API: what the CLI does, as functions — and what the CLI itself calls.
//
//   import { runOnce, poll, checkUrl, loadTestRun } from 'k6-preflight';
//
// Each call starts at once and returns a `PreflightRun`: await it for the typed result
// (which carries the same status document the CLI prints), and/or iterate it with
// `for await` for the events as they happen (requests, checks, attempts, conditions,
// notices). An `onEvent` callback sees the same events. Aborting `signal` cancels the
// running attempt and ends the run with phase `Aborted` (the promise still resolves).
// A broken script, manifest or option rejects before anything is attempted with an error
// whose `code` is stable (src/errors.ts): `K6P_USAGE` or `K6P_MANIFEST` (the CLI's exit 2).
import { allOf } from './attempt/all-of.js';
import { prepareScriptAttempts } from './attempt/script-attempt.js';
import { secretStoreFrom } from './script/secret-sources.js';
import type { AttemptEvent, AttemptResult, AttemptRunner } from './attempt/types.js';
import { parseValidity } from './attempt/conn-check.js';
import { checkableUrl, checkerFor, urlCheckRunner } from './attempt/url-check.js';
import { UsageError } from './errors.js';
import type { StatusReason } from './reasons.js';
import type { CreateEngineOptions } from './http/engine.js';
import { dumpExchange } from './http/debug-dump.js';
import { lookupEgressIp } from './http/egress-ip.js';
import { createRedactor, type Redactor } from './http/redact.js';
import { forOutput } from './report/sanitize.js';
import type { EngineOptions } from './http/types.js';
import { loadManifestFile, parseManifestText } from './manifest/documents.js';
import { findTestRun, type ValidationBlock, type ValidationSource } from './manifest/testrun.js';
import { layerPlanInput, readTestRunValidation, scriptConfig, VALIDATION_ANNOTATION } from './manifest/carriers.js';
import { parseExpectations, type ExpectationInput } from './plan/check.js';
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_METHOD, DEFAULT_PLAN } from './plan/defaults.js';
import { humanDuration, MAX_TIMEOUT_MS, parseDuration, tooLongForTimer } from './plan/duration.js';
import { DEFAULT_EXPECT, parseExpect, type StatusRange } from './plan/expect.js';
import { planFromInput, type PlanInput, type SchedulePlan } from './plan/plan.js';
import { runValidation, type DriverEvent } from './poll/driver.js';
import { MIN_MEMORY_BYTES } from './sandbox/limits.js';
import { configMapScriptSource } from './script/configmap-source.js';
import { checkSizes, loadScriptSource, type ScriptSource } from './script/source.js';
import { statusForSingleAttempt } from './status/machine.js';
import type { StatusDocument } from './status/types.js';
import { VERSION } from './version.js';

export { UsageError, ERROR_CODES, errorCode, exitCodeFor, isUsageError, type ErrorCode } from './errors.js';
export { ManifestError } from './manifest/errors.js';
export { ATTEMPT_REASONS, NETWORK_REASONS, STATUS_REASONS, isAttemptReason, type StatusReason } from './reasons.js';
export { VERSION };
export type { AttemptEvent, AttemptReason, AttemptResult, CheckTally, ConsoleRecord, RequestRecord } from './attempt/types.js';
export type { Condition, ConditionType, Phase, StatusDocument, ValidationEvent } from './status/types.js';
export type { DriverEvent } from './poll/driver.js';
export type { PlanInput, SchedulePlan } from './plan/plan.js';
export type { EngineOptions } from './http/types.js';
export type { ScriptSource } from './script/source.js';

/** Something worth telling a person (ignored load options, a timeout the deadline cuts …). */
export interface NoticeEvent {
  type: 'notice';
  message: string;
}

/** Everything a run reports while it goes: the driver's events, notices and, inside
 *  attempts, requests, checks and console lines. */
export type PreflightEvent = DriverEvent | AttemptEvent | NoticeEvent;

export interface CommonOptions {
  /** Aborting it cancels the running attempt; the result's phase is then `Aborted`. */
  signal?: AbortSignal;
  /** Called for every event, in order. Exceptions it throws are ignored. */
  onEvent?: (e: PreflightEvent) => void;
  /** Network settings (hosts overrides, TLS, proxy, allowed hosts …), as the CLI's network flags. */
  network?: Partial<EngineOptions>;
  /** Values masked wherever they would appear in output (URLs, messages, console). */
  secrets?: string[];
  /** URL query parameter names to mask, beyond token, key, secret, password, signature … */
  secretParams?: string[];
  /** An echo endpoint asked once which address the outside sees; the answer goes in `status.runner`. */
  egressIpUrl?: string;
  /** Every request and response as text (headers; with `full`, bodies), secrets masked (`--http-debug`). */
  httpDebug?: { full?: boolean; write(text: string): void };
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
  /** Things worth telling a person (ignored load options, …); also sent as `notice` events. */
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

export interface CheckUrlOptions extends CommonOptions, ExpectationInput {
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
    const timeoutMs = durationOption('timeout', opts.timeout, DEFAULT_PLAN.timeoutMs);
    const memoryLimitBytes = memoryLimit(opts);
    const source = scriptSource(script, opts.file);
    scriptConfig(source); // a preflight.yaml beside the script: its key picked the entry; a check there is refused
    const net = await session(opts, emit);
    const out = (e: PreflightEvent) => emit(forOutput(e, net.redactor));
    const attempts = await scriptAttempts(source, opts, net, memoryLimitBytes, timeoutMs);
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const attempt = await attempts.run({ attempt: 1, deadline: Date.now() + timeoutMs, signal: abort.signal, onEvent: out });
      const notices = [...attempts.notices];
      for (const n of notices) out({ type: 'notice', message: n });
      let status = net.decorate(statusForSingleAttempt(attempt, { target: source.origin }));
      if (abort.signal.aborted) status = { ...status, phase: 'Aborted', reason: 'Aborted', message: `${abortDetail(opts.signal?.reason)} during attempt 1` };
      return forOutput({ passed: status.phase === 'Succeeded', status, attempt, notices }, net.redactor);
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
    const memoryLimitBytes = memoryLimit(opts);
    if (config && !config.enabled) {
      // preflight.yaml beside the script says enabled: false, as the CLI's poll honours it.
      const message = `preflight.yaml in ${source.origin} says enabled: false; validation skipped`;
      emit({ type: 'notice', message });
      return { passed: true, skipped: true, status: skippedStatus(source.origin, message), notices: [message] };
    }
    const net = await session(opts, emit);
    const attempts = await scriptAttempts(source, opts, net, memoryLimitBytes, plan.timeoutMs);
    try {
      return await drive({ plan, runner: attempts.run, target: source.origin, opts, emit, net, notices: () => attempts.notices });
    } finally {
      await attempts.close();
    }
  }, opts.onEvent);
}

/**
 * Requests one or more URLs on a schedule until each answers as expected (status, and any
 * body, JSON or header expectations): `k6-preflight check`. With several URLs an attempt
 * passes only when all do.
 */
export function checkUrl(url: string | readonly string[], opts: CheckUrlOptions = {}): PreflightRun<PollResult> {
  return new PreflightRun(async (emit) => {
    const plan = schedule(opts.schedule, opts.timeout);
    const urls = (typeof url === 'string' ? [url] : [...url]).map(checkableUrl);
    if (!urls.length) throw new UsageError('url: give at least one URL to check');
    for (const u of urls) refuseInapplicable(u, opts);
    const method = opts.method ?? DEFAULT_METHOD;
    const expect = expectOption(opts.expect);
    const expectations = parseExpectations(opts);
    const mcv = opts.minCertValidity;
    const minCertValidityMs = typeof mcv === 'number' ? mcv : mcv !== undefined ? parseValidity('min-cert-validity', mcv) : undefined;
    const net = await session(opts, emit);
    const runner = allOf(
      urls.map((u) => urlCheckRunner({
        url: u, method, expect, headers: { ...opts.headers }, expectations,
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        ...(minCertValidityMs !== undefined ? { minCertValidityMs } : {}),
      }, net.engine, net.redactor)),
    );
    return drive({ plan, runner, target: checkTarget(urls, method, net.redactor), opts, emit, net });
  }, opts.onEvent);
}

export interface LoadTestRunOptions {
  /** Which TestRun, when the manifest holds several. */
  name?: string;
  /** Manifest files holding ConfigMaps (besides the TestRun's own file). */
  configMaps?: string[];
  /** A folder the validation ConfigMap is mounted as (e.g. /test in a runner pod). */
  scriptsDir?: string;
  /** The script's key in the ConfigMap, over the manifest's `file` (the CLI's --file). */
  file?: string;
}

export type TestRunRunOptions = PollOptions & Pick<CheckUrlOptions, 'headers'>;

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
   * manifest's. When validation is not enabled, resolves at once with `skipped: true`
   * and a `Succeeded` status whose reason is `ValidationSkipped`.
   */
  run(opts?: TestRunRunOptions): PreflightRun<PollResult & { skipped: boolean }>;
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
  const script = source?.kind === 'validationScript'
    ? configMapScriptSource(source.configMap, docs, {
      ...(opts.scriptsDir ? { scriptsDir: opts.scriptsDir } : {}), manifests: opts.configMaps ?? [], ...(opts.file ? { file: opts.file } : {}),
      // Where the ConfigMap was named, for a message when it is missing.
      refPath: `${v.carrier === 'annotation' ? `metadata.annotations["${VALIDATION_ANNOTATION}"]` : 'spec.preTestValidation'}.validationScript.configMap.name`,
    })
    : undefined;

  const run = (ro: TestRunRunOptions = {}): PreflightRun<PollResult & { skipped: boolean }> =>
    new PreflightRun(async (emit) => {
      if (!source) {
        const why = v.carrier === undefined
          ? `no validation found (looked for ${v.looked.join(' and ')})`
          : v.enabled ? 'the validation is empty' : 'validation is disabled (enabled: false)';
        const message = `${who}: ${why}; validation skipped`;
        emit({ type: 'notice', message });
        return { passed: true, skipped: true, status: skippedStatus(who, message), notices: [message] };
      }
      const plan = schedule(ro.schedule, ro.timeout, v);
      const gen = testRun.generation;
      if (source.kind === 'connectivityCheck') {
        const net = await session(ro, emit);
        const runner = urlCheckRunner(
          {
            url: source.url, method: source.method, expect: source.expectedStatusCodes, headers: { ...ro.headers },
            ...(source.minCertValidityMs !== undefined ? { minCertValidityMs: source.minCertValidityMs } : {}),
          },
          net.engine,
          net.redactor,
        );
        const target = checkTarget([source.url], source.method, net.redactor);
        return { skipped: false, ...(await drive({ plan, runner, target: `${who}: ${target}`, opts: ro, emit, net, generation: gen })) };
      }
      const memoryLimitBytes = memoryLimit(ro);
      const net = await session(ro, emit);
      const attempts = await scriptAttempts(script!, ro, net, memoryLimitBytes, plan.timeoutMs);
      try {
        return { skipped: false, ...(await drive({ plan, runner: attempts.run, target: `${who}: ${script!.origin}`, opts: ro, emit, net, notices: () => attempts.notices, generation: gen })) };
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

/** What the status says about the runner itself: the address the outside sees. */
interface RunnerInfo {
  egressIp?: string;
  egressIpError?: string;
  egressIpUrl?: string;
}

/** One validation's redaction, engine settings and runner facts. */
interface Session {
  redactor: Redactor;
  engine: CreateEngineOptions;
  /** Adds the runner facts to a status document. */
  decorate(status: StatusDocument): StatusDocument;
}

async function session(o: CommonOptions, emit: (e: PreflightEvent) => void): Promise<Session> {
  const secrets = (o.secrets ?? []).filter(Boolean);
  const secretParams = o.secretParams ?? [];
  const redactor = createRedactor({ secretValues: secrets, secretParams });
  const engine: CreateEngineOptions = { ...o.network, secretValues: secrets, ...(secretParams.length ? { secretParams } : {}) };
  const runner: RunnerInfo = {};
  if (o.egressIpUrl) {
    // Once per validation; an echo that fails never fails the validation.
    runner.egressIpUrl = redactor.url(o.egressIpUrl);
    const r = await lookupEgressIp(o.egressIpUrl, engine);
    if ('ip' in r) {
      runner.egressIp = engine.egressIp = r.ip;
      emit({ type: 'notice', message: `the outside sees this runner as ${r.ip} (asked ${runner.egressIpUrl}); that is the address an allowlist must hold` });
    } else {
      runner.egressIpError = redactor.text(r.error);
      emit({ type: 'notice', message: `could not learn this runner's egress address from ${runner.egressIpUrl}: ${runner.egressIpError}` });
    }
  }
  if (o.httpDebug) {
    const { full = false, write } = o.httpDebug;
    engine.onExchange = (res) => write(dumpExchange(res, redactor, full));
  }
  const hasRunner = Object.keys(runner).length > 0;
  return { redactor, engine, decorate: (s) => (hasRunner ? { ...s, runner } : s) };
}

async function drive(d: {
  plan: SchedulePlan;
  runner: AttemptRunner;
  target: string;
  opts: CommonOptions;
  emit: (e: PreflightEvent) => void;
  net: Session;
  notices?: () => Iterable<string>;
  generation?: number;
}): Promise<PollResult> {
  const { plan, net } = d;
  // Every event leaves through the sanitizer, with this validation's secrets masked.
  const emit = (e: PreflightEvent) => d.emit(forOutput(e, net.redactor));
  const shown = new Set<string>();
  const showNotices = () => {
    for (const n of d.notices?.() ?? []) if (!shown.has(n)) (shown.add(n), emit({ type: 'notice', message: n }));
  };
  if (plan.timeoutMs > plan.maxDurationMs) {
    const t = humanDuration(plan.timeoutMs);
    const m = humanDuration(plan.maxDurationMs);
    const message = `timeout ${t} is per attempt and longer than max duration ${m}: the ${m} deadline ends the run, cutting an attempt still running then`;
    shown.add(message);
    emit({ type: 'notice', message });
  }
  const status = net.decorate(
    await runValidation({
      plan, runner: d.runner, target: d.target,
      onEvent: (e) => {
        if (e.type === 'attempt') showNotices();
        emit(e.type === 'status' ? { ...e, status: net.decorate(e.status) } : e);
      },
      ...(d.opts.signal ? { signal: d.opts.signal } : {}),
      ...(d.generation !== undefined ? { generation: d.generation } : {}),
    }),
  );
  showNotices();
  return forOutput({ passed: status.phase === 'Succeeded', status, notices: [...shown] }, net.redactor);
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

/** The script's attempts, with its `k6/secrets` sources; the values they already hold are masked from the start. */
function scriptAttempts(source: ScriptSource, o: ScriptOptions, net: Session, memoryLimitBytes: number, timeoutMs: number) {
  const store = secretStoreFrom(o.secretSources ?? []);
  for (const v of store?.knownValues() ?? []) if (v) net.redactor.addSecret(v);
  return prepareScriptAttempts({ source, env: { ...o.env }, memoryLimitBytes, timeoutMs, engine: net.engine, redactor: net.redactor, ...(store ? { secrets: store } : {}) });
}

/** What a check names as its target. Method applies to http(s) URLs only; a tcp://, tls://,
 *  grpc:// or ws:// target is named by its URL. */
function checkTarget(urls: readonly string[], method: string, redactor: Redactor): string {
  const shown = urls.map((u) => redactor.url(u));
  return urls.every((u) => checkerFor(u).http)
    ? `${method} ${shown.join(', ')}`
    : urls.map((u, i) => (checkerFor(u).http ? `${method} ${shown[i]}` : shown[i])).join(', ');
}

function schedule(input: PlanInput | undefined, timeout: string | number | undefined, config?: ValidationBlock): SchedulePlan {
  const i: PlanInput = { ...input };
  if (timeout !== undefined) i.timeout = typeof timeout === 'number' ? `${timeout}ms` : timeout;
  // A preflight.yaml beside the script, or a TestRun's block, gives the schedule; options win field by field.
  const { input: layered, names } = layerPlanInput(config, i);
  return planFromInput(layered, undefined, names);
}

/** Options that mean nothing for a URL's scheme are refused rather than silently ignored
 *  (named as the CLI flags they come from). */
function refuseInapplicable(url: string, o: CheckUrlOptions): void {
  const checker = checkerFor(url);
  const scheme = new URL(url).protocol;
  if (!checker.http) {
    const given: [string, boolean][] = [
      ['--expect', o.expect !== undefined],
      ['--header', Object.keys(o.headers ?? {}).length > 0],
      ['--body', o.body !== undefined],
      ['--method', o.method !== undefined],
      ['--expect-body', o.expectBody !== undefined],
      ['--expect-json', Array.isArray(o.expectJson) ? o.expectJson.length > 0 : !!o.expectJson && Object.keys(o.expectJson).length > 0],
      ['--expect-header', Array.isArray(o.expectHeader) ? o.expectHeader.length > 0 : !!o.expectHeader && Object.keys(o.expectHeader).length > 0],
    ];
    const httpOnly = given.filter(([, g]) => g).map(([f]) => f);
    if (httpOnly.length) throw new UsageError(`${httpOnly.join(', ')}: only for http:// and https:// checks, not ${scheme}//`);
  }
  if (o.minCertValidity !== undefined && !checker.certificate) throw new UsageError(`--min-cert-validity: only for tls:// checks, not ${scheme}//`);
}

function durationOption(name: string, v: string | number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`${name}: must be a positive duration, got ${JSON.stringify(v)}`);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`${name}: ${tooLongForTimer(String(v))}`);
  return ms;
}

function memoryLimit(o: ScriptOptions): number {
  const n = o.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
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

/** What stopped a run, as the driver words it: a string reason, an Error's message, else "aborted". */
function abortDetail(r: unknown): string {
  if (typeof r === 'string' && r) return r;
  if (r instanceof Error && r.message && r.name !== 'AbortError') return r.message;
  return 'aborted';
}

function skippedStatus(who: string, message: string): StatusDocument {
  const now = new Date().toISOString();
  return {
    phase: 'Succeeded', target: who, attempts: 0, consecutivePasses: 0, consecutiveFailures: 0, lastAttempt: null,
    reason: 'ValidationSkipped' satisfies StatusReason, message,
    conditions: [], history: [], startedAt: now, finishedAt: now, schedule: null,
  };
}
