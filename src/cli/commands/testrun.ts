// `k6-preflight testrun <file>`: a TestRun's spec.preTestValidation (k6-operator #644),
// run as the operator would: the connectivity check or the ConfigMap script, on its polling plan.
import type { Argv } from 'yargs';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { urlCheckRunner } from '../../attempt/url-check.js';
import type { AttemptRunner } from '../../attempt/types.js';
import { UsageError } from '../../errors.js';
import { configMapFiles, requireConfigMap } from '../../manifest/configmap.js';
import { loadManifestFile, type ManifestDoc } from '../../manifest/documents.js';
import { findTestRun, readPreTestValidation } from '../../manifest/testrun.js';
import { planFromInput } from '../../plan/plan.js';
import { loadScriptSource, pickEntry, checkSizes, type ScriptSource } from '../../script/source.js';
import { guard, makeReporter, prepareCommon, EXIT_OK, type OutputFlagValues } from '../common.js';
import { memoryLimitFrom, networkFlags, outputFlags, scriptFlags, type NetworkFlagValues, type ScriptFlagValues } from '../flags.js';
import { planInputFromFlags, scheduleFlags, validate, type ScheduleFlagValues } from '../validate.js';
import { parseHeaders } from './check.js';

type TestRunArgs = ScriptFlagValues & NetworkFlagValues & OutputFlagValues & ScheduleFlagValues & {
  manifest: string;
  name?: string;
  configmap: string[];
  scriptsDir?: string;
  header: string[];
};

export function registerTestRun(y: Argv) {
  return y.command(
    'testrun <manifest>',
    "Run a TestRun's spec.preTestValidation (connectivity check or ConfigMap script) on its polling plan",
    (c) =>
      scheduleFlags(outputFlags(networkFlags(scriptFlags(c))))
        .positional('manifest', { type: 'string', demandOption: true, describe: 'TestRun manifest (YAML or JSON); may also hold the ConfigMaps' })
        .option('name', { group: 'TestRun:', type: 'string', describe: 'Which TestRun, when the file holds several' })
        .option('configmap', { group: 'TestRun:', type: 'string', array: true, default: [] as string[], describe: 'Manifest file with ConfigMaps the script comes from (repeatable)' })
        .option('scripts-dir', { group: 'TestRun:', type: 'string', describe: 'Folder the validation ConfigMap is mounted as (e.g. /test in a runner pod)' })
        .option('header', { group: 'Check:', alias: 'H', type: 'string', array: true, default: [] as string[], describe: "Extra header for the connectivity check 'Name: value' (repeatable)" })
        .example('$0 testrun testrun.yaml --configmap scripts.yaml', 'dry run of a TestRun on a laptop')
        .example('$0 testrun /etc/testrun.yaml --scripts-dir /test', 'in a runner init container'),
    async (argv) => {
      process.exitCode = await guard(() => testRunCommand(argv as unknown as TestRunArgs));
    },
  );
}

export async function testRunCommand(a: TestRunArgs): Promise<number> {
  const docs = loadManifestFile(a.manifest);
  const testRun = findTestRun(docs, a.name);
  const v = readPreTestValidation(testRun);
  const reporter = makeReporter(a, true);
  const who = `TestRun ${testRun.namespace ? `${testRun.namespace}/` : ''}${testRun.name ?? '(unnamed)'}`;
  if (!v.enabled || !v.source) {
    reporter.notice(`${who}: spec.preTestValidation is ${v.enabled ? 'empty' : 'absent or disabled'}; validation skipped`);
    if (a.output === 'json') process.stdout.write(JSON.stringify({ type: 'result', skipped: true, message: `${who}: validation skipped` }) + '\n');
    return EXIT_OK;
  }
  const plan = planFromInput({ ...v.planInput, ...planInputFromFlags(a) }, undefined, v.planFieldNames);
  const { env, redactor, engine, runner } = await prepareCommon(a);
  const generation = v.testRun.generation;

  let attemptRunner: AttemptRunner;
  let target: string;
  let close = async () => {};
  let notices: () => Iterable<string> = () => [];
  if (v.source.kind === 'connectivityCheck') {
    const s = v.source;
    attemptRunner = urlCheckRunner({ url: s.url, method: s.method, expect: s.expectedStatusCodes, headers: parseHeaders(a.header) }, engine, redactor);
    target = `${who}: ${s.method} ${redactor.url(s.url)}`;
  } else {
    const source = scriptSourceFor(v.source.configMap, docs, a);
    const attempts = await prepareScriptAttempts({ source, env, memoryLimitBytes: memoryLimitFrom(a), timeoutMs: plan.timeoutMs, engine, redactor });
    attemptRunner = attempts.run;
    close = () => attempts.close();
    notices = () => attempts.notices;
    target = `${who}: ${source.origin}`;
  }
  try {
    return await validate({ plan, runner: attemptRunner, target, reporter, flags: a, notices, runnerInfo: runner, ...(generation !== undefined ? { generation } : {}) });
  } finally {
    await close();
  }
}

/** The validation ConfigMap: a mounted folder (--scripts-dir), or a manifest in this file or --configmap files. */
function scriptSourceFor(ref: { name: string; file?: string }, docs: ManifestDoc[], a: TestRunArgs): ScriptSource {
  const wanted = ref.file ?? a.file;
  if (a.scriptsDir) return loadScriptSource(a.scriptsDir, wanted);
  const all = [...docs, ...a.configmap.flatMap((f) => loadManifestFile(f))];
  const where = 'spec.preTestValidation.validationScript.configMap.name';
  const cm = requireConfigMap(all, ref.name, where);
  const files = configMapFiles(cm);
  const origin = `configmap/${ref.name}`;
  if (wanted && !files.has(wanted)) {
    throw new UsageError(`${origin}: no key "${wanted}" (keys: ${[...files.keys()].join(', ') || 'none'})`);
  }
  const entry = pickEntry(files, wanted, origin);
  checkSizes(files, origin);
  return { origin: `${origin}:${entry}`, files, entry };
}
