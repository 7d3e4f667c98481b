// The CLI: commands are registered explicitly, one file each.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerPoll } from './commands/poll.js';
import { registerRun } from './commands/run.js';
import { registerTestRun } from './commands/testrun.js';
import { registerSummarize } from './commands/summarize.js';
import { VERSION } from '../version.js';

export async function main(argv = hideBin(process.argv)): Promise<void> {
  let cli = yargs(argv)
    .scriptName('k6-preflight')
    .usage('$0 <command> [options]\n\nGate a k6 load test on its target being reachable.')
    .strict()
    .demandCommand(1, 'Choose a command: run, poll, check or testrun.')
    .recommendCommands()
    .version(VERSION)
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`k6-preflight: ${msg}\nRun k6-preflight --help for usage.\n`);
      process.exit(2);
    });
  cli = registerRun(cli);
  cli = registerPoll(cli);
  cli = registerCheck(cli);
  cli = registerTestRun(cli);
  cli = registerSummarize(cli);
  cli = registerDemo(cli);
  await cli.parseAsync();
}
