// `k6-preflight testrun <file>`: a TestRun's validation block, from its annotation
// k6-preflight.io/validation (accepted by today's API server) or spec.preTestValidation
// (the k6-operator #644 proposal), run as the operator would: the connectivity check or
// the ConfigMap script, on its polling plan. Flags override the block's schedule.
import type { Argv } from 'yargs';
import { loadTestRun } from '../../index.js';
import { consume, guard, makeReporter, networkOptions, thenRun, type ArgsOf } from '../common.js';
import { attemptFlags, envFrom, headerPairs, networkFlags, outputFlags, planInputFrom, scheduleFlags, scriptFlags } from '../flags.js';

const builder = (c: Argv) =>
  scheduleFlags(outputFlags(networkFlags(attemptFlags(scriptFlags(c)))))
    .positional('manifest', { type: 'string', demandOption: true, describe: 'TestRun manifest (YAML or JSON); may also hold the ConfigMaps' })
    .option('name', { group: 'TestRun:', type: 'string', describe: 'Which TestRun, when the file holds several' })
    .option('configmap', { group: 'TestRun:', type: 'string', array: true, default: [] as string[], describe: 'Manifest file with ConfigMaps the script comes from (repeatable)' })
    .option('scripts-dir', { group: 'TestRun:', type: 'string', describe: 'Folder the validation ConfigMap is mounted as (e.g. /test in a runner pod)' })
    .option('header', { group: 'Check:', alias: 'H', type: 'string', array: true, default: [] as string[], coerce: headerPairs('header'), describe: "Extra header for the connectivity check 'Name: value' (repeatable)" })
    .example('$0 testrun testrun.yaml --configmap scripts.yaml', 'dry run of a TestRun on a laptop')
    .example('$0 testrun /etc/testrun.yaml --scripts-dir /test', 'in a runner init container');

export function registerTestRun(y: Argv) {
  return y.command(
    'testrun <manifest>',
    "Run a TestRun's validation (annotation k6-preflight.io/validation, or spec.preTestValidation as #644 proposes) on its polling plan",
    builder,
    async (argv) => {
      process.exitCode = await guard(() => testRunCommand(argv));
    },
  );
}

export async function testRunCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const testRun = loadTestRun(a.manifest, { ...(a.name ? { name: a.name } : {}), configMaps: a.configmap, ...(a.scriptsDir ? { scriptsDir: a.scriptsDir } : {}), ...(a.file ? { file: a.file } : {}) });
  const { env, secrets } = envFrom(a);
  const opts = await networkOptions(a, secrets);
  const code = await consume(
    ({ signal, onEvent }) => testRun.run({ ...opts, signal, onEvent, env, secretSources: a.secretSource, memoryLimitBytes: a.memoryLimit, headers: a.header, schedule: planInputFrom(a) }),
    { reporter: makeReporter(a, true), statusFile: a.statusFile, terminationLog: a.terminationLog },
  );
  return thenRun(code);
}
