// `k6-preflight poll <source>`: the script of `run`, again and again on a schedule,
// until it passes (success threshold) or the deadline.
import type { Argv } from 'yargs';
import { poll } from '../../index.js';
import { consume, guard, makeReporter, networkOptions, thenRun, type ArgsOf } from '../common.js';
import { attemptFlags, envFrom, networkFlags, outputFlags, planInputFrom, scheduleFlags, scriptFlags } from '../flags.js';
import { VERDICT_RULES } from '../verdict-help.js';

const builder = (c: Argv) =>
  scheduleFlags(outputFlags(networkFlags(attemptFlags(scriptFlags(c)))))
    .positional('source', { type: 'string', demandOption: true, describe: 'validate.js/.ts, a folder a ConfigMap is mounted as, or a ConfigMap manifest' })
    .example('$0 poll /test --interval 10s --max-duration 15m', 'in a runner init container')
    .example('$0 poll validate.js -e TARGET=https://api.example.com -- k6 run test.js', 'then start the test')
    .epilog(VERDICT_RULES);

export function registerPoll(y: Argv) {
  return y.command('poll <source>', 'Run a validation script on a schedule until it passes or the deadline', builder, async (argv) => {
    process.exitCode = await guard(() => pollCommand(argv));
  });
}

export async function pollCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const { env, secrets } = envFrom(a);
  const opts = await networkOptions(a, secrets);
  const code = await consume(
    ({ signal, onEvent }) => poll(a.source, { ...opts, signal, onEvent, env, secretSources: a.secretSource, file: a.file, memoryLimitBytes: a.memoryLimit, schedule: planInputFrom(a) }),
    { reporter: makeReporter(a, true), statusFile: a.statusFile, terminationLog: a.terminationLog },
  );
  return thenRun(code);
}
