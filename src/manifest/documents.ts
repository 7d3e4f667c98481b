// Reading Kubernetes manifests: YAML (one or more documents) or JSON, as `kubectl get
// -o yaml|json` prints them. `kind: List` (and typed lists such as `ConfigMapList`)
// are flattened into their items. Every document remembers where it came from so
// later errors can name the file, the document and the field.
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputTooLarge, MANIFEST_KIND, MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH, MiB, readCapped } from '../script/limits.js';
import { ManifestError, type ManifestLocation } from './errors.js';

export { ManifestError } from './errors.js';

export interface ManifestDoc {
  /** The parsed object (a mapping). */
  value: Record<string, unknown>;
  apiVersion?: string;
  kind?: string;
  /** `metadata.name`, when it is a string. */
  name?: string;
  namespace?: string;
  /** The file as the caller named it. */
  source: string;
  /** 1-based document number inside the file. */
  document: number;
  /** How many documents the file holds (the number is shown only when > 1). */
  documentCount: number;
  /** 1-based position inside a `kind: List` document. */
  item?: number;
}

/** Where a field of a document is, for a `ManifestError`. */
export function docLocation(doc: ManifestDoc, path?: string): ManifestLocation {
  const at: ManifestLocation = { file: doc.source };
  if (doc.documentCount > 1) at.document = doc.document;
  if (doc.item !== undefined) at.item = doc.item;
  if (path !== undefined) at.path = path;
  return at;
}

/** A `ManifestError` about a field of a document. */
export function docError(doc: ManifestDoc, path: string | undefined, problem: string): ManifestError {
  return new ManifestError(problem, docLocation(doc, path));
}

/** Reads a manifest file. Throws `ManifestError` when it cannot be read or parsed. */
export function loadManifestFile(path: string): ManifestDoc[] {
  let text: string;
  try {
    text = readCapped(path, MAX_MANIFEST_BYTES, path, MANIFEST_KIND).toString('utf8');
  } catch (e) {
    if (e instanceof InputTooLarge) {
      const why = e.bytes === undefined ? `more than ${MiB(MAX_MANIFEST_BYTES)}, the limit for a manifest file` : `${e.bytes} bytes, over the ${MiB(MAX_MANIFEST_BYTES)} limit for a manifest file`;
      throw new ManifestError(why, { file: path });
    }
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' :
      err.code === 'EISDIR' ? 'is a directory, not a manifest file' :
      err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new ManifestError(why, { file: path });
  }
  return parseManifestText(text, path);
}

/** Parses manifest text (YAML stream or JSON). `source` names it in errors. */
export function parseManifestText(text: string, source: string): ManifestDoc[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > MAX_MANIFEST_BYTES) throw new ManifestError(`more than ${MiB(MAX_MANIFEST_BYTES)}, the limit for a manifest`, { file: source });
  const raw = looksLikeJson(text, source) ? parseJson(text, source) : parseYaml(text, source);
  raw.forEach((value, i) => checkDepth(value, raw.length > 1 ? { file: source, document: i + 1 } : { file: source }));
  const docs: ManifestDoc[] = [];
  const count = raw.length;
  raw.forEach((value, i) => {
    const number = i + 1;
    if (value === null || value === undefined) return; // empty document (e.g. a trailing `---`)
    const at: ManifestLocation = count > 1 ? { file: source, document: number } : { file: source };
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ManifestError(`expected a Kubernetes object (a mapping with apiVersion and kind), got ${describe(value)}`, at);
    }
    const obj = value as Record<string, unknown>;
    const kind = obj.kind;
    if (typeof kind === 'string' && /List$/.test(kind) && 'items' in obj) {
      const items = obj.items;
      if (items === null || items === undefined) return;
      if (!Array.isArray(items)) throw new ManifestError(`expected a list, got ${describe(items)}`, { ...at, path: 'items' });
      // A typed list (`ConfigMapList`) may omit apiVersion/kind on its items.
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      items.forEach((it, j) => {
        if (it === null || typeof it !== 'object' || Array.isArray(it)) {
          throw new ManifestError(`expected a Kubernetes object, got ${describe(it)}`, { ...at, path: `items[${j}]` });
        }
        const o = { ...(it as Record<string, unknown>) };
        if (itemKind && o.kind === undefined) o.kind = itemKind;
        if (itemKind && o.apiVersion === undefined && typeof obj.apiVersion === 'string') o.apiVersion = obj.apiVersion;
        docs.push(makeDoc(o, source, number, count, j + 1));
      });
      return;
    }
    docs.push(makeDoc(obj, source, number, count));
  });
  return docs;
}

function makeDoc(value: Record<string, unknown>, source: string, document: number, documentCount: number, item?: number): ManifestDoc {
  const doc: ManifestDoc = { value, source, document, documentCount };
  if (item !== undefined) doc.item = item;
  if (typeof value.apiVersion === 'string') doc.apiVersion = value.apiVersion;
  if (typeof value.kind === 'string') doc.kind = value.kind;
  const md = value.metadata;
  if (md && typeof md === 'object' && !Array.isArray(md)) {
    const m = md as Record<string, unknown>;
    if (typeof m.name === 'string') doc.name = m.name;
    if (typeof m.namespace === 'string') doc.namespace = m.namespace;
  }
  return doc;
}

const TOO_DEEP = `nested too deeply (more than ${MAX_MANIFEST_DEPTH} levels of mappings and lists)`;

/** Refuses values nested deeper than any Kubernetes object is (checked without recursion). */
function checkDepth(value: unknown, at: ManifestLocation): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_MANIFEST_DEPTH) throw new ManifestError(TOO_DEEP, at);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}

/** A parser that ran out of stack met nesting far deeper than any manifest has. */
const isStackOverflow = (e: unknown) => e instanceof RangeError || /Maximum call stack size exceeded/i.test(String((e as Error)?.message ?? e));

function looksLikeJson(text: string, source: string): boolean {
  if (/\.json$/i.test(source)) return true;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function parseJson(text: string, source: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    // A `[`/`{`-led YAML flow document is still valid YAML; only .json files must be JSON.
    if (!/\.json$/i.test(source)) return parseYaml(text, source);
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const col = pos - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new ManifestError(`invalid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, { file: source });
  }
  // A top-level JSON array is read as a list of objects.
  return Array.isArray(v) ? [{ kind: 'List', items: v }] : [v];
}

function parseYaml(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true, lineCounter: lines });
  } catch (e) {
    if (isStackOverflow(e)) throw new ManifestError(TOO_DEEP, { file: source });
    throw e;
  }
  const docs = Array.isArray(parsed) ? parsed : [];
  const count = docs.length;
  return docs.map((d, i) => {
    const at: ManifestLocation = count > 1 ? { file: source, document: i + 1 } : { file: source };
    const err = d.errors[0];
    if (err && isStackOverflow(err)) throw new ManifestError(TOO_DEEP, at);
    if (err) {
      const lp = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
      const where = lp ? ` at line ${lp.line}, column ${lp.col}` : '';
      throw new ManifestError(`invalid YAML${where}: ${firstLine(err.message)}`, at);
    }
    try {
      return d.toJS({ maxAliasCount: 100 });
    } catch (e) {
      if (isStackOverflow(e)) throw new ManifestError(TOO_DEEP, at);
      throw new ManifestError(`invalid YAML: ${firstLine((e as Error).message)}`, at);
    }
  });
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}
