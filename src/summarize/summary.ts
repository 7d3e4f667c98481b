// One verdict for many runners: N of M passed, and for each runner that did not, where it
// ran and why. The document has the status document's shape (phase, reason, message,
// conditions as metav1.Condition) so the same tooling reads both.
import { rfc3339Seconds, setCondition } from '../status/conditions.js';
import type { Condition, Phase } from '../status/types.js';
import type { IgnoredPod, RunnerState, RunnerVerdict } from './runners.js';

export interface SummaryDocument {
  phase: Extract<Phase, 'Succeeded' | 'Failed' | 'Pending'>;
  /** AllRunnersPassed, RunnersBlocked, RunnersPending, VerdictsUnreadable, NoValidationContainer, NoRunners. */
  reason: string;
  message: string;
  runners: { total: number; passed: number; blocked: number; pending: number; unreadable: number; noGate: number };
  results: RunnerVerdict[];
  ignored: IgnoredPod[];
  conditions: Condition[];
  observedAt: string;
}

const where = (r: RunnerVerdict) => r.pod ?? r.file ?? '(unknown)';

export function summarize(results: readonly RunnerVerdict[], ignored: readonly IgnoredPod[] = [], now = Date.now()): SummaryDocument {
  const count = (s: RunnerState) => results.filter((r) => r.state === s).length;
  const runners = { total: results.length, passed: count('passed'), blocked: count('blocked'), pending: count('pending'), unreadable: count('unreadable'), noGate: count('noGate') };
  const head = `${runners.passed} of ${runners.total} runner${runners.total === 1 ? '' : 's'} passed validation`;
  const not = results.filter((r) => r.state !== 'passed');
  const detail = not.slice(0, 5).map((r) => `${where(r)}: ${r.reason}`).join('; ') + (not.length > 5 ? `; and ${not.length - 5} more` : '');

  let phase: SummaryDocument['phase'];
  let reason: string;
  if (runners.total === 0) {
    phase = 'Failed';
    reason = 'NoRunners';
  } else if (runners.passed === runners.total) {
    phase = 'Succeeded';
    reason = 'AllRunnersPassed';
  } else if (runners.blocked) {
    phase = 'Failed';
    reason = 'RunnersBlocked';
  } else if (runners.unreadable) {
    phase = 'Failed';
    reason = 'VerdictsUnreadable';
  } else if (runners.noGate) {
    phase = 'Failed';
    reason = 'NoValidationContainer';
  } else {
    phase = 'Pending';
    reason = 'RunnersPending';
  }
  const message = runners.total === 0
    ? `no runner verdicts found${ignored.length ? ` (${ignored.length} pod${ignored.length === 1 ? '' : 's'} without the gate ignored)` : ''}: is the label selector right, and does the init container run k6-preflight (else name it with --container)?`
    : `${head}${not.length ? `; ${detail}` : ''}`;

  // The four condition types every status document carries, for the whole set.
  let conditions: Condition[] = [];
  const set = (type: Condition['type'], status: Condition['status'], r: string, m: string) => {
    conditions = setCondition(conditions, { type, status, reason: r, message: m }, now).conditions;
  };
  set('ValidationPending', runners.pending ? 'True' : 'False', runners.pending ? 'RunnersPending' : 'NoneWaiting', runners.pending ? `${runners.pending} runner(s) still validating or not started` : 'no runner is waiting to validate');
  set('ValidationRetrying', runners.pending ? 'Unknown' : 'False', runners.pending ? 'RunnersPending' : 'NoneRetrying', runners.pending ? 'runners still validating may be retrying' : 'no runner is retrying');
  set('ValidationSucceeded', phase === 'Succeeded' ? 'True' : phase === 'Pending' ? 'Unknown' : 'False', reason, message);
  const deadline = results.filter((r) => r.phase === 'DeadlineExceeded');
  set('ValidationDeadlineExceeded', deadline.length ? 'True' : 'False', deadline.length ? deadline[0]!.reason : 'NoDeadlineExceeded',
    deadline.length ? `${deadline.length} runner(s) gave up at their deadline: ${deadline.map(where).slice(0, 5).join(', ')}` : 'no runner reached its deadline');
  return { phase, reason, message, runners, results: [...results], ignored: [...ignored], conditions, observedAt: rfc3339Seconds(now) };
}

/** The summary for a person: the count first, then one block per runner that did not pass. */
export function summaryText(s: SummaryDocument): string {
  const lines: string[] = [];
  const r = s.runners;
  lines.push(r.total === 0 ? `no runners: ${s.message}` : `${r.passed} of ${r.total} runner${r.total === 1 ? '' : 's'} passed validation${r.passed === r.total ? '' : ` (${[
    r.blocked && `${r.blocked} blocked`, r.pending && `${r.pending} pending`, r.unreadable && `${r.unreadable} unreadable`, r.noGate && `${r.noGate} without the gate`,
  ].filter(Boolean).join(', ')})`}`);
  const label: Record<RunnerState, string> = { passed: 'PASSED', blocked: 'BLOCKED', pending: 'PENDING', unreadable: 'UNREADABLE', noGate: 'NO GATE' };
  for (const x of s.results) {
    if (x.state === 'passed') continue;
    lines.push(`${label[x.state]} ${where(x)}${x.role === 'initializer' ? ' (initializer)' : ''}`);
    const addr = [
      x.node && `node ${x.node}${x.hostIP ? ` (${x.hostIP})` : ''}`,
      x.podIP && `pod IP ${x.podIP}`,
      x.source && `source ${x.source}`,
      `egress ${x.egressIp ?? 'unknown (run the gate with --egress-ip-url)'}`,
    ].filter(Boolean);
    if (x.state !== 'noGate') lines.push(`  ${addr.join(', ')}`);
    lines.push(`  ${x.reason}${x.phase && x.phase !== x.reason ? ` (${x.phase}${x.attempts !== undefined ? `, ${x.attempts} attempt${x.attempts === 1 ? '' : 's'}` : ''})` : ''}: ${x.message || '(no message)'}`);
  }
  const passed = s.results.filter((x) => x.state === 'passed');
  if (passed.length) lines.push(`passed: ${passed.map((x) => `${where(x)}${x.node ? ` on ${x.node}` : ''}${x.egressIp ? ` via ${x.egressIp}` : ''}`).join(', ')}`);
  if (s.ignored.length) lines.push(`not counted: ${s.ignored.map((i) => `${i.pod} (${i.why})`).join(', ')}`);
  return lines.join('\n') + '\n';
}
