// The engine's connection pool: undici Clients over connections the engine dials itself.
//
// Why a pool of single-connection Clients instead of one Agent: an Agent hides which pooled
// socket carried a request (so remote/local address and timings could only be guessed), and
// a request still waiting for a connection cannot be cancelled. Here every request checks a
// Client out exclusively; its connector dials on behalf of that request (so connect
// failures, timings and addresses belong to it), and idle Clients are reused within the
// engine's lifetime like k6 reuses a VU's connections. HTTP/2 is negotiated per connection
// by ALPN (undici speaks h2 on a socket whose `alpnProtocol` is `h2`); one request per
// connection at a time keeps its facts exact there too.
import { Client } from 'undici';
import type { Socket } from 'node:net';
import { MAX_HEADER_BYTES } from './defaults.js';
import { dial, type ConnInfo, type DialEnv, type HopTrace } from './dial.js';
import type { ProxyTarget } from './proxy.js';

/** ALPN offers: HTTP/2 first as k6 (Go) does, or HTTP/1.1 only when it is forced. */
export const ALPN_H2 = ['h2', 'http/1.1'] as const;
export const ALPN_H1 = ['http/1.1'] as const;

/** The request a pooled client currently serves: its dial happens on its behalf. */
export interface HopBinding {
  trace: HopTrace;
  signal: AbortSignal;
}

export interface PooledClient {
  readonly client: Client;
  readonly key: string;
  hop: HopBinding | null;
  /** Facts of the current connection; null until dialled and after a disconnect. */
  info: ConnInfo | null;
  socket: Socket | null;
}

export interface ConnectionPool {
  checkout(url: URL, proxy: ProxyTarget | null): PooledClient;
  /** Returns a client: kept for reuse when the exchange ended cleanly, else destroyed. */
  checkin(pc: PooledClient, reusable: boolean): void;
  close(): Promise<void>;
}

export function hostnameOf(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '');
}

export function portOf(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

export function createConnectionPool(env: DialEnv, o: { http1: boolean }): ConnectionPool {
  const idle = new Map<string, PooledClient[]>();
  const busy = new Set<PooledClient>();
  let closed = false;

  function newClient(url: URL, proxy: ProxyTarget | null, key: string): PooledClient {
    const target = {
      protocol: url.protocol as 'http:' | 'https:',
      hostname: hostnameOf(url),
      port: portOf(url),
      proxy,
      alpn: o.http1 ? ALPN_H1 : ALPN_H2,
    };
    const pc: PooledClient = {
      client: new Client(url.origin, {
        // The connector dials for whichever request holds this client right now.
        connect: (_o, cb) => {
          const hop = pc.hop;
          if (!hop) {
            cb(new Error('connection requested without an active request'), null);
            return;
          }
          dial(env, target, hop.trace, hop.signal).then(
            ({ socket, info }) => {
              pc.info = info;
              pc.socket = socket;
              cb(null, socket);
            },
            (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), null),
          );
        },
        allowH2: !o.http1,
        pipelining: 1,
        maxHeaderSize: MAX_HEADER_BYTES,
        // The hop's own deadline covers headers and body; undici's per-phase timers stay off.
        headersTimeout: 0,
        bodyTimeout: 0,
        keepAliveTimeout: 4_000,
      }),
      key,
      hop: null,
      info: null,
      socket: null,
    };
    pc.client.on('disconnect', () => {
      pc.info = null;
      pc.socket = null;
    });
    return pc;
  }

  return {
    checkout(url, proxy) {
      const key = `${url.protocol}//${url.host}|${proxy?.display ?? ''}`;
      const list = idle.get(key);
      while (list && list.length > 0) {
        const pc = list.pop()!;
        if (!pc.client.destroyed && !pc.client.closed) {
          busy.add(pc);
          return pc;
        }
      }
      const pc = newClient(url, proxy, key);
      busy.add(pc);
      return pc;
    },
    checkin(pc, reusable) {
      busy.delete(pc);
      pc.hop = null;
      if (!reusable || closed || pc.client.destroyed || pc.client.closed) {
        pc.client.destroy().catch(() => {});
        return;
      }
      const list = idle.get(pc.key) ?? [];
      list.push(pc);
      idle.set(pc.key, list);
    },
    async close() {
      closed = true;
      const all = [...busy, ...[...idle.values()].flat()];
      idle.clear();
      busy.clear();
      await Promise.all(all.map((pc) => pc.client.destroy().catch(() => {})));
    },
  };
}
