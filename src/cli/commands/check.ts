// `k6-preflight check <url…>`: #644's built-in connectivity check, no script needed — a
// status, and optionally a body, JSON values and headers, for each URL given.
import type { Argv } from 'yargs';
import { checkUrl } from '../../index.js';
import { DEFAULT_TEXT } from '../../plan/defaults.js';
import { consume, guard, makeReporter, networkOptions, thenRun, type ArgsOf } from '../common.js';
import { attemptFlags, expectFlag, headerPairs, networkFlags, outputFlags, planInputFrom, scheduleFlags } from '../flags.js';

const CHECK_GROUP = 'Check:';

const builder = (c: Argv) =>
  scheduleFlags(outputFlags(networkFlags(attemptFlags(c))))
    .positional('url', { type: 'string', array: true, demandOption: true, describe: 'http(s)://, tcp://host:port, tls://host:port, grpc(s)://host:port[/service] or ws(s):// URL (several: all must pass)' })
    .option('method', { group: CHECK_GROUP, type: 'string', describe: `HTTP method [default: ${DEFAULT_TEXT.method}]` })
    .option('min-cert-validity', { group: CHECK_GROUP, type: 'string', describe: 'tls://: fail when the certificate expires sooner, e.g. 7d or 36h' })
    .option('expect', { group: CHECK_GROUP, type: 'string', coerce: expectFlag, describe: `Expected status codes and ranges, e.g. 200,204 or 200-299 [default: ${DEFAULT_TEXT.expect}]` })
    .option('header', { group: CHECK_GROUP, alias: 'H', type: 'string', array: true, default: [] as string[], coerce: headerPairs('header'), describe: "Request header 'Name: value' (repeatable)" })
    .option('body', { group: CHECK_GROUP, type: 'string', describe: 'Request body' })
    .option('expect-body', { group: CHECK_GROUP, type: 'string', describe: 'Regular expression the response body must match' })
    .option('expect-json', { group: CHECK_GROUP, type: 'string', array: true, default: [] as string[], describe: 'PATH=VALUE: the JSON body at this GJSON path (as k6 res.json(path)) must equal VALUE; PATH alone: must exist (repeatable)' })
    .option('expect-header', { group: CHECK_GROUP, type: 'string', array: true, default: [] as string[], describe: "'Name: REGEX': the response header must match (repeatable)" })
    .example('$0 check https://api.example.com/health --expect 200,204 --max-duration 10m', 'wait for an allowlist to open')
    .example("$0 check https://api.example.com/health --expect-json status=ok -- k6 run test.js", 'then start the test')
    .example('$0 check tcp://db.internal:5432', 'wait until a port accepts connections')
    .example('$0 check tls://api.example.com:443 --min-cert-validity 7d', 'handshake, and the certificate must last a week');

export function registerCheck(y: Argv) {
  return y.command(
    'check <url..>',
    'Poll URLs until each answers as expected: status, body, JSON, headers (no script)',
    builder,
    async (argv) => {
      process.exitCode = await guard(() => checkCommand(argv));
    },
  );
}

export async function checkCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const opts = await networkOptions(a);
  const code = await consume(
    ({ signal, onEvent }) =>
      checkUrl(a.url, {
        ...opts, signal, onEvent,
        ...(a.method !== undefined ? { method: a.method } : {}),
        ...(Object.keys(a.header).length ? { headers: a.header } : {}),
        ...(a.minCertValidity !== undefined ? { minCertValidity: a.minCertValidity } : {}),
        ...(a.expect !== undefined ? { expect: a.expect } : {}),
        ...(a.body !== undefined ? { body: a.body } : {}),
        ...(a.expectBody !== undefined ? { expectBody: a.expectBody } : {}),
        expectJson: a.expectJson,
        expectHeader: a.expectHeader,
        schedule: planInputFrom(a),
      }),
    { reporter: makeReporter(a, true), statusFile: a.statusFile, terminationLog: a.terminationLog },
  );
  return thenRun(code);
}
