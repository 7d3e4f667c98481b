// `k6-preflight poll <source>`: the script of `run`, again and again on a schedule,
// until it passes (success threshold) or the deadline.
import type { Argv } from 'yargs';
import { VERDICT_RULES } from '../verdict-help.js';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { layerPlanInput, scriptConfig } from '../../manifest/carriers.js';
import { planFromInput } from '../../plan/plan.js';
import { loadScriptSource } from '../../script/source.js';
import { guard, makeReporter, prepareCommon, EXIT_OK, type OutputFlagValues } from '../common.js';
import { memoryLimitFrom, networkFlags, outputFlags, scriptFlags, type NetworkFlagValues, type ScriptFlagValues } from '../flags.js';
import { planInputFromFlags, scheduleFlags, validate, type ScheduleFlagValues } from '../validate.js';

type PollArgs = ScriptFlagValues & NetworkFlagValues & OutputFlagValues & ScheduleFlagValues & { source: string };

export function registerPoll(y: Argv) {
  return y.command(
    'poll <source>',
    'Run a validation script on a schedule until it passes or the deadline',
    (c) =>
      scheduleFlags(outputFlags(networkFlags(scriptFlags(c))))
        .positional('source', { type: 'string', demandOption: true, describe: 'validate.js/.ts, a folder a ConfigMap is mounted as, or a ConfigMap manifest' })
        .example('$0 poll /test --interval 10s --max-duration 15m', 'in a runner init container')
        .epilog(VERDICT_RULES),
    async (argv) => {
      process.exitCode = await guard(() => pollCommand(argv as unknown as PollArgs));
    },
  );
}

export async function pollCommand(a: PollArgs): Promise<number> {
  const memoryLimitBytes = memoryLimitFrom(a);
  const source = loadScriptSource(a.source, a.file);
  // A preflight.yaml beside the script gives the schedule; flags win field by field.
  const config = scriptConfig(source);
  const { input, names } = layerPlanInput(config, planInputFromFlags(a));
  const plan = planFromInput(input, undefined, names);
  if (config && !config.enabled) {
    const message = `preflight.yaml in ${source.origin} says enabled: false; validation skipped`;
    const reporter = makeReporter(a, false);
    reporter.notice(message);
    reporter.close();
    if (a.output === 'json') process.stdout.write(JSON.stringify({ type: 'result', skipped: true, message }) + '\n');
    return EXIT_OK;
  }
  const { env, redactor, engine, runner, secrets } = await prepareCommon(a);
  const attempts = await prepareScriptAttempts({ source, env, memoryLimitBytes, timeoutMs: plan.timeoutMs, engine, redactor, secrets });
  try {
    return await validate({
      plan,
      runner: attempts.run,
      target: source.origin,
      reporter: makeReporter(a, true, redactor),
      redactor,
      flags: a,
      notices: () => attempts.notices,
      runnerInfo: runner,
    });
  } finally {
    await attempts.close();
  }
}
