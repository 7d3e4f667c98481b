// Secret sources for `k6/secrets`, configured as k6 spells them on its command line:
//   --secret-source file=PATH            lines KEY=VALUE (k6's file source; also file=filename=PATH)
//   --secret-source env                  the process environment (KEY → $KEY; `prefix=P` reads $P<KEY>)
//   --secret-source mock=KEY=VALUE,…     literal values (k6's mock source, for tests and demos)
// Each may add `name=NAME` (then scripts use secrets.source(NAME)) and `default`; a single
// source is the default one. Values are masked in all output: a file's or mock's on load,
// an environment variable's when a script first reads it.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const DEFAULT_SECRET_SOURCE = 'default';

export interface SecretSource {
  description: string;
  /** The value, or undefined when the source has no such key. */
  get(key: string): string | undefined;
  /** Values known up front (masked before any script runs). */
  known: string[];
}

export interface SecretStore {
  /** Throws an Error with k6's message when the source or key is unknown. */
  get(source: string, key: string): string;
  /** Every value the sources hold up front, for the redactor. */
  knownValues(): string[];
}

type Maker = (config: string, flag: string, env: NodeJS.ProcessEnv) => SecretSource;

const MAKERS: Record<string, Maker> = {
  file(config, flag) {
    let filename = '';
    for (const kv of config.split(',')) {
      const [k, v] = cut(kv);
      if (v === undefined) filename = kv;
      else if (k === 'filename') filename = v;
      else throw new UsageError(`${flag}: unknown configuration key for file secret source "${k}"`);
    }
    if (!filename) throw new UsageError(`${flag}: name the file (--secret-source file=PATH)`);
    let text: string;
    try {
      text = readFileSync(filename, 'utf8');
    } catch (e) {
      throw new UsageError(`${flag}: cannot read ${filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const values = new Map<string, string>();
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line === '' && i === text.split('\n').length - 1) return; // the final newline
      const [k, v] = cut(line);
      if (v === undefined) throw new UsageError(`${filename}:${i + 1}: expected KEY=VALUE (the line has no "=")`);
      values.set(k, v);
    });
    return { description: `file source from ${filename}`, get: (k) => values.get(k), known: [...values.values()] };
  },
  env(config, flag, env) {
    let prefix = '';
    for (const kv of config.split(',').filter(Boolean)) {
      const [k, v] = cut(kv);
      if (k === 'prefix' && v !== undefined) prefix = v;
      else throw new UsageError(`${flag}: unknown configuration for the env secret source "${kv}" (only prefix=P)`);
    }
    return { description: `environment${prefix ? ` (${prefix}*)` : ''}`, get: (k) => env[prefix + k], known: [] };
  },
  mock(config) {
    const values = new Map<string, string>();
    for (const kv of config.split(',').filter(Boolean)) {
      const [k, v] = cut(kv);
      values.set(k, (v ?? '').replace(/^"(.*)"$/, '$1'));
    }
    return { description: 'mock source', get: (k) => values.get(k), known: [...values.values()] };
  },
};

function cut(s: string): [string, string | undefined] {
  const i = s.indexOf('=');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Builds the store from the `--secret-source` values, in k6's naming rules. */
export function secretStoreFrom(specs: readonly string[], env: NodeJS.ProcessEnv = process.env): SecretStore | undefined {
  if (specs.length === 0) return undefined;
  const sources = new Map<string, SecretSource>();
  for (const spec of specs) {
    const flag = `--secret-source ${spec}`;
    if (spec.trim() === '') throw new UsageError(`--secret-source: empty value`);
    const [type, rest = ''] = cut(spec);
    const make = MAKERS[type];
    if (!make) throw new UsageError(`${flag}: no secret source of type "${type}" (file, env, mock)`);
    let name = type;
    let isDefault = false;
    const config = rest
      .split(',')
      .filter((kv) => {
        if (kv === 'default') return !(isDefault = true);
        const [k, v] = cut(kv);
        if (k === 'name' && v !== undefined) return !(name = v);
        return true;
      })
      .join(',');
    const source = make(config, flag, env);
    if (sources.has(name)) throw new UsageError(`${flag}: a secret source named "${name}" is already configured`);
    sources.set(name, source);
    if (isDefault) {
      if (sources.has(DEFAULT_SECRET_SOURCE)) throw new UsageError(`${flag}: only one secret source can be the default one`);
      sources.set(DEFAULT_SECRET_SOURCE, source);
    }
  }
  if (sources.size === 1) sources.set(DEFAULT_SECRET_SOURCE, [...sources.values()][0]!);
  return {
    get(sourceName, key) {
      const s = sources.get(sourceName);
      if (!s) throw new Error(`no secret source with name "${sourceName}" is configured`);
      const v = s.get(key);
      if (v === undefined) throw new Error(`no value for secret "${key}" in the ${s.description}`);
      return v;
    },
    knownValues: () => [...new Set([...sources.values()].flatMap((s) => s.known))],
  };
}
