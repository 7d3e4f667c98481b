// `k6-preflight demo`: the whole idea in ten seconds, with nothing to set up. A loopback
// target plays an API whose IP allowlist is still being opened (403 for a few seconds,
// then 200); the health-check example polls it every second until it passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { prepareScriptAttempts } from '../../attempt/script-attempt.js';
import { startDemoTarget } from '../../demo/target.js';
import { createRedactor } from '../../http/redact.js';
import { packageRoot } from '../../package-root.js';
import { planFromInput } from '../../plan/plan.js';
import type { ScriptSource } from '../../script/source.js';
import { guard, makeReporter, type OutputFlagValues } from '../common.js';
import { durationFlag, outputFlags } from '../flags.js';
import { validate } from '../validate.js';

declare const __K6P_EXAMPLES__: Record<string, string> | undefined;

export const DEMO_SCRIPT = 'health.js';

type DemoArgs = OutputFlagValues & { refuseFor: string; interval: string };

export function registerDemo(y: Argv) {
  return y.command(
    'demo',
    'Poll a built-in loopback target that refuses (403) for a few seconds, then opens: retries with their cause, then success',
    (c) =>
      outputFlags(c)
        .option('refuse-for', { group: 'Demo:', type: 'string', default: '3s', describe: 'How long the target answers 403 before it opens' })
        .option('interval', { group: 'Demo:', type: 'string', default: '1s', describe: 'Time between attempt starts' }),
    async (argv) => {
      process.exitCode = await guard(() => demoCommand(argv as unknown as DemoArgs));
    },
  );
}

/** The example script the demo runs (embedded in the bundle, read from examples/ in source runs). */
export function demoScript(): ScriptSource {
  const code =
    typeof __K6P_EXAMPLES__ !== 'undefined' && __K6P_EXAMPLES__[DEMO_SCRIPT]
      ? __K6P_EXAMPLES__[DEMO_SCRIPT]
      : readFileSync(join(packageRoot(), 'examples', 'validate', DEMO_SCRIPT), 'utf8');
  return { origin: `examples/validate/${DEMO_SCRIPT}`, files: new Map([[DEMO_SCRIPT, Buffer.from(code)]]), entry: DEMO_SCRIPT };
}

export async function demoCommand(a: DemoArgs): Promise<number> {
  const refuseForMs = durationFlag('refuse-for', a.refuseFor);
  const target = await startDemoTarget({ refuseForMs });
  const plan = planFromInput({ interval: a.interval, jitter: 0, maxDuration: '30s', timeout: '5s' });
  const source = demoScript();
  const redactor = createRedactor();
  const attempts = await prepareScriptAttempts({
    source,
    env: { TARGET: target.url },
    memoryLimitBytes: 64 * 1024 * 1024,
    timeoutMs: plan.timeoutMs,
    engine: {},
    redactor,
  });
  if (a.output !== 'json') {
    process.stdout.write(
      `Demo target ${target.url} answers 403 (an IP allowlist not opened yet) for ${a.refuseFor} from its first request, then 200.\n` +
        `Polling it with ${source.origin} every ${a.interval}, as: k6-preflight poll ${source.origin} -e TARGET=${target.url} --interval ${a.interval}\n\n`,
    );
  }
  try {
    return await validate({
      plan,
      runner: attempts.run,
      target: `${source.origin} against ${target.url}`,
      reporter: makeReporter(a, true),
      flags: { terminationLog: '' },
      notices: () => attempts.notices,
    });
  } finally {
    await attempts.close();
    await target.close();
  }
}
