// The flags, declared once per group so the commands that share a group spell it the same,
// and each command takes only the groups it uses. Values are turned into typed settings by
// yargs coercion (a bad value is a usage error naming the flag), so command handlers get
// typed arguments and pass them to the library without casts.
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { DEFAULT_USER_AGENT } from '../http/defaults.js';
import { parseLocalIPs } from '../http/local-ips.js';
import type { EngineOptions } from '../http/types.js';
import { DEFAULT_SCRIPT_KEY, DEFAULT_TEXT } from '../plan/defaults.js';
import { parseDuration } from '../plan/duration.js';
import { parseExpect } from '../plan/expect.js';
import { BACKOFFS, type PlanInput } from '../plan/plan.js';
import { ATTEMPT_REASONS, isAttemptReason } from '../reasons.js';
import { MIN_MEMORY_BYTES } from '../sandbox/limits.js';

export const SCRIPT_GROUP = 'Script:';
export const ATTEMPT_GROUP = 'Attempt:';
export const NETWORK_GROUP = 'Network:';
export const SCHEDULE_GROUP = 'Schedule:';
export const OUTPUT_GROUP = 'Output:';

// --- coercions ---------------------------------------------------------------------------

const usage = (flag: string, v: unknown, problem: string) => new UsageError(`--${flag} ${JSON.stringify(v)}: ${problem}`);

/** A Go duration in milliseconds. */
export function durationFlag(flag: string, v: string, rules: { positive?: boolean; timer?: boolean } = { positive: true }): number {
  try {
    return parseDuration(v, rules);
  } catch (e) {
    throw usage(flag, v, (e as Error).message.replace(/^".*?" (is )?/, ''));
  }
}

/** Checks a Go duration but keeps its text (the plan and the status show it as written). */
const durationText = (flag: string, positive = true, timer = false) => (v: string) => (durationFlag(flag, v, { positive, timer }), v);

const numberFlag = (flag: string) => (v: string) => {
  const n = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(String(v)) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw usage(flag, v, 'not a number');
  return n;
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|ki|kb|kib|m|mi|mb|mib|g|gi|gb|gib)?$/i;

/** Byte sizes as people write them: 67108864, 64MiB, 64Mi, 64MB (binary units throughout). */
export function parseSize(flag: string, v: string): number {
  const m = SIZE.exec(String(v).trim());
  if (!m) throw usage(flag, v, 'not a size (write it like 64MiB)');
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** A proxy the engine can dial: http(s)://[user:pass@]host:port (a typo would fail every attempt). */
function proxyUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw usage('proxy', v, 'not a URL (write it like http://proxy.example.com:3128)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw usage('proxy', v, 'only http:// and https:// proxies are supported');
  return v;
}

function memoryLimit(v: string): number {
  const n = parseSize('memory-limit', v);
  if (n < MIN_MEMORY_BYTES) throw usage('memory-limit', v, "at least 16MiB (the engine's own starting size)");
  return n;
}

/** `Name=value` pairs (repeatable) as a map; `sep` is `=` or `:`. */
const pairs = (flag: string, sep: '=' | ':', how: string) => (list: string[]) => {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf(sep);
    if (i <= 0 || (sep === '=' && i === item.length - 1)) throw usage(flag, item, `write it as ${how}`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
};

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envPairs(list: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list) {
    const i = pair.indexOf('=');
    const key = i < 0 ? pair : pair.slice(0, i);
    if (!ENV_KEY.test(key)) throw new UsageError(`--env ${JSON.stringify(pair)}: the name must match ${ENV_KEY.source}`);
    if (i < 0) throw new UsageError(`--env ${key}: write it as ${key}=VALUE`);
    env[key] = pair.slice(i + 1);
  }
  return env;
}

function failFastOn(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of list) if (!isAttemptReason(r)) throw usage('fail-fast-on', r, `not a failure reason (one of ${ATTEMPT_REASONS.join(', ')})`);
  return list;
}

function localIps(v: string): string[] {
  try {
    return parseLocalIPs(v);
  } catch (e) {
    throw usage('local-ips', v, (e as Error).message);
  }
}

