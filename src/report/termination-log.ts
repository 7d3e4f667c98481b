// The container termination message: a compact, single-line JSON verdict that always
// fits the kubelet's 4096-byte limit (and, by default, the ~1 KiB a pod with several
// init containers can count on). The kubelet copies it to
// status.containerStatuses[].state.terminated.message.
import { accessSync, constants } from 'node:fs';
import { truncateUtf8 } from '../status/conditions.js';
import type { StatusDocument } from '../status/types.js';
import { cleanStaleTemps, resolveWriteTarget, safeWriteFile } from './safe-write.js';
import { forOutput, safeJson } from './sanitize.js';

export const TERMINATION_LOG_LIMIT = 4096;
export const DEFAULT_TERMINATION_LOG = '/dev/termination-log';

export interface Verdict {
  phase: string;
  reason: string;
  message: string;
  attempts: number;
  target?: string;
  /** The address the outside sees this runner as (with --egress-ip-url), for `summarize`. */
  egressIp?: string;
  startedAt?: string;
  finishedAt?: string | null;
  last?: {
    number: number;
    outcome: string;
    reason?: string;
    message: string;
    durationMs: number;
    /** First request of the last attempt: what was called and what came back. */
    request?: { method: string; url: string; status: number; error?: string; remote?: string; local?: string };
  };
}

/** The compact verdict as JSON, at most `maxBytes` bytes (default 4096), always valid JSON. */
export function terminationMessage(doc: StatusDocument, maxBytes = TERMINATION_LOG_LIMIT): string {
  const limit = Math.min(Math.max(maxBytes, 64), TERMINATION_LOG_LIMIT);
  const la = doc.lastAttempt;
  const req = la?.requests?.[la.requests.length - 1];
  const full = (msgBytes: number, lastBytes: number, withRequest: boolean, urlBytes: number): Verdict => {
    const v: Verdict = {
      phase: doc.phase,
      reason: doc.reason,
      message: truncateUtf8(doc.message, msgBytes),
      attempts: doc.attempts,
    };
    if (doc.target) v.target = truncateUtf8(doc.target, urlBytes);
    const egress = (doc as { runner?: { egressIp?: unknown } }).runner?.egressIp;
    if (typeof egress === 'string') v.egressIp = truncateUtf8(egress, 64);
    v.startedAt = doc.startedAt;
    if (doc.finishedAt) v.finishedAt = doc.finishedAt;
    if (la) {
      v.last = { number: la.number, outcome: la.outcome, message: truncateUtf8(la.message, lastBytes), durationMs: Math.round(la.durationMs) };
      if (la.reason) v.last.reason = la.reason;
      if (withRequest && req) {
        v.last.request = { method: req.method, url: truncateUtf8(req.url, urlBytes), status: req.status };
        if (req.error) v.last.request.error = truncateUtf8(req.error, 200);
        if (req.remote_ip) v.last.request.remote = `${req.remote_ip}:${req.remote_port}`;
        if (req.local_ip) v.last.request.local = `${req.local_ip}:${req.local_port}`;
      }
    }
    return v;
  };
  // Shrink step by step until it fits: long text first, then optional parts.
  const budgets: [number, number, boolean, number][] = [
    [1024, 1024, true, 512],
    [512, 512, true, 256],
    [256, 256, true, 128],
    [160, 96, false, 96],
    [64, 0, false, 48],
  ];
  for (const b of budgets) {
    const s = safeJson(full(...b));
    if (Buffer.byteLength(s) <= limit) return s;
  }
  const minimal = JSON.stringify({ phase: doc.phase, reason: truncateUtf8(doc.reason, 32), attempts: doc.attempts });
  if (Buffer.byteLength(minimal) <= limit) return minimal;
  return JSON.stringify({ phase: doc.phase.slice(0, 20) });
}

/**
 * Where the termination message goes when the user did not say: /dev/termination-log
 * inside a Kubernetes pod (KUBERNETES_SERVICE_HOST set) when it is writable; else none.
 */
export function defaultTerminationLogPath(env: NodeJS.ProcessEnv = process.env, path = DEFAULT_TERMINATION_LOG): string | undefined {
  if (!env.KUBERNETES_SERVICE_HOST) return undefined;
  try {
    accessSync(path, constants.W_OK);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * Writes the verdict, URL credentials masked. Never throws: returns the error instead (or undefined
 * on success). Written like the status file (symlinks followed, only a regular file or a
 * new one, temp file + rename); when the folder takes no temp file or the file is a mount
 * point (the kubelet bind-mounts /dev/termination-log), the regular file is written in place.
 */
export function writeTerminationLog(path: string, doc: StatusDocument, maxBytes = TERMINATION_LOG_LIMIT): Error | undefined {
  try {
    try {
      cleanStaleTemps(resolveWriteTarget(path).target);
    } catch {
      /* safeWriteFile says what is wrong */
    }
    safeWriteFile(path, terminationMessage(forOutput(doc), maxBytes), { inPlaceFallback: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
