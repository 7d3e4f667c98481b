// `k6-preflight testrun <file>`: a TestRun's validation block, from its annotation
// k6-preflight.io/validation (accepted by today's API server) or spec.preTestValidation
// (the k6-operator #644 proposal), run as the operator would: the connectivity check or
// the ConfigMap script, on its polling plan. Flags override the block's schedule.
import type { Argv } from 'yargs';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { checkerFor, urlCheckRunner } from '../../attempt/url-check.js';
import type { AttemptRunner } from '../../attempt/types.js';
import { loadManifestFile } from '../../manifest/documents.js';
import { layerPlanInput, readTestRunValidation } from '../../manifest/carriers.js';
import { findTestRun } from '../../manifest/testrun.js';
import { planFromInput } from '../../plan/plan.js';
import { configMapScriptSource } from '../../script/configmap-source.js';
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
    "Run a TestRun's validation (annotation k6-preflight.io/validation, or spec.preTestValidation as #644 proposes) on its polling plan",
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
  const v = readTestRunValidation(testRun);
  const who = `TestRun ${testRun.namespace ? `${testRun.namespace}/` : ''}${testRun.name ?? '(unnamed)'}`;
  if (!v.enabled || !v.source) {
    const why = v.carrier === undefined
      ? `no validation found (looked for ${v.looked.join(' and ')})`
      : `validation is disabled (enabled: false in ${v.carrier === 'annotation' ? 'the annotation' : 'spec.preTestValidation'})`;
    makeReporter(a, true).notice(`${who}: ${why}; validation skipped`);
    if (a.output === 'json') process.stdout.write(JSON.stringify({ type: 'result', skipped: true, message: `${who}: ${why}; validation skipped` }) + '\n');
    return EXIT_OK;
  }
  const { input, names } = layerPlanInput(v, planInputFromFlags(a));
  const plan = planFromInput(input, undefined, names);
  const { env, redactor, engine, runner, secrets } = await prepareCommon(a);
  const reporter = makeReporter(a, true, redactor);
  const generation = v.testRun.generation;

  let attemptRunner: AttemptRunner;
  let target: string;
  let close = async () => {};
  let notices: () => Iterable<string> = () => [];
  if (v.source.kind === 'connectivityCheck') {
    const s = v.source;
    attemptRunner = urlCheckRunner({ url: s.url, method: s.method, expect: s.expectedStatusCodes, headers: parseHeaders(a.header), ...(s.minCertValidityMs !== undefined ? { minCertValidityMs: s.minCertValidityMs } : {}) }, engine, redactor);
    target = `${who}: ${checkerFor(s.url).http ? `${s.method} ` : ''}${redactor.url(s.url)}`;
  } else {
    const refPath = `${v.carrier === 'annotation' ? 'metadata.annotations["k6-preflight.io/validation"]' : 'spec.preTestValidation'}.validationScript.configMap.name`;
    const source = configMapScriptSource(v.source.configMap, docs, { ...(a.scriptsDir ? { scriptsDir: a.scriptsDir } : {}), manifests: a.configmap, ...(a.file ? { file: a.file } : {}), refPath });
    const attempts = await prepareScriptAttempts({ source, env, memoryLimitBytes: memoryLimitFrom(a), timeoutMs: plan.timeoutMs, engine, redactor, secrets });
    attemptRunner = attempts.run;
    close = () => attempts.close();
    notices = () => attempts.notices;
    target = `${who}: ${source.origin}`;
  }
  try {
    return await validate({ plan, runner: attemptRunner, target, reporter, redactor, flags: a, notices, runnerInfo: runner, ...(generation !== undefined ? { generation } : {}) });
  } finally {
    await close();
  }
}
