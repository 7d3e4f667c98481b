// A k6-operator TestRun and its spec.preTestValidation (grafana/k6-operator#644):
//
//   preTestValidation:
//     enabled: true
//     connectivityCheck: {url, method, expectedStatusCodes, timeout, minCertValidity}   # or
//     validationScript: {configMap: {name, file}}
//     polling: {interval, backoff: {type, factor, maxInterval}, maxDuration, successThreshold}
//
// The block is checked against schema/pre-test-validation.schema.json, then the rules a
// schema cannot say (exactly one source, positive durations) with the field path in
// every error.
import { DEFAULT_PLAN, PlanError, planFromInput, type PlanField, type PlanInput, type SchedulePlan } from '../plan/plan.js';
import { DEFAULT_EXPECT, parseExpect, type StatusRange } from '../plan/expect.js';
import { parseValidity } from '../attempt/conn-check.js';
import { checkableUrl, checkerFor } from '../attempt/url-check.js';
import { docError, type ManifestDoc } from './documents.js';
import { validateSchema, type SchemaNode } from './schema.js';
import { PRE_TEST_VALIDATION_SCHEMA } from './schema-json.js';

export const TESTRUN_API_VERSION = 'k6.io/v1alpha1';
const BASE = 'spec.preTestValidation';

export type ValidationSource =
  | {
      kind: 'connectivityCheck';
      url: string;
      /** Default GET. */
      method: string;
      /** Default 200-399. */
      expectedStatusCodes: StatusRange[];
      /** The check's own timeout, when set (it becomes the plan's timeout). */
      timeoutMs?: number;
      /** tls://: the least time the certificate must stay valid, ms. */
      minCertValidityMs?: number;
    }
  | {
      kind: 'validationScript';
      configMap: { name: string; file?: string };
    };

/** One validation block (the fields of preTestValidation), whichever carrier it came in. */
export interface ValidationBlock {
  /** false: validation is skipped (absent block or `enabled: false`). */
  enabled: boolean;
  /** Set when enabled (a preflight.yaml may leave it out: its script is the source). */
  source?: ValidationSource;
  /** Raw manifest values, for merging with flags: `planFromInput({...planInput, ...flags})`. */
  planInput: PlanInput;
  /** Names of the manifest fields, for errors after such a merge. */
  planFieldNames: Partial<Record<PlanField, string>>;
  /** The manifest's plan over the defaults (flags not applied). */
  plan: SchedulePlan;
}

export interface PreTestValidation extends ValidationBlock {
  testRun: { name?: string; namespace?: string; generation?: number; document: ManifestDoc };
}

export const PLAN_FIELD_PATHS: Partial<Record<PlanField, string>> = planFieldPaths(BASE);

export function isTestRun(doc: ManifestDoc): boolean {
  return doc.kind === 'TestRun' && (doc.apiVersion === undefined || doc.apiVersion === TESTRUN_API_VERSION);
}

/** The TestRun among docs: the one named `name`, or the only one. */
export function findTestRun(docs: readonly ManifestDoc[], name?: string): ManifestDoc {
  const runs = docs.filter((d) => d.kind === 'TestRun');
  const pick = name === undefined ? runs : runs.filter((d) => d.name === name);
  if (pick.length === 1) return pick[0]!;
  const src = docs[0]?.source ?? 'manifest';
  const list = runs.map((d) => JSON.stringify(d.name ?? '(unnamed)')).join(', ');
  if (pick.length === 0) {
    throw docError(docs[0] ?? { value: {}, source: src, document: 1, documentCount: 1 }, undefined,
      name === undefined ? 'no TestRun (apiVersion: k6.io/v1alpha1, kind: TestRun) in this file' : `no TestRun named "${name}" (found ${list || 'none'})`);
  }
  throw docError(pick[1]!, undefined, `more than one TestRun (${list}); name the one to use`);
}

/** Reads and checks spec.preTestValidation of a TestRun document (the #644 proposal's
 *  carrier; see carriers.ts for the ones today's operator accepts). Throws ManifestError. */
export function readPreTestValidation(doc: ManifestDoc): PreTestValidation {
  const testRun = testRunFacts(doc);
  const spec = doc.value.spec;
  if (spec !== undefined && spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) throw docError(doc, 'spec', 'expected a mapping');
  const raw = (spec as Record<string, unknown> | undefined | null)?.preTestValidation;
  return { ...readValidationBlock(raw, BASE, (path, problem) => docError(doc, path, problem)), testRun };
}

