// The CLI: commands are registered explicitly, one file each. Each command declares only
// the flags it uses (strict: anything else is an error with a suggestion).
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerPoll } from './commands/poll.js';
import { registerRun } from './commands/run.js';
import { registerTestRun } from './commands/testrun.js';
import { registerSummarize } from './commands/summarize.js';
import { EXIT_USAGE, isUsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { errorText } from './common.js';
import { gate, splitGated } from './gate.js';
import { commandsOf, namesOf, unknownFlagsMessage, usageMessage } from './usage.js';

export async function main(raw = hideBin(process.argv)): Promise<void> {
  const { own, command } = splitGated(raw);
  gate.command = command;
  const argv = normalise(own);
  let commands: string[] = [];
  let suggestion = '';
  const fail = (msg: string) => {
    process.stderr.write(`k6-preflight: ${errorText(msg)}\nRun k6-preflight ${argv[0] && commands.includes(argv[0]) ? `${argv[0]} ` : ''}--help for usage.\n`);
    process.exit(EXIT_USAGE);
  };
  if (command.length && !/^(run|poll|check|testrun)$/.test(argv[0] ?? '')) {
    return fail(`a command after "--" runs once validation succeeds: give it to run, poll, check or testrun`);
  }
  if (raw.includes('--') && !command.length) return fail('nothing after "--": give the command to run once validation succeeds (e.g. -- k6 run test.js)');

  let cli: Argv = yargs(argv)
    .scriptName('k6-preflight')
    .usage('$0 <command> [options] [-- command to run once validation succeeds]\n\nGate a k6 load test on its target being reachable.')
    .strict()
    .recommendCommands()
    .version(VERSION)
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // A flag's coercion throws our UsageError; yargs hands it over wrapped as its own YError.
      if (err && !isUsageError(err) && err.name !== 'YError') throw err;
      // yargs reports a near command first, then the unknown argument: say both at once.
      if (!err && /^Did you mean /.test(msg)) return void (suggestion = msg);
      const onCommand = argv[0] && commands.includes(argv[0]) ? argv[0] : undefined;
      const text = err ? err.message : (unknownFlagsMessage(msg, onCommand, onCommand ? namesOf(cli) : []) ?? usageMessage(msg));
      fail(suggestion ? `${text}. ${suggestion}` : text);
    });
  cli = registerRun(cli);
  cli = registerPoll(cli);
  cli = registerCheck(cli);
  cli = registerTestRun(cli);
  cli = registerDemo(cli);
  cli = registerSummarize(cli);
  cli = cli.completion('completion', 'Print a bash or zsh completion script (k6-preflight completion zsh >> ~/.zshrc)');
  commands = commandsOf(cli);
  cli = cli.demandCommand(1, `Choose a command: ${commands.join(', ')}.`);
  await cli.parseAsync();
}

/**
 * Spellings yargs cannot read by itself: `--http-debug` alone means headers (k6's
 * `--http-debug[=full]`), and `completion bash|zsh` picks the shell (yargs reads $SHELL).
 */
function normalise(argv: string[]): string[] {
  const out = argv.map((a) => (a === '--http-debug' ? '--http-debug=headers' : a));
  if (out[0] === 'completion' && (out[1] === 'bash' || out[1] === 'zsh')) {
    process.env.SHELL = `/bin/${out[1]}`;
    out.splice(1, 1);
  }
  return out;
}
