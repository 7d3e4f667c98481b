// Reads what `summarize` is given: `kubectl get pods -l k6_cr=NAME -o json` output (a
// file or stdin; YAML too), or several status files / termination messages, one per runner.
import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { InputTooLarge, readCapped } from '../script/limits.js';
import { podsOf, readPods, runnerFromVerdictFile, type GateMatch, type IgnoredPod, type RunnerVerdict } from './runners.js';

/** A pod list of a few thousand runners is a few MB; anything larger is not what we expect. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface Input {
  /** `-` for stdin. */
  name: string;
  text: string;
}

const INPUT_KIND = 'what summarize reads';

/** A file or a pipe (`<(kubectl …)`): capped either way, by its size or as it streams. */
export function readInputFile(path: string): Input {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  try {
    return { name: path, text: readCapped(path, MAX_INPUT_BYTES, path, INPUT_KIND).toString('utf8') };
  } catch (e) {
    if (e instanceof InputTooLarge) {
      throw new UsageError(`${path}: ${e.bytes === undefined ? 'more' : `${e.bytes} bytes is more`} than the ${MAX_INPUT_BYTES >> 20} MiB summarize reads`);
    }
    throw e;
  }
}

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Input> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    n += b.length;
    if (n > MAX_INPUT_BYTES) throw new UsageError(`stdin: more than the ${MAX_INPUT_BYTES >> 20} MiB summarize reads`);
    chunks.push(b);
  }
  return { name: '-', text: Buffer.concat(chunks).toString('utf8') };
}

function parse(input: Input): unknown {
  const t = input.text.trim();
  if (t === '') throw new UsageError(`${input.name === '-' ? 'stdin' : input.name}: empty; pipe in kubectl get pods -l k6_cr=NAME -o json`);
  try {
    return t.startsWith('{') || t.startsWith('[') ? JSON.parse(t) : parseYaml(t, { maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(`${input.name === '-' ? 'stdin' : input.name}: not JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Every runner verdict in the inputs: pod lists give one per gated pod, other files one each. */
export function runnersFrom(inputs: readonly Input[], match: GateMatch): { runners: RunnerVerdict[]; ignored: IgnoredPod[] } {
  const runners: RunnerVerdict[] = [];
  const ignored: IgnoredPod[] = [];
  for (const input of inputs) {
    const doc = parse(input);
    const pods = podsOf(doc);
    if (pods) {
      const r = readPods(pods, match);
      runners.push(...r.runners);
      ignored.push(...r.ignored);
    } else if (doc && typeof doc === 'object' && 'kind' in doc) {
      throw new UsageError(`${input.name}: kind ${JSON.stringify((doc as { kind: unknown }).kind)} is neither a Pod list nor a verdict`);
    } else {
      runners.push(runnerFromVerdictFile(input.name, doc));
    }
  }
  return { runners, ignored };
}
