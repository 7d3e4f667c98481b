// Manifest errors name where the problem is: the file, the document inside it and
// the field path, then what is wrong and how to write it instead.
import { ERROR_CODES } from '../errors.js';

/** Where a value came from. `document` and `item` are 1-based. */
export interface ManifestLocation {
  file?: string;
  /** Shown when the file holds more than one document. */
  document?: number;
  /** Item of a `kind: List` document. */
  item?: number;
  /** Dotted field path, e.g. `spec.preTestValidation.polling.interval`. */
  path?: string;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  /** Stable across builds: the exit code comes from it (src/errors.ts). */
  readonly code = ERROR_CODES.manifest;
  readonly file?: string;
  readonly document?: number;
  readonly item?: number;
  readonly path?: string;
  /** The message without the location prefix. */
  readonly problem: string;

  constructor(problem: string, at: ManifestLocation = {}) {
    super(formatLocation(at) + problem);
    this.problem = problem;
    if (at.file !== undefined) this.file = at.file;
    if (at.document !== undefined) this.document = at.document;
    if (at.item !== undefined) this.item = at.item;
    if (at.path !== undefined) this.path = at.path;
  }
}

/** `file (document 2, item 3): path: ` — every part optional. */
export function formatLocation(at: ManifestLocation): string {
  let s = '';
  if (at.file !== undefined) {
    s += at.file;
    const parts: string[] = [];
    if (at.document !== undefined) parts.push(`document ${at.document}`);
    if (at.item !== undefined) parts.push(`item ${at.item}`);
    if (parts.length) s += ` (${parts.join(', ')})`;
    s += ': ';
  }
  if (at.path) s += `${at.path}: `;
  return s;
}

/** Appends a key or index to a dotted path (`a.b`, `a.b[2]`, `data["x y"]`). */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (!plain) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

/** Quotes a value for a message: strings in JSON quotes, others as JSON, long ones cut. */
export function showValue(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A human name for a value's type, for "expected X, got Y" messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}
