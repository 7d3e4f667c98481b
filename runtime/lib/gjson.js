// JSON helpers for Response.json(): a gjson-style path selector over parsed JSON and
// Go encoding/json-style syntax errors (message and byte offset).
// Self-contained: imported by guest modules (k6p:lib/gjson) and directly by node tests.

// ---- Go-style JSON syntax errors ----

function quoteChar(c) {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const esc = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' }[c];
  if (esc) return `'${esc}'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

class JsonSyntax extends Error {
  constructor(message, index) {
    super(message);
    this.index = index;
  }
}

function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/**
 * Validate JSON text like Go's encoding/json scanner.
 * @returns null when valid, else { message, offset } (offset in bytes, as Go's SyntaxError.Offset)
 */
export function goJsonError(text) {
  const s = String(text);
  const n = s.length;
  let i = 0;
  const eof = () => new JsonSyntax('unexpected end of JSON input', n);
  const bad = (ctx) => new JsonSyntax(`invalid character ${quoteChar(s[i])} ${ctx}`, i + 1);
  const ws = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  };
  const isDigit = (c) => c >= '0' && c <= '9';
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw eof();
      const c = s[i];
      if (c === '"') { i++; return; }
      if (c === '\\') {
        i++;
        if (i >= n) throw eof();
        const e = s[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) {
            if (i >= n) throw eof();
            if (!/[0-9a-fA-F]/.test(s[i])) throw bad('in \\u hexadecimal character escape');
          }
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) throw bad('in string escape code');
        i++;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw bad('in string literal');
      i++;
    }
  };
  const number = () => {
    if (s[i] === '-') {
      i++;
      if (i >= n) throw eof();
      if (!isDigit(s[i])) throw bad('in numeric literal');
    }
    if (s[i] === '0') i++;
    else while (i < n && isDigit(s[i])) i++;
    if (i < n && s[i] === '.') {
      i++;
      if (i >= n) throw eof();
      if (!isDigit(s[i])) throw bad('after decimal point in numeric literal');
      while (i < n && isDigit(s[i])) i++;
    }
    if (i < n && (s[i] === 'e' || s[i] === 'E')) {
      i++;
      if (i < n && (s[i] === '+' || s[i] === '-')) i++;
      if (i >= n) throw eof();
      if (!isDigit(s[i])) throw bad('in exponent of numeric literal');
      while (i < n && isDigit(s[i])) i++;
    }
  };
  const literal = (word) => {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      if (i >= n) throw eof();
      if (s[i] !== word[k]) throw bad(`in literal ${word} (expecting '${word[k]}')`);
    }
  };
  const value = () => {
    ws();
    if (i >= n) throw eof();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (i >= n) throw eof();
      if (s[i] === '}') { i++; return; }
      for (;;) {
        if (i >= n) throw eof();
        if (s[i] !== '"') throw bad('looking for beginning of object key string');
        string();
        ws();
        if (i >= n) throw eof();
        if (s[i] !== ':') throw bad('after object key');
        i++;
        value();
        ws();
        if (i >= n) throw eof();
        if (s[i] === '}') { i++; return; }
        if (s[i] !== ',') throw bad('after object key:value pair');
        i++;
        ws();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (i >= n) throw eof();
      if (s[i] === ']') { i++; return; }
      for (;;) {
        value();
        ws();
        if (i >= n) throw eof();
        if (s[i] === ']') { i++; return; }
        if (s[i] !== ',') throw bad('after array element');
        i++;
      }
    }
    if (c === '"') return string();
    if (c === '-' || isDigit(c)) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    throw bad('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (i < n) throw bad('after top-level value');
    return null;
  } catch (e) {
    if (!(e instanceof JsonSyntax)) throw e;
    const offset = e.index >= n ? utf8Length(s) : utf8Length(s.slice(0, e.index));
    return { message: e.message, offset };
  }
}

/** k6's wording for a body that is not valid JSON. */
export function jsonParseErrorMessage(text) {
  const s = String(text);
  const err = goJsonError(s) || { message: 'invalid JSON', offset: 0 };
  // Position from the byte offset: 1-based line, character counted from the line start.
  let bytes = 0;
  let line = 1;
  let character = 0;
  for (let i = 0; i < s.length && bytes < err.offset; i++) {
    const c = s.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (c >= 0xd800 && c <= 0xdbff) i++;
    if (c === 10) {
      line++;
      character = 0;
    } else character++;
  }
  return `cannot parse json due to an error at line ${line}, character ${character} , error: ${err.message}`;
}

// ---- gjson paths ----

/** Split a path into components at unescaped separators; returns [{ key, sep }] where sep is '.' or '|' before it. */
function splitPath(path) {
  const out = [];
  let cur = '';
  let sep = '';
  let depth = 0; // inside #( … )
  let quote = false;
  let escaped = false; // whether the component contained escapes (no wildcard meaning)
  const lit = [];
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (depth > 0) {
      cur += c;
      if (quote) {
        if (c === '\\' && i + 1 < path.length) cur += path[++i];
        else if (c === '"') quote = false;
      } else if (c === '"') quote = true;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    // A modifier's argument (`@pretty:{"sortKeys":true}`, `@dig:name`) is one piece:
    // JSON up to its balanced end, else characters up to the next '|' (as gjson reads it).
    if (c === ':' && cur.startsWith('@') && !escaped && !cur.includes(':')) {
      const end = modifierArgEnd(path, i + 1);
      cur += path.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === '\\' && i + 1 < path.length) {
      cur += path[++i];
      lit.push(cur.length - 1);
      escaped = true;
      continue;
    }
    if (c === '.' || c === '|') {
      out.push({ key: cur, sep, escaped, lit: lit.splice(0) });
      cur = '';
      sep = c;
      escaped = false;
      continue;
    }
    if (c === '(' && cur === '#') depth = 1;
    cur += c;
  }
  out.push({ key: cur, sep, escaped, lit });
  return out;
}

function globMatch(pattern, str, lit) {
  // '*' any run, '?' one character; escaped positions are literal.
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (!lit.includes(i) && c === '*') re += '[\\s\\S]*';
    else if (!lit.includes(i) && c === '?') re += '[\\s\\S]';
    else re += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(re + '$').test(str);
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const MISSING = Symbol('missing');

function parseLiteral(raw) {
  const t = raw.trim();
  if (t === '') return MISSING;
  try {
    return JSON.parse(t);
  } catch {
    return t; // bare words compare as strings
  }
}

function compare(a, op, b) {
  if (op === '%' || op === '!%') {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    const m = globMatch(b, a, []);
    return op === '%' ? m : !m;
  }
  if (typeof a !== typeof b) return op === '!=';
  switch (op) {
    case '==':
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  return false;
}

/** Evaluate a `#(…)` query condition against one array element. */
function matches(el, cond) {
  const m = /^(.*?)(==|!=|<=|>=|!%|<|>|%|=)(.*)$/s.exec(cond);
  if (!m) {
    const v = cond.trim() === '' ? el : select(el, cond.trim());
    return v !== undefined;
  }
  const left = m[1].trim();
  const lhs = left === '' ? el : select(el, left);
  if (lhs === undefined) return false;
  const rhs = parseLiteral(m[3]);
  if (rhs === MISSING) return false;
  return compare(lhs, m[2], rhs);
}

/** gjson's modifier argument: JSON text when it starts as JSON, else up to the next '|'. */
function modifierArgEnd(path, start) {
  const c = path[start];
  if (c === '{' || c === '[' || c === '"') {
    let depth = 0;
    for (let i = start; i < path.length; i++) {
      const ch = path[i];
      if (ch === '"') {
        for (i++; i < path.length && path[i] !== '"'; i++) if (path[i] === '\\') i++;
        if (depth === 0) return i + 1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        if (--depth === 0) return i + 1;
      }
    }
    return path.length;
  }
  const bar = path.indexOf('|', start);
  return bar < 0 ? path.length : bar;
}

function argOption(arg, name) {
  if (!arg) return false;
  try {
    const o = JSON.parse(arg);
    return isObject(o) && Boolean(o[name]);
  } catch {
    return false;
  }
}

/** Every value under `key` at any depth, depth first (gjson's @dig). */
function dig(v, key, out) {
  if (Array.isArray(v)) for (const el of v) dig(el, key, out);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === key) out.push(x);
      dig(x, key, out);
    }
  }
  return out;
}

