// The host surface: every operation a script can make the host perform, in one table.
// Each entry says which thread runs it, which lifecycle phases may call it, how its
// payload is decoded (typed, checked) and which handler runs. Routing (worker or main
// thread), the phase rules and docs/architecture.md's op table all come from here
// (test/op-registry.test.ts checks the doc against it).
//
// To add an op: write `export const myOp = workerOp({...})` or `mainOp({...})` in a
// module of this folder, then add one line `'name': module.myOp` below.
import * as core from './core.js';
import * as crypto from './crypto.js';
import * as http from './http.js';
import * as protocols from './protocols.js';
import { GuestError, type AnyOpSpec, type MainOpSpec, type OpResult, type Phase, type WorkerEnv, type WorkerOpSpec } from './types.js';
import * as url from './url.js';

export const OPS = {
  // lifecycle, checks and output (worker)
  info: core.info,
  check: core.check,
  console: core.consoleOp,
  sleep: core.sleep,
  fail: core.fail,
  'test.fail': core.testFail,
  'test.abort': core.testAbort,
  open: core.open,
  // k6/crypto and URL (worker)
  'crypto.digest': crypto.digest,
  'crypto.hmac': crypto.hmac,
  'crypto.randomBytes': crypto.random,
  'url.parse': url.parse,
  // k6/http (main thread: the network engine and cookie jars)
  options: http.options,
  'http.request': http.request,
  'http.batch': http.batch,
  'http.start': http.start,
  'jar.new': http.jarNew,
  'jar.cookiesForURL': http.jarCookiesForURL,
  'jar.set': http.jarSet,
  'jar.clear': http.jarClear,
  'jar.delete': http.jarDelete,
  // k6/net/grpc (main thread: connections through the same dial path)
  'grpc.load': protocols.grpcLoad,
  'grpc.loadProtoset': protocols.grpcLoadProtoset,
  'grpc.connect': protocols.grpcConnect,
  'grpc.invoke': protocols.grpcInvoke,
  'grpc.start': protocols.grpcStart,
  'grpc.health': protocols.grpcHealth,
  'grpc.stream.open': protocols.grpcStreamOpen,
  'grpc.stream.write': protocols.grpcStreamWrite,
  'grpc.stream.end': protocols.grpcStreamEnd,
  'grpc.stream.next': protocols.grpcStreamNext,
  'grpc.close': protocols.grpcClose,
  // k6/ws and k6/websockets (main thread)
  'ws.open': protocols.wsOpen,
  'ws.start': protocols.wsStart,
  'ws.send': protocols.wsSend,
  'ws.ping': protocols.wsPing,
  'ws.close': protocols.wsClose,
  'ws.poll': protocols.wsPoll,
  'ws.next': protocols.wsNext,
} satisfies Record<string, AnyOpSpec>;

export type OpName = keyof typeof OPS;

const table: ReadonlyMap<string, AnyOpSpec> = new Map(Object.entries(OPS));

/** The op's entry; unknown names are the guest's error. */
export function opSpec(op: string): AnyOpSpec {
  const spec = table.get(op);
  if (!spec) throw new GuestError(`unknown host operation ${op}`);
  return spec;
}

/** Refuses an op outside its phases, with k6's wording where k6 has one. */
export function checkPhase(op: string, spec: AnyOpSpec, phase: Phase): void {
  if (spec.phases.includes(phase)) return;
  throw new GuestError(spec.refused ?? `${op} is not available in ${phase === 'init' ? 'the init context' : `${phase}()`}`);
}

export const isWorkerOp = (s: AnyOpSpec): s is WorkerOpSpec<unknown> => s.thread === 'worker';

/** Decodes and runs a worker op (phase already checked). */
export function runWorkerOp(spec: WorkerOpSpec<unknown>, raw: unknown, buffers: Uint8Array[], env: WorkerEnv): OpResult | void {
  return spec.run(spec.decode(raw, buffers), env, buffers);
}
export const isMainOp = (s: AnyOpSpec): s is MainOpSpec<unknown> => s.thread === 'main';

/** The op table of docs/architecture.md, generated from the registry. */
export function opTableMarkdown(): string {
  const phases = (p: readonly Phase[]) => (p.length === 4 ? 'all' : p.join(', '));
  const rows = Object.entries(OPS).map(([name, s]) => `| \`${name}\` | ${s.doc} | ${s.thread} | ${phases(s.phases)} |`);
  return ['| op | payload → value | runs on | phases |', '|---|---|---|---|', ...rows].join('\n');
}
