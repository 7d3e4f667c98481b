// `k6-preflight run <source>`: the script once, in a fresh sandbox, with a verdict.
import type { Argv } from 'yargs';
import { runOnce } from '../../index.js';
import { consume, guard, makeReporter, networkOptions, thenRun, type ArgsOf } from '../common.js';
import { attemptFlags, envFrom, networkFlags, outputFlags, scriptFlags } from '../flags.js';
import { VERDICT_RULES } from '../verdict-help.js';

const builder = (c: Argv) =>
  outputFlags(networkFlags(attemptFlags(scriptFlags(c))))
    .positional('source', { type: 'string', demandOption: true, describe: 'validate.js/.ts, a folder a ConfigMap is mounted as, or a ConfigMap manifest (YAML/JSON)' })
    .example('$0 run validate.js -e TARGET=https://api.example.com', 'dry run on a laptop')
    .example('$0 run /test --file validate.js', 'a ConfigMap mounted at /test')
    .epilog(VERDICT_RULES);

export function registerRun(y: Argv) {
  return y.command('run <source>', 'Run a k6-style validation script once and print the verdict', builder, async (argv) => {
    process.exitCode = await guard(() => runCommand(argv));
  });
}

export async function runCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const { env, secrets } = envFrom(a);
  const opts = await networkOptions(a, secrets);
  const code = await consume(
    ({ signal, onEvent }) =>
      runOnce(a.source, { ...opts, signal, onEvent, env, secretSources: a.secretSource, file: a.file, memoryLimitBytes: a.memoryLimit, ...(a.timeout !== undefined ? { timeout: a.timeout } : {}) }),
    { reporter: makeReporter(a, false), terminationLog: false },
  );
  return thenRun(code);
}