function flatten(arr, deep) {
  const out = [];
  for (const el of arr) {
    if (Array.isArray(el)) out.push(...(deep ? flatten(el, true) : el));
    else out.push(el);
  }
  return out;
}

/** gjson's built-in modifiers (v1.19, as k6 vendors it), on parsed values. @pretty and
 *  @ugly only reformat text, so on a value they are @this. MISSING: no result. */
const MODIFIERS = {
  this: (v) => v,
  pretty: (v) => v,
  ugly: (v) => v,
  valid: (v) => v, // the body already parsed as JSON
  reverse(v) {
    if (Array.isArray(v)) return [...v].reverse();
    if (isObject(v)) return Object.fromEntries(Object.entries(v).reverse());
    return v;
  },
  keys(v) {
    if (isObject(v)) return Object.keys(v);
    if (Array.isArray(v)) return v.map(() => null);
    return [null];
  },
  values(v) {
    if (isObject(v)) return Object.values(v);
    return Array.isArray(v) ? v : [v];
  },
  flatten: (v, arg) => (Array.isArray(v) ? flatten(v, argOption(arg, 'deep')) : v),
  join(v) {
    if (!Array.isArray(v)) return v;
    const out = {};
    for (const el of v) if (isObject(el)) Object.assign(out, el);
    return out;
  },
  tostr: (v) => JSON.stringify(v),
  fromstr(v) {
    if (typeof v !== 'string') return MISSING;
    try {
      return JSON.parse(v);
    } catch {
      return MISSING;
    }
  },
  group(v) {
    if (!isObject(v)) return MISSING;
    const rows = [];
    for (const [k, col] of Object.entries(v)) {
      if (!Array.isArray(col)) continue;
      col.forEach((x, i) => ((rows[i] ??= {})[k] = x));
    }
    return rows;
  },
  dig: (v, arg) => dig(v, arg, []),
};

