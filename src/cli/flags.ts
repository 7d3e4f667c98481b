// The flags the commands share, declared once per group so `run`, `poll`, `check` and
// `testrun` accept the same spelling, and turned into typed settings in one place.
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { parseLocalIPs } from '../http/local-ips.js';
import type { EngineOptions } from '../http/types.js';
import { parseDuration } from '../plan/duration.js';
import { MIN_MEMORY_BYTES } from '../sandbox/limits.js';

export const SCRIPT_GROUP = 'Script:';
export const NETWORK_GROUP = 'Network:';
export const SCHEDULE_GROUP = 'Schedule:';
export const OUTPUT_GROUP = 'Output:';

export function scriptFlags<T>(y: Argv<T>) {
  return y
    .option('file', { group: SCRIPT_GROUP, type: 'string', describe: 'Key or file name of the script inside a ConfigMap or folder (default validate.js, else the only script)' })
    .option('env', { group: SCRIPT_GROUP, alias: 'e', type: 'string', array: true, default: [] as string[], describe: 'KEY=VALUE for __ENV (repeatable)' })
    .option('include-system-env', { group: SCRIPT_GROUP, type: 'boolean', default: false, describe: "Also expose this process's environment in __ENV (off: a ConfigMap script must not read a pod's secrets)" })
    .option('secret-env', { group: SCRIPT_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Name of an --env variable whose value is masked in all output (repeatable)' })
    .option('secret-param', { group: SCRIPT_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Extra URL query parameter name to mask in output, beyond token, key, secret, password, signature… (repeatable)' })
    .option('secret-source', { group: SCRIPT_GROUP, type: 'string', array: true, default: [] as string[], describe: "k6/secrets source, as k6 spells it: file=PATH (KEY=VALUE lines), env (this process's environment), mock=K=V; add name=N and default (repeatable). Values are masked in all output" })
    .option('memory-limit', { group: SCRIPT_GROUP, type: 'string', default: '64MiB', describe: 'Hard memory cap of the sandbox (e.g. 64MiB, 128Mi; at least 16MiB)' })
    .option('timeout', { group: SCRIPT_GROUP, type: 'string', describe: 'Deadline of one attempt (Go duration, at most 596h) [default: 30s]' });
}

export function outputFlags<T>(y: Argv<T>) {
  return y
    .option('output', { group: OUTPUT_GROUP, alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people; json for JSON lines, the verdict last' })
    .option('color', { group: OUTPUT_GROUP, type: 'boolean', describe: 'Force colour on or off (default: on a TTY unless NO_COLOR is set)' });
}

export function networkFlags<T>(y: Argv<T>) {
  return y
    .option('connect-timeout', { group: NETWORK_GROUP, type: 'string', default: '10s', describe: 'Time to wait for a TCP connect before calling it ConnectTimeout (silently dropped)' })
    .option('local-ips', { group: NETWORK_GROUP, type: 'string', describe: 'Source address(es) to bind: an IP, a list, a range a-b or a CIDR (k6 localIPs)' })
    .option('egress-ip-url', { group: NETWORK_GROUP, type: 'string', describe: 'Echo endpoint that tells which address the outside sees (text, or JSON with "ip")' })
    .option('hosts', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'name=ip[:port] DNS override (repeatable; k6 hosts)' })
    .option('insecure', { group: NETWORK_GROUP, type: 'boolean', describe: 'Skip TLS certificate verification (k6 insecureSkipTLSVerify)' })
    .option('http1', { group: NETWORK_GROUP, type: 'boolean', describe: 'Offer only HTTP/1.1 over TLS (default: HTTP/2 by ALPN when the server offers it; GODEBUG=http2client=0 also turns it off, as in k6)' })
    .option('ca', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'PEM file of an extra trusted CA (repeatable)' })
    .option('cert', { group: NETWORK_GROUP, type: 'string', describe: 'PEM client certificate (with --key)' })
    .option('key', { group: NETWORK_GROUP, type: 'string', describe: 'PEM client key (with --cert)' })
    .option('proxy', { group: NETWORK_GROUP, type: 'string', describe: 'Proxy URL (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY)' })
    .option('allow-host', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Only reach these: host, *.domain, IP or CIDR (repeatable); checked on every connect and redirect' })
    .option('max-body', { group: NETWORK_GROUP, type: 'string', default: '16MiB', describe: 'Largest response body read' })
    .option('user-agent', { group: NETWORK_GROUP, type: 'string', describe: 'User-Agent header (k6 userAgent)' });
}

export interface ScriptFlagValues {
  file?: string;
  env: string[];
  includeSystemEnv: boolean;
  secretEnv: string[];
  secretParam: string[];
  secretSource?: string[];
  memoryLimit: string;
  timeout?: string;
}

export interface NetworkFlagValues {
  connectTimeout: string;
  localIps?: string;
  egressIpUrl?: string;
  hosts: string[];
  insecure?: boolean;
  http1?: boolean;
  ca: string[];
  cert?: string;
  key?: string;
  proxy?: string;
  allowHost: string[];
  maxBody: string;
  userAgent?: string;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `__ENV` exactly as asked for: --env pairs over (optionally) the system environment. */
export function envFrom(f: ScriptFlagValues, system: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; secrets: string[] } {
  const env: Record<string, string> = {};
  if (f.includeSystemEnv) for (const [k, v] of Object.entries(system)) if (v !== undefined) env[k] = v;
  for (const pair of f.env) {
    const i = pair.indexOf('=');
    const key = i < 0 ? pair : pair.slice(0, i);
    if (!ENV_KEY.test(key)) throw new UsageError(`--env ${JSON.stringify(pair)}: the name must match ${ENV_KEY.source}`);
    if (i < 0) throw new UsageError(`--env ${key}: write it as ${key}=VALUE`);
    env[key] = pair.slice(i + 1);
  }
  const secrets: string[] = [];
  for (const name of f.secretEnv) {
    if (!(name in env)) throw new UsageError(`--secret-env ${name}: no --env ${name}=… was given`);
    if (env[name]) secrets.push(env[name]!);
  }
  return { env, secrets };
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|ki|kb|kib|m|mi|mb|mib|g|gi|gb|gib)?$/i;

/** Byte sizes as people write them: 67108864, 64MiB, 64Mi, 64MB (binary units throughout). */
export function parseSize(flag: string, v: string): number {
  const m = SIZE.exec(v.trim());
  if (!m) throw new UsageError(`--${flag} ${JSON.stringify(v)}: not a size (write it like 64MiB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function memoryLimitFrom(f: ScriptFlagValues): number {
  const n = parseSize('memory-limit', f.memoryLimit);
  if (n < MIN_MEMORY_BYTES) throw new UsageError(`--memory-limit ${f.memoryLimit}: at least 16MiB (the engine's own starting size)`);
  return n;
}

export function durationFlag(flag: string, v: string): number {
  try {
    return parseDuration(v, { positive: true, timer: true });
  } catch (e) {
    throw new UsageError(`--${flag} ${JSON.stringify(v)}: ${(e as Error).message}`);
  }
}

/** Engine settings given explicitly on the command line (undefined = not given). */
export async function engineFlags(f: NetworkFlagValues, secrets: string[], secretParams: string[] = []): Promise<Partial<EngineOptions>> {
  const { readFile } = await import('node:fs/promises');
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  };
  const hosts: Record<string, string> = {};
  for (const h of f.hosts) {
    const i = h.indexOf('=');
    if (i <= 0 || i === h.length - 1) throw new UsageError(`--hosts ${JSON.stringify(h)}: write it as name=ip or name=ip:port`);
    hosts[h.slice(0, i)] = h.slice(i + 1);
  }
  if (!!f.cert !== !!f.key) throw new UsageError('--cert and --key go together');
  const out: Partial<EngineOptions> = {
    connectTimeoutMs: durationFlag('connect-timeout', f.connectTimeout),
    maxBodyBytes: parseSize('max-body', f.maxBody),
    secretValues: secrets,
    ...(secretParams.length ? { secretParams } : {}),
  };
  if (Object.keys(hosts).length) out.hosts = hosts;
  if (f.localIps) {
    try {
      out.localIPs = parseLocalIPs(f.localIps);
    } catch (e) {
      throw new UsageError(`--local-ips ${JSON.stringify(f.localIps)}: ${(e as Error).message}`);
    }
  }
  if (f.insecure !== undefined) out.insecureSkipTLSVerify = f.insecure;
  if (f.http1 !== undefined) out.http1 = f.http1;
  if (f.ca.length) out.ca = await Promise.all(f.ca.map((p) => read('ca', p)));
  if (f.cert && f.key) out.tlsAuth = [{ cert: await read('cert', f.cert), key: await read('key', f.key) }];
  if (f.proxy) out.proxy = f.proxy;
  if (f.allowHost.length) out.allowHosts = f.allowHost;
  if (f.userAgent) out.userAgent = f.userAgent;
  return out;
}
