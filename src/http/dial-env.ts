// The dial environment for one engine (one attempt): the operator's options, the egress
// policy, the source-address picker and the set of sockets to destroy on close. Every
// protocol that opens connections (HTTP, TCP/TLS checks, gRPC, WebSockets) builds one of
// these and calls `dial()` with it, so policy and facts are the same for all of them.
import type { Socket } from 'node:net';
import type { DialEnv } from './dial.js';
import { createEgressPolicy } from './egress.js';
import { createLocalIpPicker } from './local-ips.js';
import type { EngineOptions } from './types.js';

export interface OwnedDialEnv extends DialEnv {
  /** Destroys every socket dialled through this environment (also mid-dial). */
  destroyAll(): void;
}

export function createDialEnv(opts: EngineOptions): OwnedDialEnv {
  const sockets = new Set<Socket>();
  return {
    opts,
    policy: createEgressPolicy(opts.allowHosts),
    pickLocal: createLocalIpPicker(opts.localIPs),
    track(s) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    },
    destroyAll() {
      // Newest first: a TLS socket before the TCP socket under it (Node 20 crashes the
      // process when the TCP socket goes first while the TLS socket is still open).
      for (const s of [...sockets].reverse()) s.destroy();
      sockets.clear();
    },
  };
}
