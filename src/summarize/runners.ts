// One runner's verdict, read from what the cluster shows: a Pod as `kubectl get pods -o json`
// prints it (the gate's init container status and its termination message, the node, the
// addresses), or a status file / termination message the gate wrote. Pure functions of
// their input; nothing here is trusted: every field is checked before use and cut to size.
import { truncateUtf8 } from '../status/conditions.js';

export type RunnerState = 'passed' | 'blocked' | 'pending' | 'noGate' | 'unreadable';

export interface RunnerVerdict {
  state: RunnerState;
  /** CamelCase: the gate's own reason (ConnectionRefused …) or what the summary saw (StillValidating …). */
  reason: string;
  message: string;
  /** `namespace/name` of the pod, or the file the verdict came from. */
  pod?: string;
  file?: string;
  /** runner, initializer (the spec.initializer placement), or pod when unlabelled. */
  role?: 'runner' | 'initializer' | 'pod';
  node?: string;
  /** The node's address: what a target sees when pod traffic is masqueraded on the way out. */
  hostIP?: string;
  podIP?: string;
  /** The address the gate's last request left from (ip:port). */
  source?: string;
  /** What the outside saw, when the gate asked an echo endpoint (--egress-ip-url). */
  egressIp?: string;
  /** The gate's final phase (Succeeded, DeadlineExceeded, Failed …) when readable. */
  phase?: string;
  attempts?: number;
  exitCode?: number;
  container?: string;
}

/** A pod the summary did not count, and why (the starter, an initializer without the gate). */
export interface IgnoredPod {
  pod: string;
  why: string;
}

export interface GateMatch {
  /** The gate's init container name; otherwise one whose image or command names k6-preflight. */
  container?: string;
}

const TEXT_MAX = 1024;
const MESSAGE_MAX = 16 * 1024;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/**
 * Text from a pod or a verdict, safe to print on a terminal: control characters (escape
 * sequences could rewrite the screen) and bidirectional overrides become U+FFFD, line
 * breaks become spaces, and the length is bounded.
 */
const clean = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
const str = (v: unknown, max = TEXT_MAX): string | undefined => (typeof v === 'string' && v !== '' ? truncateUtf8(clean(v), max) : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const REASON = /^[A-Za-z][A-Za-z0-9_,:]{0,126}$/;

/** A gate's verdict as JSON (termination message or status document), or why it is unreadable. */
export function parseVerdict(text: unknown): { ok: true; v: Obj } | { ok: false; why: string } {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, why: 'the termination message is empty' };
  if (text.length > MESSAGE_MAX) return { ok: false, why: `the termination message is ${text.length} characters, more than a verdict holds` };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, why: `the termination message is not JSON: ${JSON.stringify(truncateUtf8(clean(text.trim()), 120))}` };
  }
  const o = obj(v);
  if (!o || typeof o.phase !== 'string') return { ok: false, why: 'the termination message is JSON but not a k6-preflight verdict (no phase)' };
  return { ok: true, v: o };
}

/** The runner facts a verdict carries: reason, message, addresses, attempts. */
function fromVerdict(v: Obj): Pick<RunnerVerdict, 'phase' | 'reason' | 'message' | 'attempts' | 'egressIp' | 'source'> {
  const out: ReturnType<typeof fromVerdict> = {
    phase: str(v.phase, 64)!,
    reason: typeof v.reason === 'string' && REASON.test(v.reason) ? v.reason : 'Unknown',
    message: str(v.message) ?? '',
  };
  const attempts = int(v.attempts);
  if (attempts !== undefined) out.attempts = attempts;
  const runner = obj(v.runner);
  const egress = str(v.egressIp, 64) ?? str(runner?.egressIp, 64);
  if (egress) out.egressIp = egress;
  // termination message: last.request.local; status document: lastAttempt.requests[-1].local_ip/port
  const lastReq = obj(obj(v.last)?.request);
  const reqs = arr(obj(v.lastAttempt)?.requests);
  const full = obj(reqs[reqs.length - 1]);
  const local = str(lastReq?.local, 80) ?? (str(full?.local_ip, 64) ? `${str(full?.local_ip, 64)}:${int(full?.local_port) ?? '?'}` : undefined);
  if (local) out.source = local;
  return out;
}

