// The demo's target: a loopback HTTP server that behaves like an API behind an IP
// allowlist that is still being opened. For `refuseForMs` from its first request it answers
// everyone 403 with an allowlist-looking body; after that, 200 {"status":"ok"}.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DemoTarget {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** When it starts answering 200 (epoch ms); undefined until the first request. */
  readonly opensAt: number | undefined;
  /** Requests answered so far, by status. */
  served: { forbidden: number; ok: number };
  close(): Promise<void>;
}

export async function startDemoTarget(opts: { refuseForMs?: number; now?: () => number } = {}): Promise<DemoTarget> {
  const now = opts.now ?? Date.now;
  const refuseForMs = opts.refuseForMs ?? 3000;
  let opensAt: number | undefined;
  const served = { forbidden: 0, ok: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.resume();
    opensAt ??= now() + refuseForMs;
    const open = now() >= opensAt;
    const body = open
      ? JSON.stringify({ status: 'ok' })
      : JSON.stringify({
          error: 'Forbidden',
          message: `Source address ${req.socket.remoteAddress} is not on this API's IP allowlist. Ask the API owner to allow your egress address.`,
        });
    if (open) served.ok++;
    else served.forbidden++;
    res.writeHead(open ? 200 : 403, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' });
    res.end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get opensAt() {
      return opensAt;
    },
    served,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
