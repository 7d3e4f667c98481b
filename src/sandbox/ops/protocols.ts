// k6/net/grpc, k6/ws and k6/websockets: their host halves (src/grpc, src/ws) answer on the
// main thread beside the HTTP engine, over the same dial path. The registry checks that a
// payload is an object; each host then reads its fields with checks of its own.
import { fields, type Fields } from './decode.js';
import { ALL_PHASES, laterFor, mainOp, VU_PHASES, type MainEnv, type MainOpSpec, type Phase } from './types.js';

type Protocol = 'grpc' | 'ws';

function protocolOp(protocol: Protocol, name: string, phases: readonly Phase[], doc: string, refused?: string): MainOpSpec<Fields> {
  return mainOp({
    phases,
    doc,
    ...(refused ? { refused } : {}),
    decode: (raw) => fields(raw, name),
    run: (p, env: MainEnv, buffers) => env.protocol(protocol).handle(name, p, buffers, laterFor(env)),
  });
}

const INIT_ONLY: readonly Phase[] = ['init'];
const LOAD_REFUSED = 'load() and loadProtoset() must be called in the init context';
const WS_REFUSED = 'Using websockets in the init context is not supported';

export const grpcLoad = protocolOp('grpc', 'grpc.load', INIT_ONLY, '`{ client, importPaths, files }` → method names (files inside the script\'s folder)', LOAD_REFUSED);
export const grpcLoadProtoset = protocolOp('grpc', 'grpc.loadProtoset', INIT_ONLY, '`{ client, path }` → method names', LOAD_REFUSED);
export const grpcConnect = protocolOp('grpc', 'grpc.connect', ALL_PHASES, '`{ client, address, plaintext, reflect, timeoutMs, tls }` (refused in init) → connected');
export const grpcInvoke = protocolOp('grpc', 'grpc.invoke', VU_PHASES, '`{ client, method, message, metadata, timeoutMs }` → k6 gRPC response');
export const grpcStart = protocolOp('grpc', 'grpc.start', VU_PHASES, 'like `grpc.invoke` → id; settled later through `k6p:loop`');
export const grpcHealth = protocolOp('grpc', 'grpc.health', VU_PHASES, '`{ client, service }` → health status');
export const grpcStreamOpen = protocolOp('grpc', 'grpc.stream.open', VU_PHASES, '`{ client, method, metadata }` → stream id');
export const grpcStreamWrite = protocolOp('grpc', 'grpc.stream.write', VU_PHASES, '`{ stream, message }`');
export const grpcStreamEnd = protocolOp('grpc', 'grpc.stream.end', VU_PHASES, '`{ stream }`');
export const grpcStreamNext = protocolOp('grpc', 'grpc.stream.next', VU_PHASES, '`{ stream }` → id; the next event settled through `k6p:loop`');
export const grpcClose = protocolOp('grpc', 'grpc.close', ALL_PHASES, '`{ client }`');

export const wsOpen = protocolOp('ws', 'ws.open', VU_PHASES, '`{ url, params }` → session and handshake response (k6/ws)', WS_REFUSED);
export const wsStart = protocolOp('ws', 'ws.start', VU_PHASES, '`{ url, params }` → id; the handshake settled through `k6p:loop` (k6/websockets)', WS_REFUSED);
export const wsSend = protocolOp('ws', 'ws.send', VU_PHASES, '`{ id, data | buf }`');
export const wsPing = protocolOp('ws', 'ws.ping', VU_PHASES, '`{ id }`');
export const wsClose = protocolOp('ws', 'ws.close', VU_PHASES, '`{ id, code, reason }`');
export const wsPoll = protocolOp('ws', 'ws.poll', VU_PHASES, '`{ id, waitMs }` → server events (bounded wait, cut to the deadline)');
export const wsNext = protocolOp('ws', 'ws.next', VU_PHASES, '`{ id }` → id; the next server event settled through `k6p:loop`');