/** A status file or termination message on disk, as one runner. */
export function runnerFromVerdictFile(file: string, value: unknown): RunnerVerdict {
  const o = obj(value);
  if (!o || typeof o.phase !== 'string') {
    return { state: 'unreadable', reason: 'UnreadableVerdict', message: 'not a k6-preflight status document or verdict (no phase)', file };
  }
  const f = fromVerdict(o);
  const state: RunnerState = f.phase === 'Succeeded' ? 'passed' : f.phase === 'Pending' || f.phase === 'Retrying' ? 'pending' : 'blocked';
  return { state, ...f, file };
}

/** Does this init container look like the gate? */
function isGate(c: Obj, m: GateMatch): boolean {
  if (m.container !== undefined) return c.name === m.container;
  const words = [c.image, ...arr(c.command), ...arr(c.args).slice(0, 1)].filter((x): x is string => typeof x === 'string');
  return words.some((w) => /k6-preflight/.test(w));
}

function podRole(pod: Obj): RunnerVerdict['role'] {
  const md = obj(pod.metadata);
  const labels = obj(md?.labels) ?? {};
  if (labels.runner === 'true') return 'runner';
  const job = labels['job-name'] ?? labels['batch.kubernetes.io/job-name'];
  if (typeof job === 'string' && job.endsWith('-initializer')) return 'initializer';
  return 'pod';
}

export interface PodReading {
  /** The pod carries the gate (counted). */
  gated?: RunnerVerdict;
  /** The pod is a runner without the gate. */
  ungatedRunner?: RunnerVerdict;
  ignored?: IgnoredPod;
}

