// Messages between the main thread and the sandbox worker. Plain data only.
import type { CheckTally, ConsoleRecord } from '../attempt/types.js';
import type { Phase } from './ops/types.js';

/** One user module, ready for QuickJS (TypeScript already stripped). */
export interface ModuleCode {
  code: string;
  /** Source map (JSON) when the code was transformed, to map error locations back. */
  map?: string;
}

export interface AttemptCommand {
  type: 'attempt';
  id: number;
  modules: Record<string, ModuleCode>;
  files: [string, Uint8Array][];
  root?: string;
  entry: string;
  /** Data for `info`: env, vu, iter, attempt, … */
  info: { env: Record<string, string>; vu: number; iter: number; attempt: number };
  deadline: number;
  memoryLimitBytes: number;
  stackLimitBytes: number;
}

export interface CompileCommand {
  type: 'compile';
  id: number;
  modules: Record<string, ModuleCode>;
  /** The attempts' memory cap, so the worker can prepare the first attempt's engine. */
  memoryLimitBytes?: number;
}

export type ToWorker = AttemptCommand | CompileCommand;

export interface ThrownInfo {
  phase: Phase;
  name: string;
  message: string;
  /** Guest stack as QuickJS printed it (file:line:col of the guest modules). */
  stack: string;
}

export type LimitHit = 'timeout' | 'memory' | 'stack';

/** What the worker reports when an attempt ends (however it ends). */
export interface WorkerOutcome {
  checks: CheckTally[];
  console: ConsoleRecord[];
  consoleDropped: number;
  failCalls: string[];
  testFail?: string;
  testAbort?: string;
  thrown?: ThrownInfo;
  limit?: LimitHit;
  cancelled?: boolean;
  /** Phases that ran to completion. */
  completed: Phase[];
  /** The script has nothing runnable (what is missing): a usage error, not an attempt. */
  nothingToRun?: string;
  /** Remarks for the user, e.g. load options that a validation ignores. */
  notices: string[];
  /** Freeing the engine failed (a leaked handle): harmless to the host, a bug to report. */
  disposeError?: string;
}

export type FromWorker =
  | { type: 'done'; id: number; outcome: WorkerOutcome }
  | { type: 'compiled'; id: number; errors: { file: string; message: string; stack: string }[] }
  | { type: 'check'; name: string; group: string; passed: boolean }
  | { type: 'console'; level: ConsoleRecord['level']; message: string };

/** Ops channel: worker → main requests, main → worker replies and async settlements. */
export type OpMessage = { type: 'op'; id: number; op: string; json: string | undefined; buffers: Uint8Array[] };
export type OpReply =
  | { type: 'reply'; id: number; json?: string; buffers?: Uint8Array[]; error?: { name: string; message: string } }
  | { type: 'settle'; id: number; ok: boolean; value?: unknown; buffers?: Uint8Array[]; error?: string };

/** Slots of the shared Int32Array. */
export const SIGNAL_REPLY = 0;
export const SIGNAL_CANCEL = 1;
