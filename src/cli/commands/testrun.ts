// `k6-preflight testrun <file>`: a TestRun's spec.preTestValidation (k6-operator #644),
// run as the operator would: the connectivity check or the ConfigMap script, on its polling plan.
import type { Argv } from 'yargs';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { urlCheckRunner } from '../../attempt/url-check.js';
import type { AttemptRunner } from '../../attempt/types.js';
import { loadManifestFile } from '../../manifest/documents.js';
import { findTestRun, readPreTestValidation } from '../../manifest/testrun.js';
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
  const { env, redactor, engine, runner, secrets } = await prepareCommon(a);
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
    const source = configMapScriptSource(v.source.configMap, docs, { ...(a.scriptsDir ? { scriptsDir: a.scriptsDir } : {}), manifests: a.configmap, ...(a.file ? { file: a.file } : {}) });
    const attempts = await prepareScriptAttempts({ source, env, memoryLimitBytes: memoryLimitFrom(a), timeoutMs: plan.timeoutMs, engine, redactor, secrets });
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