/** `{ name, arg }` when a path component is a known modifier (`@name` or `@name:arg`). */
function asModifier(part) {
  if (part.escaped || !part.key.startsWith('@')) return undefined;
  const colon = part.key.indexOf(':');
  const name = colon < 0 ? part.key.slice(1) : part.key.slice(1, colon);
  if (!Object.prototype.hasOwnProperty.call(MODIFIERS, name)) return undefined;
  return { name, arg: colon < 0 ? '' : part.key.slice(colon + 1) };
}

/** Apply the rest of the path, up to the next '|', to every element, keeping the ones that
 *  match; a '|' then continues from the collected array (`friends.#.nets|@flatten`). */
function mapRest(arr, parts, idx) {
  let end = idx;
  while (end < parts.length && (end === idx || parts[end].sep !== '|')) end++;
  const head = end < parts.length ? parts.slice(0, end) : parts;
  const out = [];
  for (const el of arr) {
    const r = walk(el, head, idx);
    if (r !== undefined) out.push(r);
  }
  return end < parts.length ? walk(out, parts, end) : out;
}

function walk(v, parts, idx) {
  if (idx >= parts.length) return v;
  if (v === undefined) return undefined;
  const { key, escaped, lit } = parts[idx];
  const mod = asModifier(parts[idx]);
  if (mod) {
    const r = MODIFIERS[mod.name](v, mod.arg);
    return r === MISSING ? undefined : walk(r, parts, idx + 1);
  }
  if (Array.isArray(v)) {
    if (key === '#' && !escaped) {
      if (idx === parts.length - 1) return v.length;
      if (parts[idx + 1].sep === '|') return walk(v.length, parts, idx + 1);
      return mapRest(v, parts, idx + 1);
    }
    const q = /^#\(([\s\S]*)\)(#?)$/.exec(key);
    if (q && !escaped) {
      if (q[2] === '#') {
        const all = v.filter((el) => matches(el, q[1]));
        if (idx === parts.length - 1 || parts[idx + 1].sep === '|') return walk(all, parts, idx + 1);
        return mapRest(all, parts, idx + 1);
      }
      const found = v.find((el) => matches(el, q[1]));
      return found === undefined ? undefined : walk(found, parts, idx + 1);
    }
    if (/^[0-9]+$/.test(key)) {
      const i = Number(key);
      return i < v.length ? walk(v[i], parts, idx + 1) : undefined;
    }
    return undefined;
  }
  if (isObject(v)) {
    const wild = !escaped ? /[*?]/.test(key) : lit.length < key.length && [...key].some((c, i) => (c === '*' || c === '?') && !lit.includes(i));
    if (wild) {
      for (const k of Object.keys(v)) if (globMatch(key, k, lit)) return walk(v[k], parts, idx + 1);
      return undefined;
    }
    return Object.prototype.hasOwnProperty.call(v, key) ? walk(v[key], parts, idx + 1) : undefined;
  }
  return undefined;
}

/** Select from already-parsed JSON with a gjson path; undefined when nothing matches. */
export function select(value, path) {
  const p = String(path);
  if (p === '') return undefined;
  return walk(value, splitPath(p), 0);
}

/** Select from JSON text; undefined when the text is not valid JSON or nothing matches. */
export function selectText(text, path) {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return select(v, path);
}
