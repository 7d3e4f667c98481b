// Gate then run: `k6-preflight check URL -- k6 run test.js`. Once validation succeeds the
// command after `--` runs with this process's stdio and environment; its exit code becomes
// ours, and the signals that would stop us are passed on to it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { EXIT_COMMAND_NOT_FOUND } from '../errors.js';

/** The command given after `--`, if any (set once by main). */
export const gate: { command: string[] } = { command: [] };

/** Splits raw arguments at the first `--`: what k6-preflight reads, and the command to gate. */
export function splitGated(argv: readonly string[]): { own: string[]; command: string[] } {
  const i = argv.indexOf('--');
  return i < 0 ? { own: [...argv], command: [] } : { own: argv.slice(0, i), command: argv.slice(i + 1) };
}

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/** Runs the command to its end and resolves to its exit code (128 + n when a signal ended it). */
export function runGated(command: readonly string[]): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file!, args, { stdio: 'inherit' });
    const handlers = FORWARDED.map((sig) => {
      // Ctrl+C on a terminal reaches the whole foreground group, the command included: passing
      // it on too would be a second SIGINT, which k6 takes as "stop now".
      const h = () => {
        if (sig === 'SIGINT' && process.stdin.isTTY) return;
        child.kill(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    const done = (code: number) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(code);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`k6-preflight: cannot run ${JSON.stringify(file)}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`);
      done(e.code === 'EACCES' ? 126 : EXIT_COMMAND_NOT_FOUND);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}
