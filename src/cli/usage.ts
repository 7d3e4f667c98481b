// Usage errors that say what to do: an unknown flag gets the nearest known one ("did you
// mean"), or the commands it belongs to; a bad choice fits on one line.
import yargs, { type Argv } from 'yargs';
import { attemptFlags, networkFlags, outputFlags, scheduleFlags, scriptFlags } from './flags.js';

/** Flag groups shared by several commands, and who takes them (for "--file is for …"). */
const GROUPS: { flags: (y: Argv) => Argv<any>; commands: string[] }[] = [
  { flags: scriptFlags, commands: ['run', 'poll', 'testrun'] },
  { flags: scheduleFlags, commands: ['poll', 'check', 'testrun'] },
  { flags: attemptFlags, commands: ['run', 'poll', 'check', 'testrun'] },
  { flags: networkFlags, commands: ['run', 'poll', 'check', 'testrun'] },
  { flags: outputFlags, commands: ['run', 'poll', 'check', 'testrun', 'demo'] },
];

/** What yargs has at run time but its type declarations leave out. */
interface Introspectable {
  getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> };
  getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } };
}
const introspect = (y: Argv<any>) => y as unknown as Introspectable;

/** Every flag name and alias declared so far (the running command's, inside a failure). */
export function namesOf(y: Argv<any>): string[] {
  const o = introspect(y).getOptions();
  return [...Object.keys(o.key), ...Object.values(o.alias).flat()];
}

/** The registered command names. */
export function commandsOf(y: Argv<any>): string[] {
  return introspect(y).getInternalMethods().getCommandInstance().getCommands();
}

const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}` : xs[0] ?? '');

/** Edit distance, for suggestions. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

const dash = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);

/** The nearest of `known` to `name`, when near enough to be a typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  if (name.length < 3) return undefined; // -e, -H: too short to guess from
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k.length === 1 || /[A-Z]/.test(k)) continue; // short aliases and camelCase twins
    const dd = k.startsWith(name) || name.startsWith(k) ? Math.abs(k.length - name.length) / 2 : distance(name, k);
    if (dd < bestD) (best = k), (bestD = dd);
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * yargs' "Unknown argument(s): a, b" turned into one line per flag with a way forward:
 * the flag that command has under a near spelling, or the commands that take it.
 * `known` are the flags of the command being run; undefined when `msg` is not about flags.
 */
export function unknownFlagsMessage(msg: string, command: string | undefined, known: readonly string[]): string | undefined {
  const m = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (!m) return undefined;
  const names = m[1]!.split(', ').filter((n, _i, all) => !(/[A-Z]/.test(n) && all.includes(n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  if (!command) return `unknown command ${JSON.stringify(names[0])}`;
  const lines = names.map((n) => {
    if (/[/:.]/.test(n)) return `unexpected argument ${JSON.stringify(n)}`;
    const near = nearest(n, known);
    if (near) return `unknown flag ${dash(n)} for ${command}; did you mean ${dash(near)}?`;
    const owners = GROUPS.filter((g) => namesOf(g.flags(yargs([]))).includes(n)).flatMap((g) => g.commands);
    if (owners.length) return `${dash(n)} is a flag of ${list([...new Set(owners)])}, not of ${command}`;
    return `unknown flag ${dash(n)} for ${command}`;
  });
  return lines.join('\nk6-preflight: ');
}

/** yargs' multi-line "Invalid values" as one line per flag: `--backoff "z": not one of a, b`. */
export function usageMessage(msg: string): string {
  if (!/^Invalid values?:/.test(msg)) return msg;
  const items = [...msg.matchAll(/Argument: (\S+), Given: (.*?), Choices: (.*)$/gm)];
  if (!items.length) return msg.replace(/\s*\n\s*/g, ' ');
  return items.map(([, arg, given, choices]) => `--${arg} ${given}: not one of ${choices!.replace(/"/g, '')}`).join('\nk6-preflight: ');
}
