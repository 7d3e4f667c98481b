// `k6-preflight demo`: the whole idea in ten seconds, with nothing to set up. A loopback
// target plays an API whose IP allowlist is still being opened (403 for a few seconds,
// then 200); the health-check example polls it every second until it passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { startDemoTarget } from '../../demo/target.js';
import { poll } from '../../index.js';
import { packageRoot } from '../../package-root.js';
import { consume, guard, makeReporter, type ArgsOf } from '../common.js';
import { durationFlag, outputFlags } from '../flags.js';

declare const __K6P_EXAMPLES__: Record<string, string> | undefined;

export const DEMO_SCRIPT = 'health.js';

const builder = (c: Argv) =>
  outputFlags(c)
    .option('refuse-for', { group: 'Demo:', type: 'string', default: '3s', describe: 'How long the target answers 403 before it opens' })
    .option('interval', { group: 'Demo:', type: 'string', default: '1s', describe: 'Time between attempt starts' });

export function registerDemo(y: Argv) {
  return y.command(
    'demo',
    'Poll a built-in loopback target that refuses (403) for a few seconds, then opens: retries with their cause, then success',
    builder,
    async (argv) => {
      process.exitCode = await guard(() => demoCommand(argv));
    },
  );
}

/** The example script the demo runs (embedded in the bundle, read from examples/ in source runs). */
export function demoScript(): { code: string; name: string } {
  const code =
    typeof __K6P_EXAMPLES__ !== 'undefined' && __K6P_EXAMPLES__[DEMO_SCRIPT]
      ? __K6P_EXAMPLES__[DEMO_SCRIPT]
      : readFileSync(join(packageRoot(), 'examples', 'validate', DEMO_SCRIPT), 'utf8');
  return { code, name: `examples/validate/${DEMO_SCRIPT}` };
}

export async function demoCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const refuseForMs = durationFlag('refuse-for', a.refuseFor);
  durationFlag('interval', a.interval);
  const target = await startDemoTarget({ refuseForMs });
  const script = demoScript();
  if (a.output !== 'json' && !a.quiet) {
    process.stdout.write(
      `Demo target ${target.url} answers 403 (an IP allowlist not opened yet) for ${a.refuseFor} from its first request, then 200.\n` +
        `Polling it with ${script.name} every ${a.interval}, as: k6-preflight poll ${script.name} -e TARGET=${target.url} --interval ${a.interval}\n\n`,
    );
  }
  try {
    return await consume(
      ({ signal, onEvent }) => poll(script, { signal, onEvent, env: { TARGET: target.url }, schedule: { interval: a.interval, jitter: 0, maxDuration: '30s', timeout: '5s' } }),
      { reporter: makeReporter(a, true), terminationLog: false },
    );
  } finally {
    await target.close();
  }
}
