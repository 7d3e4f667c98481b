// Runs the built CLI (bin/k6-preflight → dist bundle) as a user would, and small
// loopback servers for it to talk to.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'k6-preflight');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; onSpawn?: (kill: (s: NodeJS.Signals) => void, stdout: () => string) => void } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    opts.onSpawn?.((s) => child.kill(s), () => stdout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** JSON lines of a `--output json` run. */
export const jsonLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, any>);

/** A folder with the given files (name → content), for script sources. */
export function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export interface Loopback {
  url: string;
  hits: () => number;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that answers with `handler(hitNumber, req, res)`. */
export async function loopback(handler: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback> {
  let n = 0;
  const server = createServer((req, res) => handler(++n, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
