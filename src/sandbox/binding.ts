// The thin layer that touches QuickJS handles: it installs the one host function the
// guest can call, turns guest arguments into plain data and plain results back into
// guest values. Nothing else in the project creates or reads handles.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { GuestError, type OpResult } from './ops/types.js';
import { HostOutOfMemory } from './quickjs.js';

/** `json` is the payload as the guest serialised it; local ops parse it, remote ones forward it. */
export type Dispatch = (op: string, json: string | undefined, buffers: Uint8Array[]) => OpResult | void;

/** Defines `globalThis.__k6p_host(op, json?, buffers?)`; the prelude captures and deletes it. */
export function installHostFunction(ctx: QuickJSContext, dispatch: Dispatch, onOutOfMemory?: () => void): void {
  const fn = ctx.newFunction('__k6p_host', (opH, jsonH, bufsH) => {
    try {
      const op = ctx.getString(opH);
      const json = jsonH && ctx.typeof(jsonH) === 'string' ? ctx.getString(jsonH) : undefined;
      const result = dispatch(op, json, bufsH ? readBuffers(ctx, bufsH) : []);
      return result ? toGuest(ctx, result) : undefined;
    } catch (err) {
      // The result did not fit in the guest's heap: the attempt has hit its memory cap.
      if (err instanceof HostOutOfMemory) onOutOfMemory?.();
      // Only a name and a message cross: never a host stack.
      const e = err instanceof GuestError ? err : new GuestError(err instanceof Error ? err.message : String(err), err instanceof HostOutOfMemory ? err.name : 'Error');
      return { error: ctx.newError({ name: e.name, message: e.message }) };
    }
  });
  ctx.setProp(ctx.global, '__k6p_host', fn);
  fn.dispose();
}

function readBuffers(ctx: QuickJSContext, arr: QuickJSHandle): Uint8Array[] {
  if (ctx.typeof(arr) !== 'object') return [];
  const out: Uint8Array[] = [];
  const len = ctx.getProp(arr, 'length').consume((h) => ctx.getNumber(h)) || 0;
  for (let i = 0; i < Math.min(len, 1024); i++) {
    const item = ctx.getProp(arr, i);
    try {
      const view = ctx.getArrayBuffer(item);
      out.push(view.value.slice()); // copy out of WASM memory before it can move
      view.dispose();
    } catch {
      throw new GuestError(`buffer ${i} is not an ArrayBuffer`, 'TypeError');
    } finally {
      item.dispose();
    }
  }
  return out;
}

function toGuest(ctx: QuickJSContext, r: OpResult): QuickJSHandle | undefined {
  const json = r.json ?? (r.value === undefined ? undefined : JSON.stringify(r.value));
  if (!r.buffers?.length) return json === undefined ? undefined : ctx.newString(json);
  // Built inside out, every handle owned by one variable: an allocation that fails on a full
  // heap leaves nothing behind that would keep the engine from being freed.
  const list = buffersToGuest(ctx, r.buffers);
  let s: QuickJSHandle | undefined;
  let pair: QuickJSHandle | undefined;
  try {
    if (json !== undefined) s = ctx.newString(json);
    pair = ctx.newArray();
    if (s) ctx.setProp(pair, 0, s);
    ctx.setProp(pair, 1, list);
    return pair;
  } catch (err) {
    pair?.dispose();
    throw err;
  } finally {
    s?.dispose();
    list.dispose();
  }
}

/** A guest array of ArrayBuffers holding copies of `bufs`. */
export function buffersToGuest(ctx: QuickJSContext, bufs: Uint8Array[]): QuickJSHandle {
  const arr = ctx.newArray();
  try {
    bufs.forEach((b, i) => {
      const ab = ctx.newArrayBuffer(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      ctx.setProp(arr, i, ab);
      ab.dispose();
    });
    return arr;
  } catch (err) {
    arr.dispose();
    throw err;
  }
}

/** Reads a plain JSON-able value out of the guest (data only; functions become undefined). */
export function dumpJson(ctx: QuickJSContext, h: QuickJSHandle): unknown {
  const stringify = ctx.getProp(ctx.global, 'JSON').consume((json) => ctx.getProp(json, 'stringify'));
  const json = ctx.getProp(ctx.global, 'JSON');
  try {
    const r = ctx.callFunction(stringify, json, h);
    if (r.error) {
      r.error.dispose();
      return undefined;
    }
    const s = r.value.consume((v) => (ctx.typeof(v) === 'string' ? ctx.getString(v) : undefined));
    return s === undefined ? undefined : JSON.parse(s);
  } finally {
    stringify.dispose();
    json.dispose();
  }
}

/** Builds a guest value from JSON text with the guest's own JSON.parse (no host objects cross). */
export function parseInGuest(ctx: QuickJSContext, json: string | undefined): QuickJSHandle {
  if (json === undefined) return ctx.undefined;
  const JSONh = ctx.getProp(ctx.global, 'JSON');
  const parse = ctx.getProp(JSONh, 'parse');
  const arg = ctx.newString(json);
  try {
    return ctx.unwrapResult(ctx.callFunction(parse, JSONh, arg));
  } finally {
    arg.dispose();
    parse.dispose();
    JSONh.dispose();
  }
}

/** A thrown value is the script's to shape: keep what reaches output bounded. */
const MAX_MESSAGE = 2000;
const MAX_FRAMES = 12;
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);

export interface GuestErrorInfo {
  name: string;
  message: string;
  stack: string;
}

/** A thrown guest value as data (Errors keep name/message/stack; other values are stringified
 *  with no name, so `throw "line 6"` reads `line 6`, as k6 prints it). */
export function describeThrown(ctx: QuickJSContext, h: QuickJSHandle): GuestErrorInfo {
  try {
    const d = ctx.dump(h) as unknown;
    if (d && typeof d === 'object') {
      const o = d as Record<string, unknown>;
      return {
        name: clip(typeof o.name === 'string' ? o.name : '', 100),
        message: clip(typeof o.message === 'string' ? o.message : JSON.stringify(d), MAX_MESSAGE),
        stack: typeof o.stack === 'string' ? o.stack.split('\n').slice(0, MAX_FRAMES).join('\n') : '',
      };
    }
    return { name: '', message: clip(String(d), MAX_MESSAGE), stack: '' };
  } catch {
    return { name: 'Error', message: 'an unreadable value was thrown', stack: '' };
  }
}
