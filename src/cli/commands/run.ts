// `k6-preflight run <source>`: the script once, in a fresh sandbox, with a verdict.
import type { Argv } from 'yargs';
import { VERDICT_RULES } from '../verdict-help.js';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { statusForSingleAttempt } from '../../status/machine.js';
import { scriptConfig } from '../../manifest/carriers.js';
import { loadScriptSource } from '../../script/source.js';
import { announceRunner, guard, makeReporter, withRunner, prepareCommon, signalAbort, EXIT_FAILED, EXIT_OK, type OutputFlagValues } from '../common.js';
import { durationFlag, memoryLimitFrom, networkFlags, outputFlags, scriptFlags, type NetworkFlagValues, type ScriptFlagValues } from '../flags.js';

type RunArgs = ScriptFlagValues & NetworkFlagValues & OutputFlagValues & { source: string };

export function registerRun(y: Argv) {
  return y.command(
    'run <source>',
    'Run a k6-style validation script once and print the verdict',
    (c) =>
      outputFlags(networkFlags(scriptFlags(c)))
        .positional('source', { type: 'string', demandOption: true, describe: 'validate.js/.ts, a folder a ConfigMap is mounted as, or a ConfigMap manifest (YAML/JSON)' })
        .example('$0 run validate.js -e TARGET=https://api.example.com', 'dry run on a laptop')
        .example('$0 run /test --file validate.js', 'a ConfigMap mounted at /test')
        .epilog(VERDICT_RULES),
    async (argv) => {
      process.exitCode = await guard(() => runCommand(argv as unknown as RunArgs));
    },
  );
}

export async function runCommand(a: RunArgs): Promise<number> {
  const timeoutMs = durationFlag('timeout', a.timeout ?? '30s');
  const memoryLimitBytes = memoryLimitFrom(a);
  const source = loadScriptSource(a.source, a.file);
  scriptConfig(source); // a preflight.yaml beside the script: its key picked the entry; a check there is refused
  const { env, redactor, engine, runner, secrets } = await prepareCommon(a);
  const attempts = await prepareScriptAttempts({ source, env, memoryLimitBytes, timeoutMs, engine, redactor, secrets });
  const reporter = makeReporter(a, false, redactor);
  announceRunner(reporter, runner);
  const sig = signalAbort();
  try {
    const result = await attempts.run({
      attempt: 1,
      deadline: Date.now() + timeoutMs,
      signal: sig.signal,
      onEvent: (e) => reporter.event(e),
    });
    for (const n of attempts.notices) reporter.notice(n);
    let status = withRunner(statusForSingleAttempt(result, { target: source.origin }), runner);
    if (sig.code()) status = { ...status, phase: 'Aborted', reason: 'Aborted', message: `stopped by ${sig.which()}` };
    reporter.result(status);
    return sig.code() ?? (result.outcome === 'passed' ? EXIT_OK : EXIT_FAILED);
  } finally {
    reporter.close();
    sig.dispose();
    await attempts.close();
  }
}
