// `k6-preflight summarize [files…]`: one verdict for all runners of a TestRun, from
// `kubectl get pods -l k6_cr=NAME -o json` (file or stdin) or from status files.
// Exit 0 only when every runner passed.
import type { Argv } from 'yargs';
import { readInputFile, readStdin, runnersFrom, type Input } from '../../summarize/input.js';
import { summarize, summaryText } from '../../summarize/summary.js';
import { EXIT_FAILED, EXIT_OK } from '../../errors.js';
import { guard, type ArgsOf } from '../common.js';

const builder = (c: Argv) =>
  c
    .positional('files', { type: 'string', array: true, describe: 'Pod list (kubectl get pods -o json/yaml), or status files / termination messages, one per runner; - or none for stdin' })
    .option('container', { type: 'string', describe: 'Name of the gate init container [default: the one whose image or command names k6-preflight]' })
    .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people; json for one line { type: "result", status } with the summary document' })
    .example('kubectl get pods -l k6_cr=api-load-test -o json | $0 summarize', 'every runner of a TestRun')
    .example('$0 summarize status-1.json status-2.json', 'status files the runners wrote');

export function registerSummarize(y: Argv) {
  return y.command(
    'summarize [files..]',
    "One verdict for all runners: reads kubectl get pods -l k6_cr=NAME -o json (file or stdin), or status files",
    builder,
    async (argv) => {
      process.exitCode = await guard(() => summarizeCommand(argv));
    },
  );
}

export async function summarizeCommand(a: ArgsOf<typeof builder>): Promise<number> {
  const files = a.files?.length ? a.files : ['-'];
  const inputs: Input[] = [];
  for (const f of files) inputs.push(f === '-' ? await readStdin() : readInputFile(f));
  const { runners, ignored } = runnersFrom(inputs, a.container !== undefined ? { container: a.container } : {});
  const doc = summarize(runners, ignored);
  // JSON: one line, as the last line of the other commands: { type: 'result', status }.
  process.stdout.write(a.output === 'json' ? JSON.stringify({ type: 'result', status: doc }) + '\n' : summaryText(doc));
  return doc.phase === 'Succeeded' ? EXIT_OK : EXIT_FAILED;
}
