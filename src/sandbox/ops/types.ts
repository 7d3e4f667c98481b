// The shape of a host operation that guest code can call through `k6p:host`.
// Every op is one entry of the registry (./registry.ts): where it runs, in which
// lifecycle phases, how its guest payload is decoded, and its handler.
import type { Fields } from './decode.js';
import type { GuestRequest } from './http.js';
import type { HttpEngine, HttpResponse } from '../../http/types.js';
import type { Journal } from './core.js';

export type Phase = 'init' | 'setup' | 'default' | 'teardown';
export const ALL_PHASES: readonly Phase[] = ['init', 'setup', 'default', 'teardown'];
/** Everything but the init context (k6: no HTTP, checks or groups at the top level). */
export const VU_PHASES: readonly Phase[] = ['setup', 'default', 'teardown'];
export const INIT_ONLY: readonly Phase[] = ['init'];

/** What a worker-side op may read or record about the running attempt. */
export interface OpContext {
  phase: Phase;
  /** Absolute deadline of the attempt (epoch ms). */
  deadline: number;
  /** The script's files (name → bytes), for `open()`. Names are relative to the script root. */
  files: ReadonlyMap<string, Uint8Array>;
  /** Single-file sources and folders: the folder further files are read from, lazily (confined to it). */
  root?: string;
  /** The file whose top level is being evaluated (for `open()` relative paths), "" if unknown. */
  currentFile: string;
}

export interface OpResult {
  value?: unknown;
  /** The value already as JSON text (remote results pass through the worker untouched). */
  json?: string;
  buffers?: Uint8Array[];
}

/** A guest-visible error: becomes a guest Error with this name and message. */
export class GuestError extends Error {
  constructor(message: string, name = 'Error') {
    super(message);
    this.name = name;
  }
}

/** Delivers the result of an async operation (http.asyncRequest) to the guest later. */
export type Settle = (id: number, r: { ok: true; value: unknown; buffers?: Uint8Array[] } | { ok: false; error: string }) => void;

/** Starts async work for the guest: returns its id now; the outcome settles through `k6p:loop`. */
export type Later = (work: Promise<{ value: unknown; buffers?: Uint8Array[] }>) => number;

/** The one way async ops get an id and settle: the attempt's counter, then its settle. */
export function laterFor(env: Pick<MainEnv, 'nextAsyncId' | 'settle'>): Later {
  return (work) => {
    const id = env.nextAsyncId();
    work.then(
      (r) => env.settle(id, { ok: true, ...r }),
      (err) => env.settle(id, { ok: false, error: String((err as Error)?.message ?? err) }),
    );
    return id;
  };
}

/** What worker-side handlers work with: the attempt's context and journal. */
export interface WorkerEnv {
  ctx: OpContext;
  journal: Journal;
  /** Data for `info` (env, vu, iter, attempt, phase, options). */
  info(): unknown;
  /** Sleeps on the worker, cut to the deadline (throws when the deadline or a cancel ends it). */
  sleep(ms: number): void;
}

/** What main-thread handlers work with: the attempt's HTTP side (src/attempt provides it). */
export interface MainEnv {
  /** Receives the script's exported options once init has run; builds the HTTP engine. */
  configure(options: Record<string, unknown>): void;
  /** Sends one request through the attempt's queue (k6 `batch`/`batchPerHost`) and byte budget. */
  send(req: GuestRequest): Promise<HttpResponse>;
  /** The attempt's engine, for cookie jars; throws a GuestError before `configure`. */
  engine(): HttpEngine;
  /** Marks bytes of a response as handed over to the worker (frees them from the byte budget). */
  delivered(res: HttpResponse): void;
  settle: Settle;
  nextAsyncId(): number;
  /** A `k6/secrets` value from the attempt's sources, added to the redactor before it is returned. */
  secret(source: string, key: string): string;
  /** The attempt's gRPC or WebSocket host half (src/grpc, src/ws). */
  protocol(name: 'grpc' | 'ws'): ProtocolHost;
}

/** What a protocol's host half offers the registry: one handler for its ops. */
export interface ProtocolHost {
  handle(op: string, payload: Fields, buffers: Uint8Array[], later: Later): Promise<OpResult | void>;
}

type Awaitable<T> = T | Promise<T>;

/** One entry of the host surface. `P` is the decoded payload: handlers never see raw guest data. */
interface OpSpecBase<P> {
  /** Which lifecycle phases may call it. */
  phases: readonly Phase[];
  /** The guest's error when called in another phase (k6's wording where k6 has one). */
  refused?: string;
  /** "payload → value" for docs/architecture.md's op table. */
  doc: string;
  /** Checks and types the guest's JSON payload (and buffer list); throws a GuestError. */
  decode(raw: unknown, buffers: Uint8Array[]): P;
}

export interface WorkerOpSpec<P> extends OpSpecBase<P> {
  thread: 'worker';
  run(p: P, env: WorkerEnv, buffers: Uint8Array[]): OpResult | void;
}

export interface MainOpSpec<P> extends OpSpecBase<P> {
  thread: 'main';
  run(p: P, env: MainEnv, buffers: Uint8Array[]): Awaitable<OpResult | void>;
}

/** Any registry entry, its payload type erased: decode and run are only ever used as a pair
 *  (`run(decode(raw))`), which method-parameter bivariance lets `unknown` stand for. */
export type AnyOpSpec = WorkerOpSpec<unknown> | MainOpSpec<unknown>;

/** Declares a worker-side op; the payload type flows from `decode` to `run`. */
export const workerOp = <P>(spec: Omit<WorkerOpSpec<P>, 'thread'>): WorkerOpSpec<P> => ({ thread: 'worker', ...spec });
/** Declares a main-thread op (network engine, cookie jars). */
export const mainOp = <P>(spec: Omit<MainOpSpec<P>, 'thread'>): MainOpSpec<P> => ({ thread: 'main', ...spec });