// --- groups --------------------------------------------------------------------------------

/** What only a script uses: `run`, `poll`, `testrun` (a TestRun may name a script). */
export function scriptFlags<T>(y: Argv<T>) {
  return y
    .option('file', { group: SCRIPT_GROUP, type: 'string', describe: `Key or file name of the script inside a ConfigMap or folder (default ${DEFAULT_SCRIPT_KEY}, else the only script)` })
    .option('env', { group: SCRIPT_GROUP, alias: 'e', type: 'string', array: true, default: [] as string[], coerce: envPairs, describe: 'KEY=VALUE for __ENV (repeatable)' })
    .option('include-system-env', { group: SCRIPT_GROUP, alias: 'include-system-env-vars', type: 'boolean', default: false, describe: "Also expose this process's environment in __ENV (off: a ConfigMap script must not read a pod's secrets)" })
    .option('secret-env', { group: SCRIPT_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Name of an --env variable whose value is masked in all output (repeatable)' })
    .option('secret-source', { group: SCRIPT_GROUP, type: 'string', array: true, default: [] as string[], describe: "k6/secrets source, as k6 spells it: file=PATH (KEY=VALUE lines), env (this process's environment), mock=K=V; add name=N and default (repeatable). Values are masked in all output" })
    .option('memory-limit', { group: SCRIPT_GROUP, type: 'string', default: DEFAULT_TEXT.memoryLimit, coerce: memoryLimit, describe: 'Hard memory cap of the sandbox (e.g. 64MiB, 128Mi; at least 16MiB)' });
}

/** What every attempt has, script or built-in check. */
export function attemptFlags<T>(y: Argv<T>) {
  return y
    .option('timeout', { group: ATTEMPT_GROUP, type: 'string', coerce: durationText('timeout', true, true), describe: `Deadline of EACH attempt, not of the whole run (with a schedule, that is --max-duration); at most 596h [default: ${DEFAULT_TEXT.timeout}]` })
    .option('secret-param', { group: ATTEMPT_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Extra URL query parameter name to mask in output, beyond token, key, secret, password, signature… (repeatable)' });
}

export function outputFlags<T>(y: Argv<T>) {
  return y
    .option('output', { group: OUTPUT_GROUP, alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people; json for JSON lines, the verdict last' })
    .option('quiet', { group: OUTPUT_GROUP, alias: 'q', type: 'boolean', default: false, describe: 'Print only the verdict (with -o json: only the result line)' })
    .option('color', { group: OUTPUT_GROUP, type: 'boolean', describe: 'Force colour on or off (default: on a TTY unless NO_COLOR is set; FORCE_COLOR forces it)' });
}

export function networkFlags<T>(y: Argv<T>) {
  return y
    .option('connect-timeout', { group: NETWORK_GROUP, type: 'string', default: DEFAULT_TEXT.connectTimeout, coerce: (v: string) => durationFlag('connect-timeout', v), describe: 'Time to wait for a TCP connect before calling it ConnectTimeout (silently dropped)' })
    .option('local-ips', { group: NETWORK_GROUP, type: 'string', coerce: localIps, describe: 'Source address(es) to bind: an IP, a list, a range a-b or a CIDR (k6 localIPs)' })
    .option('egress-ip-url', { group: NETWORK_GROUP, type: 'string', describe: 'Echo endpoint that tells which address the outside sees (text, or JSON with "ip")' })
    .option('hosts', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], coerce: pairs('hosts', '=', 'name=ip or name=ip:port'), describe: 'name=ip[:port] DNS override (repeatable; k6 hosts)' })
    .option('insecure', { group: NETWORK_GROUP, alias: 'insecure-skip-tls-verify', type: 'boolean', describe: 'Skip TLS certificate verification (k6 insecureSkipTLSVerify)' })
    .option('http1', { group: NETWORK_GROUP, type: 'boolean', describe: 'Offer only HTTP/1.1 over TLS (default: HTTP/2 by ALPN when the server offers it; GODEBUG=http2client=0 also turns it off, as in k6)' })
    .option('ca', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'PEM file of an extra trusted CA (repeatable)' })
    .option('cert', { group: NETWORK_GROUP, type: 'string', describe: 'PEM client certificate (with --key)' })
    .option('key', { group: NETWORK_GROUP, type: 'string', describe: 'PEM client key (with --cert)' })
    .option('proxy', { group: NETWORK_GROUP, type: 'string', coerce: proxyUrl, describe: 'Proxy URL (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY)' })
    .option('allow-host', { group: NETWORK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'Only reach these: host, *.domain, IP or CIDR (repeatable); checked on every connect and redirect' })
    .option('max-body', { group: NETWORK_GROUP, type: 'string', default: DEFAULT_TEXT.maxBody, coerce: (v: string) => parseSize('max-body', v), describe: 'Largest response body read' })
    .option('user-agent', { group: NETWORK_GROUP, type: 'string', describe: `User-Agent header (k6 userAgent) [default: ${DEFAULT_USER_AGENT}, what k6 sends]` })
    .option('http-debug', { group: NETWORK_GROUP, choices: ['headers', 'full'] as const, describe: 'Print each request and response to stderr, secrets masked (k6 --http-debug; --http-debug=full adds bodies)' });
}

export function scheduleFlags<T>(y: Argv<T>) {
  return y
    .option('interval', { group: SCHEDULE_GROUP, type: 'string', coerce: durationText('interval'), describe: `Time between attempt starts [default: ${DEFAULT_TEXT.interval}]` })
    .option('backoff', { group: SCHEDULE_GROUP, choices: BACKOFFS, describe: `How the interval grows after failures [default: ${DEFAULT_TEXT.backoff}]` })
    .option('factor', { group: SCHEDULE_GROUP, type: 'string', coerce: numberFlag('factor'), describe: `Growth factor (≥ 1) for linear/exponential backoff [default: ${DEFAULT_TEXT.factor}]` })
    .option('max-interval', { group: SCHEDULE_GROUP, type: 'string', coerce: durationText('max-interval'), describe: `Upper bound of a grown interval [default: ${DEFAULT_TEXT.maxInterval}]` })
    .option('jitter', { group: SCHEDULE_GROUP, type: 'string', coerce: numberFlag('jitter'), describe: `± fraction of randomness on each wait; 0 turns it off [default: ${DEFAULT_TEXT.jitter}]` })
    .option('max-duration', { group: SCHEDULE_GROUP, type: 'string', coerce: durationText('max-duration'), describe: `Give up at this deadline, counted from the start: the overall limit [default: ${DEFAULT_TEXT.maxDuration}]` })
    .option('success-threshold', { group: SCHEDULE_GROUP, type: 'string', coerce: numberFlag('success-threshold'), describe: `Consecutive passing attempts needed [default: ${DEFAULT_TEXT.successThreshold}]` })
    .option('initial-delay', { group: SCHEDULE_GROUP, type: 'string', coerce: durationText('initial-delay', false), describe: `Wait before the first attempt [default: ${DEFAULT_TEXT.initialDelay}]` })
    .option('fail-fast-on', { group: SCHEDULE_GROUP, type: 'string', coerce: failFastOn, describe: 'Reasons that end validation at once as Failed, e.g. TLSHandshakeFailed,ScriptFailed' })
    .option('status-file', { group: OUTPUT_GROUP, type: 'string', describe: 'Keep the status document (JSON) at this path, replaced atomically at every change' })
    .option('termination-log', { group: OUTPUT_GROUP, type: 'string', describe: 'Write a compact verdict (≤ 4096 bytes JSON) here at the end [default: /dev/termination-log inside a Kubernetes pod]' });
}

// --- values → library options --------------------------------------------------------------

export interface ScriptFlagValues {
  file?: string | undefined;
  env: Record<string, string>;
  includeSystemEnv: boolean;
  secretEnv: string[];
  memoryLimit: number;
}

export interface NetworkFlagValues {
  connectTimeout: number;
  localIps?: string[] | undefined;
  egressIpUrl?: string | undefined;
  hosts: Record<string, string>;
  insecure?: boolean | undefined;
  http1?: boolean | undefined;
  ca: string[];
  cert?: string | undefined;
  key?: string | undefined;
  proxy?: string | undefined;
  allowHost: string[];
  maxBody: number;
  userAgent?: string | undefined;
  httpDebug?: 'headers' | 'full' | undefined;
}

export interface ScheduleFlagValues {
  interval?: string | undefined;
  backoff?: string | undefined;
  factor?: number | undefined;
  maxInterval?: string | undefined;
  jitter?: number | undefined;
  maxDuration?: string | undefined;
  successThreshold?: number | undefined;
  initialDelay?: string | undefined;
  failFastOn?: string[] | undefined;
  timeout?: string | undefined;
}

/** `__ENV` exactly as asked for, and the values to mask: --env pairs over (optionally) the system environment. */
export function envFrom(f: ScriptFlagValues, system: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; secrets: string[] } {
  const env: Record<string, string> = {};
  if (f.includeSystemEnv) for (const [k, v] of Object.entries(system)) if (v !== undefined) env[k] = v;
  Object.assign(env, f.env);
  const secrets: string[] = [];
  for (const name of f.secretEnv) {
    if (!(name in env)) throw new UsageError(`--secret-env ${name}: no --env ${name}=… was given`);
    if (env[name]) secrets.push(env[name]);
  }
  return { env, secrets };
}

/** The schedule values given explicitly on the command line. */
export function planInputFrom(f: ScheduleFlagValues): PlanInput {
  const input: PlanInput = {};
  if (f.interval !== undefined) input.interval = f.interval;
  if (f.backoff !== undefined) input.backoff = f.backoff;
  if (f.factor !== undefined) input.factor = f.factor;
  if (f.maxInterval !== undefined) input.maxInterval = f.maxInterval;
  if (f.jitter !== undefined) input.jitter = f.jitter;
  if (f.maxDuration !== undefined) input.maxDuration = f.maxDuration;
  if (f.successThreshold !== undefined) input.successThreshold = f.successThreshold;
  if (f.initialDelay !== undefined) input.initialDelay = f.initialDelay;
  if (f.failFastOn !== undefined) input.failFastOn = f.failFastOn;
  if (f.timeout !== undefined) input.timeout = f.timeout;
  return input;
}

/** Engine settings given explicitly on the command line (undefined = not given). */
export async function engineFrom(f: NetworkFlagValues): Promise<Partial<EngineOptions>> {
  const { readFile } = await import('node:fs/promises');
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      throw new UsageError(`--${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  };
  if (!!f.cert !== !!f.key) throw new UsageError('--cert and --key go together');
  const out: Partial<EngineOptions> = { connectTimeoutMs: f.connectTimeout, maxBodyBytes: f.maxBody };
  if (Object.keys(f.hosts).length) out.hosts = f.hosts;
  if (f.localIps) out.localIPs = f.localIps;
  if (f.insecure !== undefined) out.insecureSkipTLSVerify = f.insecure;
  if (f.http1 !== undefined) out.http1 = f.http1;
  if (f.ca.length) out.ca = await Promise.all(f.ca.map((p) => read('ca', p)));
  if (f.cert && f.key) out.tlsAuth = [{ cert: await read('cert', f.cert), key: await read('key', f.key) }];
  if (f.proxy) out.proxy = f.proxy;
  if (f.allowHost.length) out.allowHosts = f.allowHost;
  if (f.userAgent) out.userAgent = f.userAgent;
  return out;
}

/** Expected statuses (`200,204`, `200-299`, `2xx`), checked, kept as written. */
export function expectFlag(v: string): string {
  try {
    parseExpect(v);
  } catch (e) {
    throw usage('expect', v, (e as Error).message.replace(/^".*?": /, ''));
  }
  return v;
}

/** `Name: value` request headers (repeatable). */
export const headerPairs = (flag: string) => pairs(flag, ':', "'Name: value'");
