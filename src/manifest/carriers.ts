// Where a validation block can travel so that today's k6-operator and API server accept it.
// All carriers hold the same fields (schema/pre-test-validation.schema.json) and are read
// by the same code (readValidationBlock):
//
//   - the TestRun annotation `k6-preflight.io/validation` (YAML or JSON text), read by `testrun`;
//   - the key `preflight.yaml` in the script's ConfigMap (or the folder it is mounted as),
//     read by `run` and `poll`;
//   - `spec.preTestValidation`, the k6-operator #644 proposal: not in today's TestRun CRD,
//     so an API server with strict field validation rejects it (or prunes it silently).
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { docError, type ManifestDoc } from './documents.js';
import { ManifestError } from './errors.js';
import type { PlanField, PlanInput } from '../plan/plan.js';
import { readPreTestValidation, readValidationBlock, type PreTestValidation, type ValidationBlock } from './testrun.js';

export const VALIDATION_ANNOTATION = 'k6-preflight.io/validation';
export const CONFIG_FILE_KEY = 'preflight.yaml';

const ANNOTATION_PATH = `metadata.annotations["${VALIDATION_ANNOTATION}"]`;
const SPEC_PATH = 'spec.preTestValidation';

/** The carriers `testrun` reads, in the words its messages use. */
export const TESTRUN_CARRIERS: readonly string[] = [
  `the annotation ${VALIDATION_ANNOTATION}`,
  `${SPEC_PATH} (the k6-operator #644 proposal, not in today's CRD)`,
];

export interface TestRunValidation extends PreTestValidation {
  /** Which carrier held the block: the annotation or spec.preTestValidation; absent when none. */
  carrier?: 'annotation' | 'spec';
  /** What was looked at, for a message when nothing was found. */
  looked: readonly string[];
}

/** The largest annotation or config file text parsed (the API server caps all annotations at 256 KiB). */
const MAX_BLOCK_TEXT = 256 * 1024;

/**
 * Reads a TestRun's validation from its annotation or spec.preTestValidation. Setting both
 * is an error: one of them would be silently ignored. Throws ManifestError.
 */
export function readTestRunValidation(doc: ManifestDoc): TestRunValidation {
  // Checks kind and apiVersion first, and reads the TestRun's facts for either carrier.
  const fromSpec = readPreTestValidation(doc);
  const md = doc.value.metadata;
  const annotations = md && typeof md === 'object' && !Array.isArray(md) ? (md as Record<string, unknown>).annotations : undefined;
  const text = annotations && typeof annotations === 'object' && !Array.isArray(annotations)
    ? (annotations as Record<string, unknown>)[VALIDATION_ANNOTATION]
    : undefined;
  const specSet = hasSpecBlock(doc);
  if (text === undefined || text === null) {
    return { ...fromSpec, ...(specSet ? { carrier: 'spec' as const } : {}), looked: TESTRUN_CARRIERS };
  }
  if (typeof text !== 'string') throw docError(doc, ANNOTATION_PATH, 'expected a string (annotation values are text: YAML or JSON)');
  if (specSet) {
    throw docError(doc, SPEC_PATH, `set the validation in one place: the annotation ${VALIDATION_ANNOTATION} or ${SPEC_PATH}, not both`);
  }
  const raw = parseBlockText(text, (problem) => docError(doc, ANNOTATION_PATH, problem));
  if (raw === null || raw === undefined) throw docError(doc, ANNOTATION_PATH, 'is empty; write the validation fields in it (YAML), or remove it');
  const block = readValidationBlock(raw, ANNOTATION_PATH, (path, problem) => docError(doc, path, problem));
  return { ...block, testRun: fromSpec.testRun, carrier: 'annotation', looked: TESTRUN_CARRIERS };
}

function hasSpecBlock(doc: ManifestDoc): boolean {
  const spec = doc.value.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return false;
  const v = (spec as Record<string, unknown>).preTestValidation;
  return v !== undefined && v !== null;
}

/**
 * The `preflight.yaml` of a script's file set (a ConfigMap manifest or a mounted folder),
 * or undefined when there is none. `origin` names the set in errors. Throws ManifestError.
 */
export function readConfigFile(files: ReadonlyMap<string, Uint8Array>, origin: string): ValidationBlock | undefined {
  const bytes = files.get(CONFIG_FILE_KEY);
  if (bytes === undefined) return undefined;
  const where = `${CONFIG_FILE_KEY} in ${origin}`;
  if (bytes.byteLength > MAX_BLOCK_TEXT) throw new ManifestError(`${bytes.byteLength} bytes is over the ${MAX_BLOCK_TEXT / 1024} KiB limit`, { file: where });
  const raw = parseBlockText(Buffer.from(bytes).toString('utf8'), (problem) => new ManifestError(problem, { file: where }));
  if (raw === null || raw === undefined) return undefined; // an empty file says nothing
  return readValidationBlock(raw, '', (path, problem) => new ManifestError(problem, { file: where, path }), { sourceOptional: true });
}

/** YAML (JSON is YAML) text of one validation block. */
function parseBlockText(text: string, fail: (problem: string) => Error): unknown {
  if (text.length > MAX_BLOCK_TEXT) throw fail(`${text.length} characters is over the ${MAX_BLOCK_TEXT / 1024} KiB limit`);
  try {
    return parseYaml(text, { strict: true, uniqueKeys: true, maxAliasCount: 100, prettyErrors: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const lp = e.linePos?.[0];
      throw fail(`invalid YAML${lp ? ` at line ${lp.line}, column ${lp.col}` : ''}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    throw fail(`invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * A block's schedule with `override` (flags, library options) on top: the override wins
 * field by field, and each field keeps the name of where its value came from, for errors.
 */
export function layerPlanInput(block: ValidationBlock | undefined, override: PlanInput): { input: PlanInput; names: Partial<Record<PlanField, string>> } {
  const input: PlanInput = { ...block?.planInput, ...override };
  const names: Partial<Record<PlanField, string>> = {};
  for (const f of Object.keys(block?.planInput ?? {}) as PlanField[]) {
    if (override[f] === undefined && block!.planFieldNames[f]) names[f] = block!.planFieldNames[f];
  }
  return { input, names };
}

/**
 * What `run` and `poll` take from a preflight.yaml: the schedule and the script key. A
 * connectivityCheck there is refused rather than ignored: these commands run a script,
 * and a check that silently does not run would read as a pass.
 */
export function scriptConfig(source: { config?: ValidationBlock; origin: string }): ValidationBlock | undefined {
  const c = source.config;
  if (c?.source?.kind === 'connectivityCheck') {
    throw new ManifestError('sets connectivityCheck, but run and poll run a script; move the check to a TestRun (k6-preflight testrun) or use k6-preflight check', {
      file: `${CONFIG_FILE_KEY} in ${source.origin}`, path: 'connectivityCheck',
    });
  }
  return c;
}
