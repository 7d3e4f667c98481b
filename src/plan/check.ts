// What the built-in check expects of a response beyond its status: a body that matches a
// regular expression, JSON values at GJSON paths (the selector syntax of k6's
// `res.json(path)`), headers that match. Parsed once from flags or options; evaluated on
// each response as named checks, so they show in output like a script's checks.
import { select } from '../../runtime/lib/gjson.js';
import { UsageError } from '../errors.js';
import { isSecretHeader } from '../http/redact.js';

export interface JsonExpectation {
  /** GJSON path, as in k6's `res.json(path)`. */
  path: string;
  /** The expected value; undefined: the path must merely select something. */
  value?: unknown;
  /** The value as written (compared as a string too: `status=ok`). */
  text?: string;
}

export interface ResponseExpectations {
  body?: RegExp;
  json: JsonExpectation[];
  headers: { name: string; pattern: RegExp }[];
}

export interface ExpectationInput {
  /** A regular expression (string or RegExp) the body must match. */
  expectBody?: string | RegExp;
  /** `PATH=VALUE` strings (VALUE read as JSON when it is JSON, else as text), or a map path → value. */
  expectJson?: readonly string[] | Record<string, unknown>;
  /** `Name: REGEX` strings, or a map name → pattern. */
  expectHeader?: readonly string[] | Record<string, string | RegExp>;
}

export function hasExpectations(e: ResponseExpectations | undefined): boolean {
  return !!e && (!!e.body || e.json.length > 0 || e.headers.length > 0);
}

function regex(flag: string, source: string | RegExp): RegExp {
  if (source instanceof RegExp) return source;
  try {
    return new RegExp(source);
  } catch (e) {
    throw new UsageError(`${flag} ${JSON.stringify(source)}: not a regular expression (${(e as Error).message})`);
  }
}

/** Index of the `=` that ends a GJSON path: not part of `==`, `!=`, `<=`, `>=`, nor inside a query. */
function pathEnd(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '=' && depth === 0 && !(i > 0 && '=!<>'.includes(s[i - 1]!)) && s[i + 1] !== '=') return i;
  }
  return -1;
}

function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function parseExpectations(input: ExpectationInput): ResponseExpectations {
  const out: ResponseExpectations = { json: [], headers: [] };
  if (input.expectBody !== undefined && input.expectBody !== '') out.body = regex('--expect-body', input.expectBody);
  const json = input.expectJson ?? [];
  if (Array.isArray(json)) {
    for (const item of json as readonly string[]) {
      const i = pathEnd(item);
      const path = (i < 0 ? item : item.slice(0, i)).trim();
      if (!path) throw new UsageError(`--expect-json ${JSON.stringify(item)}: write it as PATH=VALUE (a GJSON path, e.g. status=ok or items.#=3)`);
      out.json.push(i < 0 ? { path } : { path, text: item.slice(i + 1), value: jsonValue(item.slice(i + 1)) });
    }
  } else {
    for (const [path, value] of Object.entries(json)) out.json.push({ path, value, ...(typeof value === 'string' ? { text: value } : {}) });
  }
  const headers = input.expectHeader ?? [];
  if (Array.isArray(headers)) {
    for (const item of headers as readonly string[]) {
      const i = item.indexOf(':');
      if (i <= 0) throw new UsageError(`--expect-header ${JSON.stringify(item)}: write it as 'Name: REGEX'`);
      out.headers.push({ name: item.slice(0, i).trim(), pattern: regex('--expect-header', item.slice(i + 1).trim()) });
    }
  } else {
    for (const [name, p] of Object.entries(headers)) out.headers.push({ name, pattern: regex('--expect-header', p) });
  }
  return out;
}

export interface ExpectationResult {
  /** The check's name, as it shows in output (`body matches /ok/`). */
  name: string;
  passed: boolean;
  /** Why it failed, for the attempt's message. */
  detail?: string;
}

const show = (v: unknown) => {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

function sameValue(got: unknown, want: JsonExpectation): boolean {
  if (typeof got === 'string' && want.text !== undefined && got === want.text) return true;
  return JSON.stringify(got) === JSON.stringify(want.value);
}

/** Evaluates every expectation on one response (`headers` as the engine gives them). */
export function evaluateExpectations(e: ResponseExpectations, res: { headers: Record<string, string>; body: string | Uint8Array | null }): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const body = typeof res.body === 'string' ? res.body : res.body ? Buffer.from(res.body).toString('utf8') : '';
  if (e.body) {
    e.body.lastIndex = 0;
    const passed = e.body.test(body);
    out.push({ name: `body matches ${e.body}`, passed, ...(passed ? {} : { detail: `the body does not match ${e.body}` }) });
  }
  if (e.json.length) {
    let parsed: unknown;
    let parseError: string | undefined;
    try {
      parsed = JSON.parse(body);
    } catch {
      parseError = 'the body is not JSON';
    }
    for (const j of e.json) {
      const name = j.text !== undefined || j.value !== undefined ? `json ${j.path} is ${j.text ?? show(j.value)}` : `json ${j.path} exists`;
      if (parseError) {
        out.push({ name, passed: false, detail: parseError });
        continue;
      }
      const got = select(parsed, j.path);
      const passed = j.value === undefined && j.text === undefined ? got !== undefined : sameValue(got, j);
      out.push({ name, passed, ...(passed ? {} : { detail: got === undefined ? `json ${j.path} selects nothing` : `json ${j.path} is ${show(got)}` }) });
    }
  }
  for (const h of e.headers) {
    const key = Object.keys(res.headers).find((k) => k.toLowerCase() === h.name.toLowerCase());
    const value = key !== undefined ? res.headers[key]! : undefined;
    h.pattern.lastIndex = 0;
    const passed = value !== undefined && h.pattern.test(value);
    const seen = value === undefined ? `no ${h.name} header` : `${h.name} is ${isSecretHeader(h.name) ? '***' : show(value)}`;
    out.push({ name: `header ${h.name} matches ${h.pattern}`, passed, ...(passed ? {} : { detail: seen }) });
  }
  return out;
}