/** Reads one Pod object. */
export function readPod(pod: Obj, match: GateMatch): PodReading {
  const md = obj(pod.metadata) ?? {};
  const spec = obj(pod.spec) ?? {};
  const status = obj(pod.status) ?? {};
  const name = `${str(md.namespace, 253) ? `${str(md.namespace, 253)}/` : ''}${str(md.name, 253) ?? '(unnamed pod)'}`;
  const role = podRole(pod);
  const base: Omit<RunnerVerdict, 'state' | 'reason' | 'message'> = { pod: name, ...(role ? { role } : {}) };
  const node = str(spec.nodeName, 253);
  if (node) base.node = node;
  const hostIP = str(status.hostIP, 64);
  if (hostIP) base.hostIP = hostIP;
  const podIP = str(status.podIP, 64);
  if (podIP) base.podIP = podIP;

  const specGate = arr(spec.initContainers).map(obj).find((c) => c && isGate(c, match) && c.restartPolicy !== 'Always');
  const statuses = arr(status.initContainerStatuses).map(obj).filter((s): s is Obj => !!s);
  // Without a spec (a trimmed document), a status named like the gate is enough.
  const gateName = str(specGate?.name, 253) ?? (match.container ?? statuses.map((s) => str(s.name, 253)).find((n) => n !== undefined && /preflight/.test(n)));
  const cs = gateName !== undefined ? statuses.find((s) => s.name === gateName) : undefined;
  if (!specGate && !cs) {
    if (role === 'runner') {
      return { ungatedRunner: { ...base, state: 'noGate', reason: 'NoValidationContainer', message: `no ${match.container ? `init container "${match.container}"` : 'k6-preflight init container'} in this pod` } };
    }
    return { ignored: { pod: name, why: role === 'initializer' ? 'the initializer, without the gate' : 'no gate, and not a runner (no runner=true label)' } };
  }
  base.container = gateName!;
  const phase = str(status.phase, 32);
  if (!cs) {
    const sched = arr(status.conditions).map(obj).find((c) => c?.type === 'PodScheduled');
    const why = sched?.status === 'False' ? `not scheduled: ${str(sched.message) ?? str(sched.reason) ?? 'no reason given'}` : `pod ${phase ?? 'phase unknown'}, the gate has not started`;
    return { gated: { ...base, state: 'pending', reason: sched?.status === 'False' ? 'Unschedulable' : 'NotStarted', message: why } };
  }
  const state = obj(cs.state) ?? {};
  const waiting = obj(state.waiting);
  const running = obj(state.running);
  const term = obj(state.terminated);
  if (term) {
    const exitCode = int(term.exitCode);
    if (exitCode !== undefined) base.exitCode = exitCode;
    const parsed = parseVerdict(term.message);
    if (!parsed.ok) {
      const how = exitCode === 0 ? 'exited 0' : `exited ${exitCode ?? '?'}${str(term.reason, 64) ? ` (${str(term.reason, 64)})` : ''}`;
      return { gated: { ...base, state: 'unreadable', reason: str(term.reason, 64) === 'OOMKilled' ? 'OOMKilled' : 'UnreadableVerdict', message: `the gate ${how} but ${parsed.why}; see kubectl logs ${name.split('/').pop()} -c ${gateName}` } };
    }
    const f = fromVerdict(parsed.v);
    // Both must say so: exit 0 and a Succeeded verdict. Anything else is not a pass.
    if (exitCode === 0 && f.phase === 'Succeeded') return { gated: { ...base, ...f, state: 'passed' } };
    if (exitCode === 0) return { gated: { ...base, ...f, state: 'unreadable', reason: 'InconsistentVerdict', message: `the gate exited 0 but its verdict says ${f.phase}: ${f.message}` } };
    return { gated: { ...base, ...f, state: 'blocked' } };
  }
  if (running) {
    return { gated: { ...base, state: 'pending', reason: 'StillValidating', message: `validating since ${str(running.startedAt, 40) ?? 'an unknown time'}` } };
  }
  if (waiting) {
    const r = str(waiting.reason, 64) ?? 'Waiting';
    return { gated: { ...base, state: 'pending', reason: REASON.test(r) ? r : 'Waiting', message: `the gate is waiting: ${r}${str(waiting.message) ? `: ${str(waiting.message)}` : ''}` } };
  }
  return { gated: { ...base, state: 'pending', reason: 'NotStarted', message: 'the gate has no state yet' } };
}

/** The Pod objects of a document: a Pod, a PodList, or a List of Pods. Others are refused. */
export function podsOf(doc: unknown): Obj[] | undefined {
  const o = obj(doc);
  if (!o) return undefined;
  if (o.kind === 'Pod') return [o];
  if ((o.kind === 'PodList' || o.kind === 'List') && Array.isArray(o.items)) {
    return o.items.map(obj).filter((p): p is Obj => !!p && (p.kind === undefined || p.kind === 'Pod'));
  }
  return undefined;
}

/** Every runner of a pod list: gated pods, and runners without the gate unless the gate sits in the initializer. */
export function readPods(pods: readonly Obj[], match: GateMatch): { runners: RunnerVerdict[]; ignored: IgnoredPod[] } {
  const readings = pods.map((p) => readPod(p, match));
  const gated = readings.flatMap((r) => (r.gated ? [r.gated] : []));
  const gateInInitializer = gated.some((g) => g.role === 'initializer');
  const runners = [...gated];
  const ignored = readings.flatMap((r) => (r.ignored ? [r.ignored] : []));
  for (const r of readings) {
    if (!r.ungatedRunner) continue;
    // spec.initializer placement: the initializer validated for everyone; runners carry no gate.
    if (gateInInitializer && r.ungatedRunner.role === 'runner') ignored.push({ pod: r.ungatedRunner.pod!, why: 'a runner; the gate ran in the initializer' });
    else runners.push(r.ungatedRunner);
  }
  return { runners, ignored };
}
