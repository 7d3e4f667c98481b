// A small validator for the subset of JSON Schema our shipped schema uses (the subset a
// CRD's openAPIV3Schema allows). No dependency: a runner image must stay small.
// Objects are closed: a field the schema does not list is an error, as with kubectl's
// strict field validation. Null counts as absent, as the API server drops nulls of
// non-nullable fields before it validates.
import { DurationError, parseDurationNs } from '../plan/duration.js';
import { joinPath, showValue, typeName } from './errors.js';

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  pattern?: string;
  format?: 'duration';
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  description?: string;
  title?: string;
  $schema?: string;
  $id?: string;
  /** CEL rules for the API server; checked in code by the TestRun reader. */
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

/** Every keyword the validator understands (annotations included). */
export const SUPPORTED_KEYWORDS: readonly string[] = [
  'type', 'properties', 'required', 'items', 'enum', 'pattern', 'format', 'minimum', 'maximum',
  'minLength', 'maxLength', 'minItems', 'description', 'title', '$schema', '$id', 'x-kubernetes-validations',
];

/** Keywords used in `schema` that the validator would ignore (should be empty). */
export function unsupportedKeywords(schema: unknown, path = '#'): string[] {
  const out: string[] = [];
  if (!schema || typeof schema !== 'object') return out;
  const node = schema as Record<string, unknown>;
  for (const k of Object.keys(node)) if (!SUPPORTED_KEYWORDS.includes(k)) out.push(`${path}/${k}`);
  if (node.properties && typeof node.properties === 'object') {
    for (const [k, v] of Object.entries(node.properties)) out.push(...unsupportedKeywords(v, `${path}/properties/${k}`));
  }
  if (node.items) out.push(...unsupportedKeywords(node.items, `${path}/items`));
  if (node.format !== undefined && node.format !== 'duration') out.push(`${path}/format=${String(node.format)}`);
  return out;
}

export interface SchemaProblem {
  path: string;
  problem: string;
}

const TYPE_WORD: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean (true or false)',
};

/** Validates `value` at `path`; returns every problem found (empty when valid). */
export function validateSchema(value: unknown, schema: SchemaNode, path: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  check(value, schema, path, out);
  return out;
}

function check(v: unknown, s: SchemaNode, path: string, out: SchemaProblem[]): void {
  const bad = (problem: string) => out.push({ path, problem });
  if (s.type && !hasType(v, s.type)) {
    if (s.format === 'duration' && typeof v === 'number') {
      bad(`${v} is not a duration (write it like ${v}s)`);
    } else {
      bad(`expected ${TYPE_WORD[s.type]}, got ${typeName(v)}${v !== null && typeof v !== 'object' ? ` ${showValue(v)}` : ''}`);
    }
    return;
  }
  if (s.enum && !s.enum.some((e) => e === v)) {
    const near = typeof v === 'string' ? s.enum.find((e) => typeof e === 'string' && e.toLowerCase() === v.toLowerCase()) : undefined;
    bad(`${showValue(v)} is not one of ${s.enum.map((e) => String(e)).join(', ')}${near !== undefined ? ` (did you mean ${String(near)}?)` : ''}`);
    return;
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) return void bad(s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`);
    if (s.maxLength !== undefined && v.length > s.maxLength) return void bad(`must be at most ${s.maxLength} characters`);
    if (s.format === 'duration') {
      try {
        parseDurationNs(v);
      } catch (e) {
        if (e instanceof DurationError) return void bad(e.message);
        throw e;
      }
    }
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) {
      // The syntax passed above, so a duration's pattern only refuses zero and negative values.
      if (s.format === 'duration') return void bad(`${showValue(v)} must be greater than zero`);
      return void bad(`${showValue(v)} is not valid${s.description ? ` (${s.description.replace(/\.$/, '')})` : ''}`);
    }
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return void bad(`must be at least ${s.minimum}, got ${v}`);
    if (s.maximum !== undefined && v > s.maximum) return void bad(`must be at most ${s.maximum}, got ${v}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) bad(`must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
    if (s.items) v.forEach((item, i) => check(item, s.items!, joinPath(path, i), out));
    return;
  }
  if (s.type === 'object' && v && typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const props = s.properties ?? {};
    for (const key of Object.keys(obj)) {
      if (!(key in props)) {
        const names = Object.keys(props);
        const near = names.find((n) => n.toLowerCase() === key.toLowerCase());
        out.push({
          path: joinPath(path, key),
          problem: `unknown field${near ? ` (did you mean ${near}?)` : ''}; ${path || 'this object'} takes ${names.join(', ')}`,
        });
      }
    }
    for (const r of s.required ?? []) {
      if (obj[r] === undefined || obj[r] === null) out.push({ path: joinPath(path, r), problem: 'is required' });
    }
    for (const [key, sub] of Object.entries(props)) {
      if (obj[key] !== undefined && obj[key] !== null) check(obj[key], sub, joinPath(path, key), out);
    }
  }
}

function hasType(v: unknown, t: NonNullable<SchemaNode['type']>): boolean {
  switch (t) {
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
  }
}