/** The TestRun's name, namespace and generation; throws unless it is a k6.io/v1alpha1 TestRun. */
function testRunFacts(doc: ManifestDoc): PreTestValidation['testRun'] {
  if (doc.kind !== 'TestRun') throw docError(doc, 'kind', `expected TestRun, got ${doc.kind === undefined ? 'nothing' : JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== TESTRUN_API_VERSION) {
    throw docError(doc, 'apiVersion', `expected ${TESTRUN_API_VERSION}, got ${doc.apiVersion === undefined ? 'nothing' : JSON.stringify(doc.apiVersion)}`);
  }
  const md = (doc.value.metadata ?? {}) as Record<string, unknown>;
  const testRun: PreTestValidation['testRun'] = { document: doc };
  if (doc.name !== undefined) testRun.name = doc.name;
  if (doc.namespace !== undefined) testRun.namespace = doc.namespace;
  if (typeof md.generation === 'number' && Number.isInteger(md.generation) && md.generation >= 0) testRun.generation = md.generation;
  return testRun;
}

/** Field paths of the plan inputs below `base` (a carrier's root). */
export function planFieldPaths(base: string): Partial<Record<PlanField, string>> {
  const at = (p: string) => (base ? `${base}.${p}` : p);
  return {
    interval: at('polling.interval'),
    backoff: at('polling.backoff.type'),
    factor: at('polling.backoff.factor'),
    maxInterval: at('polling.backoff.maxInterval'),
    maxDuration: at('polling.maxDuration'),
    successThreshold: at('polling.successThreshold'),
    timeout: at('connectivityCheck.timeout'),
  };
}

/**
 * Checks one validation block (the fields of preTestValidation) against the shipped
 * schema and the rules a schema cannot say, whichever carrier it came in. `base` prefixes
 * every field path; `fail` builds the error (so it names the file, document or annotation).
 */
export function readValidationBlock(
  raw: unknown,
  base: string,
  fail: (path: string, problem: string) => Error,
  /** A preflight.yaml sits beside its script, so it may name no source. */
  opts: { sourceOptional?: boolean } = {},
): ValidationBlock {
  const fieldNames = planFieldPaths(base);
  const skipped = (): ValidationBlock => ({
    enabled: false, planInput: {}, planFieldNames: fieldNames, plan: { ...DEFAULT_PLAN, failFastOn: [] },
  });
  if (raw === undefined || raw === null) return skipped();

  const problems = validateSchema(raw, PRE_TEST_VALIDATION_SCHEMA as SchemaNode, base);
  if (problems.length) {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw fail(p.path, p.problem + more);
  }
  const ptv = raw as {
    enabled?: boolean;
    connectivityCheck?: { url: string; method?: string; expectedStatusCodes?: number[]; timeout?: string; minCertValidity?: string };
    validationScript?: { configMap: { name: string; file?: string } };
    polling?: { interval?: string; backoff?: { type?: string; factor?: number; maxInterval?: string }; maxDuration?: string; successThreshold?: number };
  };
  const enabled = ptv.enabled ?? true;

  const planInput: PlanInput = {};
  const p = ptv.polling;
  if (p?.interval !== undefined) planInput.interval = p.interval;
  if (p?.backoff?.type !== undefined) planInput.backoff = p.backoff.type;
  if (p?.backoff?.factor !== undefined) planInput.factor = p.backoff.factor;
  if (p?.backoff?.maxInterval !== undefined) planInput.maxInterval = p.backoff.maxInterval;
  if (p?.maxDuration !== undefined) planInput.maxDuration = p.maxDuration;
  if (p?.successThreshold !== undefined) planInput.successThreshold = p.successThreshold;
  if (ptv.connectivityCheck?.timeout !== undefined) planInput.timeout = ptv.connectivityCheck.timeout;

  let plan: SchedulePlan;
  try {
    plan = planFromInput(planInput, DEFAULT_PLAN, fieldNames);
  } catch (e) {
    if (e instanceof PlanError) throw fail(e.field, e.problem);
    throw e;
  }
  if (!enabled) return { ...skipped(), planInput, plan };

  const hasCheck = ptv.connectivityCheck !== undefined && ptv.connectivityCheck !== null;
  const hasScript = ptv.validationScript !== undefined && ptv.validationScript !== null;
  if (!hasCheck && !hasScript && opts.sourceOptional) return { enabled: true, planInput, planFieldNames: fieldNames, plan };
  if (hasCheck === hasScript) {
    throw fail(base || '(top level)', hasCheck
      ? 'set only one of connectivityCheck and validationScript, not both'
      : 'set one of connectivityCheck (a URL to request) or validationScript (a script in a ConfigMap)');
  }
  let source: ValidationSource;
  if (hasCheck) {
    const c = ptv.connectivityCheck!;
    const path = base ? `${base}.connectivityCheck` : 'connectivityCheck';
    let checker;
    try {
      checker = checkerFor(checkableUrl(c.url));
    } catch (e) {
      throw fail(`${path}.url`, (e as Error).message);
    }
    if (!checker.http) {
      const httpOnly = (['method', 'expectedStatusCodes'] as const).find((k) => c[k] !== undefined);
      if (httpOnly) throw fail(`${path}.${httpOnly}`, `applies to http:// and https:// checks only, not ${new URL(c.url).protocol}//`);
    }
    let minCertValidityMs: number | undefined;
    if (c.minCertValidity !== undefined) {
      if (!checker.certificate) throw fail(`${path}.minCertValidity`, `applies to tls:// checks only, not ${new URL(c.url).protocol}//`);
      try {
        minCertValidityMs = parseValidity('minCertValidity', c.minCertValidity);
      } catch (e) {
        throw fail(`${path}.minCertValidity`, (e as Error).message.replace(/^--minCertValidity /, ''));
      }
    }
    source = {
      kind: 'connectivityCheck',
      url: c.url,
      method: c.method ?? 'GET',
      expectedStatusCodes: c.expectedStatusCodes ? parseExpect(c.expectedStatusCodes) : DEFAULT_EXPECT.map((r) => [r[0], r[1]] as const),
    };
    if (c.timeout !== undefined) source.timeoutMs = plan.timeoutMs;
    if (minCertValidityMs !== undefined) source.minCertValidityMs = minCertValidityMs;
  } else {
    const cm = ptv.validationScript!.configMap;
    source = { kind: 'validationScript', configMap: { name: cm.name, ...(cm.file !== undefined ? { file: cm.file } : {}) } };
  }
  return { enabled: true, source, planInput, planFieldNames: fieldNames, plan };
}
