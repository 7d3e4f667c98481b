// The polling commands' shared shell: run the driver with the reporter, keep the status
// file and termination message current, turn signals into `Aborted`, and pick the exit code.
import type { Argv } from 'yargs';
import type { AttemptRunner } from '../attempt/types.js';
import { planFromInput, type PlanInput, type SchedulePlan } from '../plan/plan.js';
import { runValidation } from '../poll/driver.js';
import type { Redactor } from '../http/redact.js';
import type { Reporter } from '../report/reporter.js';
import { createStatusFileWriter } from '../report/status-file.js';
import { defaultTerminationLogPath, writeTerminationLog } from '../report/termination-log.js';
import type { StatusDocument } from '../status/types.js';
import { announceRunner, EXIT_FAILED, EXIT_OK, signalAbort, withRunner, type RunnerInfo } from './common.js';
import { OUTPUT_GROUP, SCHEDULE_GROUP } from './flags.js';

export function scheduleFlags<T>(y: Argv<T>) {
  return y
    .option('interval', { group: SCHEDULE_GROUP, type: 'string', describe: 'Time between attempt starts [default: 15s]' })
    .option('backoff', { group: SCHEDULE_GROUP, choices: ['constant', 'linear', 'exponential'], describe: 'How the interval grows after failures [default: constant]' })
    .option('factor', { group: SCHEDULE_GROUP, type: 'string', describe: 'Growth factor (≥ 1) for linear/exponential backoff [default: 1.5]' })
    .option('max-interval', { group: SCHEDULE_GROUP, type: 'string', describe: 'Upper bound of a grown interval [default: 2m]' })
    .option('jitter', { group: SCHEDULE_GROUP, type: 'string', describe: '± fraction of randomness on each wait; 0 turns it off [default: 0.1]' })
    .option('max-duration', { group: SCHEDULE_GROUP, type: 'string', describe: 'Give up at this deadline, counted from the start [default: 30m]' })
    .option('success-threshold', { group: SCHEDULE_GROUP, type: 'string', describe: 'Consecutive passing attempts needed [default: 1]' })
    .option('initial-delay', { group: SCHEDULE_GROUP, type: 'string', describe: 'Wait before the first attempt [default: 0s]' })
    .option('fail-fast-on', { group: SCHEDULE_GROUP, type: 'string', describe: 'Reasons that end validation at once as Failed, e.g. TLSHandshakeFailed,ScriptFailed' })
    .option('status-file', { group: OUTPUT_GROUP, type: 'string', describe: 'Keep the status document (JSON) at this path, replaced atomically at every change' })
    .option('termination-log', { group: OUTPUT_GROUP, type: 'string', describe: 'Write a compact verdict (≤ 4096 bytes JSON) here at the end [default: /dev/termination-log inside a Kubernetes pod]' });
}

export interface ScheduleFlagValues {
  interval?: string;
  backoff?: string;
  factor?: string;
  maxInterval?: string;
  jitter?: string;
  maxDuration?: string;
  successThreshold?: string;
  initialDelay?: string;
  failFastOn?: string;
  timeout?: string;
  statusFile?: string;
  terminationLog?: string;
}

/** The schedule values given explicitly on the command line. */
export function planInputFromFlags(f: ScheduleFlagValues): PlanInput {
  const input: PlanInput = {};
  for (const k of ['interval', 'backoff', 'factor', 'maxInterval', 'jitter', 'maxDuration', 'successThreshold', 'initialDelay', 'failFastOn', 'timeout'] as const) {
    if (f[k] !== undefined) (input as Record<string, string>)[k] = f[k]!;
  }
  return input;
}

/** Flags over the defaults. */
export function planFromFlags(f: ScheduleFlagValues): SchedulePlan {
  return planFromInput(planInputFromFlags(f));
}

export async function validate(opts: {
  plan: SchedulePlan;
  runner: AttemptRunner;
  target: string;
  reporter: Reporter;
  flags: ScheduleFlagValues;
  notices?: () => Iterable<string>;
  generation?: number;
  /** The runner's egress address, added to every status document and said once. */
  runnerInfo?: RunnerInfo;
  /** Masks the validation's secrets in the status file and the termination message. */
  redactor?: Redactor;
}): Promise<number> {
  const { reporter, flags } = opts;
  const info = opts.runnerInfo ?? {};
  const decorate = (s: StatusDocument) => withRunner(s, info);
  announceRunner(reporter, info);
  const statusFile = flags.statusFile ? createStatusFileWriter(flags.statusFile, (e) => reporter.notice(`status file: ${e.message}`), opts.redactor) : undefined;
  const sig = signalAbort();
  const shown = new Set<string>();
  const showNotices = () => {
    for (const n of opts.notices?.() ?? []) if (!shown.has(n)) (shown.add(n), reporter.notice(n));
  };
  try {
    const status = decorate(
      await runValidation({
        plan: opts.plan,
        runner: opts.runner,
        signal: sig.signal,
        target: opts.target,
        ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
        onEvent: (e) => {
          if (e.type === 'status') statusFile?.write(decorate(e.status));
          if (e.type === 'attempt') showNotices();
          reporter.event(e);
        },
      }),
    );
    statusFile?.write(status);
    const termPath = flags.terminationLog ?? defaultTerminationLogPath();
    if (termPath) {
      const err = writeTerminationLog(termPath, status, undefined, opts.redactor);
      if (err && flags.terminationLog) reporter.notice(`termination log ${termPath}: ${err.message}`);
    }
    showNotices();
    reporter.result(status);
    return sig.code() ?? (status.phase === 'Succeeded' ? EXIT_OK : EXIT_FAILED);
  } finally {
    reporter.close();
    sig.dispose();
  }
}
