// `k6-preflight check <url>`: #644's built-in connectivity check, no script needed.
import type { Argv } from 'yargs';
import { parseValidity } from '../../attempt/conn-check.js';
import { checkableUrl, checkerFor, urlCheckRunner } from '../../attempt/url-check.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_EXPECT, parseExpect } from '../../plan/expect.js';
import { guard, makeReporter, prepareCommon, type OutputFlagValues } from '../common.js';
import { networkFlags, outputFlags, scriptFlags, type NetworkFlagValues, type ScriptFlagValues } from '../flags.js';
import { planFromFlags, scheduleFlags, validate, type ScheduleFlagValues } from '../validate.js';

type CheckArgs = ScriptFlagValues & NetworkFlagValues & OutputFlagValues & ScheduleFlagValues & {
  url: string;
  method: string;
  expect?: string;
  header: string[];
  body?: string;
  minCertValidity?: string;
};

export function registerCheck(y: Argv) {
  return y.command(
    'check <url>',
    'Poll a URL until it answers with an expected status (no script)',
    (c) =>
      scheduleFlags(outputFlags(networkFlags(scriptFlags(c))))
        .positional('url', { type: 'string', demandOption: true, describe: 'http(s)://, tcp://host:port, tls://host:port, grpc(s)://host:port[/service] or ws(s):// URL' })
        .option('method', { group: 'Check:', type: 'string', default: 'GET', describe: 'HTTP method' })
        .option('min-cert-validity', { group: 'Check:', type: 'string', describe: 'tls://: fail when the certificate expires sooner, e.g. 7d or 36h' })
        .option('expect', { group: 'Check:', type: 'string', describe: 'Expected status codes and ranges, e.g. 200,204 or 200-299 [default: 200-399]' })
        .option('header', { group: 'Check:', alias: 'H', type: 'string', array: true, default: [] as string[], describe: "Request header 'Name: value' (repeatable)" })
        .option('body', { group: 'Check:', type: 'string', describe: 'Request body' })
        .example('$0 check https://api.example.com/health --expect 200,204 --max-duration 10m', 'wait for an allowlist to open')
        .example('$0 check tcp://db.internal:5432', 'wait until a port accepts connections')
        .example('$0 check tls://api.example.com:443 --min-cert-validity 7d', 'handshake, and the certificate must last a week'),
    async (argv) => {
      process.exitCode = await guard(() => checkCommand(argv as unknown as CheckArgs));
    },
  );
}

export function parseHeaders(list: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header ${JSON.stringify(h)}: write it as 'Name: value'`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return headers;
}

export async function checkCommand(a: CheckArgs): Promise<number> {
  const plan = planFromFlags(a);
  const url = checkableUrl(a.url);
  const checker = checkerFor(url);
  const scheme = new URL(url).protocol;
  if (!checker.http) {
    const httpOnly = [a.expect !== undefined && '--expect', a.header.length > 0 && '--header', a.body !== undefined && '--body', a.method !== 'GET' && '--method'].filter(Boolean);
    if (httpOnly.length) throw new UsageError(`${httpOnly.join(', ')}: only for http:// and https:// checks, not ${scheme}//`);
  }
  if (a.minCertValidity !== undefined && !checker.certificate) throw new UsageError(`--min-cert-validity: only for tls:// checks, not ${scheme}//`);
  const minCertValidityMs = a.minCertValidity !== undefined ? parseValidity('min-cert-validity', a.minCertValidity) : undefined;
  let expect;
  try {
    expect = a.expect !== undefined ? parseExpect(a.expect) : [...DEFAULT_EXPECT];
  } catch (e) {
    throw new UsageError(`--expect: ${(e as Error).message}`);
  }
  const { redactor, engine, runner: runnerInfo } = await prepareCommon(a);
  const runner = urlCheckRunner(
    { url, method: a.method, expect, headers: parseHeaders(a.header), ...(a.body !== undefined ? { body: a.body } : {}), ...(minCertValidityMs !== undefined ? { minCertValidityMs } : {}) },
    engine,
    redactor,
  );
  const target = checker.http ? `${a.method} ${redactor.url(url)}` : redactor.url(url);
  return validate({ plan, runner, target, reporter: makeReporter(a, true, redactor), redactor, flags: a, runnerInfo });
}
