// The shape of a host operation that guest code can call through `k6p:host`.
// Each op is declared once, validates its own payload, and returns plain data.

export type Phase = 'init' | 'setup' | 'default' | 'teardown';

/** What a worker-side op may read or record about the running attempt. */
export interface OpContext {
  phase: Phase;
  /** Absolute deadline of the attempt (epoch ms). */
  deadline: number;
  /** The script's files (name → bytes), for `open()`. Names are relative to the script root. */
  files: ReadonlyMap<string, Uint8Array>;
  /** Single-file sources: the folder further files may be read from (confined to it). */
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

export type OpHandler = (payload: any, buffers: Uint8Array[], ctx: OpContext) => OpResult | void;
