// k6/html: parseHTML() and the Selection API (goquery's, as k6 exposes it), over
// htmlparser2's DOM with css-select for selectors (k6p:vendor/html, bundled at build time
// from src/sandbox/html-engine.ts). Everything runs in the sandbox, under its memory cap.
import { setHtmlParser } from 'k6p:support/html-hook';
import { queryEscape } from 'k6p:lib/form';
import { parseDocument, selectAll, is as matchesSelector, render, textContent, uniqueSort } from 'k6p:vendor/html';

const isElement = (n) => n && (n.type === 'tag' || n.type === 'script' || n.type === 'style');
const html = (nodes) => render(nodes, { encodeEntities: 'utf8' });

function matcher(sel, fnThis) {
  if (typeof sel === 'function') return (n, i) => Boolean(sel.call(fnThis, i, new Element(n)));
  if (sel instanceof Selection) {
    const set = new Set(sel.nodes);
    return (n) => set.has(n);
  }
  if (typeof sel === 'string') return (n) => isElement(n) && matchesSelector(n, sel);
  throw new Error(`invalid argument, cannot use a '${sel === null ? 'null' : typeof sel}' as a selector`);
}

function unique(nodes) {
  return uniqueSort([...new Set(nodes)]);
}

function valueOrHTML(opt) {
  const v = opt.attr('value');
  return v === undefined ? opt.html() : v;
}

export class Selection {
  constructor(nodes, prev) {
    Object.defineProperty(this, 'nodes', { value: nodes });
    Object.defineProperty(this, '_end', { value: prev }); // what end() returns
  }
  _with(nodes) {
    return new Selection(nodes, this);
  }
  _rel(step, filter) {
    const out = [];
    for (const n of this.nodes) for (const m of step(n)) out.push(m);
    const all = unique(out);
    return this._with(filter === undefined ? all : all.filter(matcher(filter)));
  }

  // ---- traversal ----
  find(selector) {
    if (selector instanceof Selection) {
      const inside = new Set(selector.nodes);
      return this._rel((n) => selectAll('*', n).filter((m) => inside.has(m)));
    }
    // One node at a time: css-select searches a single node's descendants only, as find() must.
    const q = String(selector);
    return this._with(unique(this.nodes.filter((n) => n.children).flatMap((n) => selectAll(q, n))));
  }
  children(selector) {
    return this._rel((n) => (n.children || []).filter(isElement), selector);
  }
  contents() {
    return this._rel((n) => n.children || []);
  }
  parent(selector) {
    return this._rel((n) => (isElement(n.parent) ? [n.parent] : []), selector);
  }
  parents(selector) {
    return this._rel((n) => {
      const out = [];
      for (let p = n.parent; isElement(p); p = p.parent) out.push(p);
      return out;
    }, selector);
  }
  closest(selector) {
    const m = matcher(selector);
    return this._rel((n) => {
      for (let p = n; p; p = p.parent) if (isElement(p) && m(p)) return [p];
      return [];
    });
  }
  next(selector) {
    return this._rel((n) => (n.nextSibling ? [nextElement(n)].filter(Boolean) : []), selector);
  }
  prev(selector) {
    return this._rel((n) => [prevElement(n)].filter(Boolean), selector);
  }
  nextAll(selector) {
    return this._rel((n) => siblingsOf(n).filter((m) => m.startIndex > n.startIndex || isAfter(m, n)), selector);
  }
  prevAll(selector) {
    return this._rel((n) => siblingsOf(n).filter((m) => isAfter(n, m)), selector);
  }
  siblings(selector) {
    return this._rel((n) => siblingsOf(n).filter((m) => m !== n), selector);
  }
  add(selector) {
    const root = this.root()[0];
    const more = selector instanceof Selection ? selector.nodes : root ? selectAll(String(selector), root) : [];
    return this._with(unique([...this.nodes, ...more]));
  }
  root() {
    let n = this.nodes[0];
    while (n && n.parent) n = n.parent;
    return n ? [n] : [];
  }
  end() {
    return this._end || this._with([]);
  }

  // ---- filtering ----
  filter(selector) {
    if (typeof selector !== 'string' && typeof selector !== 'function' && !(selector instanceof Selection)) {
      throw new Error('the argument to filter() must be a function, a selector or a selection');
    }
    const m = matcher(selector, selector);
    return this._with(this.nodes.filter((n, i) => m(n, i)));
  }
  not(selector) {
    const m = matcher(selector, selector);
    return this._with(this.nodes.filter((n, i) => !m(n, i)));
  }
  is(selector) {
    const m = matcher(selector, selector);
    return this.nodes.some((n, i) => m(n, i));
  }
  has(selector) {
    return this._with(this.nodes.filter((n) => new Selection([n]).find(selector).size() > 0));
  }
  first() {
    return this._with(this.nodes.slice(0, 1));
  }
  last() {
    return this._with(this.nodes.slice(-1));
  }
  eq(i) {
    const idx = Math.trunc(Number(i)) || 0;
    const n = this.nodes[idx < 0 ? this.nodes.length + idx : idx];
    return this._with(n ? [n] : []);
  }
  slice(start, end) {
    return this._with(this.nodes.slice(start, end));
  }

  // ---- content ----
  size() {
    return this.nodes.length;
  }
  text() {
    return this.nodes.map((n) => textContent(n)).join('');
  }
  html() {
    const n = this.nodes[0];
    if (!n) return undefined;
    return html(n.children || []);
  }
  attr(name, def) {
    const n = this.nodes[0];
    const v = n && n.attribs ? n.attribs[String(name)] : undefined;
    if (v === undefined) return arguments.length > 1 ? def : undefined;
    return v;
  }
  val() {
    const n = this.nodes[0];
    if (!isElement(n)) return undefined;
    const one = this.first();
    switch (n.name) {
      case 'input': {
        const v = one.attr('value');
        if (v !== undefined) return v;
        const t = one.attr('type');
        return t === 'radio' || t === 'checkbox' ? 'on' : '';
      }
      case 'button':
        return one.attr('value') ?? '';
      case 'textarea':
        return one.html();
      case 'option':
        return valueOrHTML(one);
      case 'select': {
        const selected = one.find('option[selected]');
        if (one.attr('multiple') !== undefined) return selected.nodes.map((o) => valueOrHTML(new Selection([o])));
        return selected.size() ? valueOrHTML(selected.first()) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** The first element's data-* attributes (or one of them) as k6 converts them. */
  data(key) {
    const n = this.nodes[0];
    if (!n || !n.attribs || Object.keys(n.attribs).length === 0) return undefined;
    if (key !== undefined) return dataValue(n.attribs['data-' + String(key).replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()]);
    const out = {};
    for (const [k, v] of Object.entries(n.attribs)) {
      if (k.startsWith('data-') && k.length > 5) out[k.slice(5).replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())] = dataValue(v);
    }
    return out;
  }

  // ---- forms (as k6's serialize.go: submittable, named, enabled, checked controls) ----
  serializeArray() {
    const controls = 'input,select,textarea,keygen';
    const els = this.is('form') ? this.find(controls) : this.filter(controls);
    const out = [];
    for (const n of els.nodes) {
      const a = n.attribs || {};
      const type = a.type || '';
      if (!a.name || a.disabled === 'disabled') continue;
      if (['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && a.checked !== 'checked') continue;
      out.push({ name: a.name, value: new Selection([n]).val() });
    }
    return out;
  }
  serializeObject() {
    const out = {};
    for (const { name, value } of this.serializeArray()) out[name] = value;
    return out;
  }
  /** URL-encoded, keys sorted (Go's url.Values.Encode). */
  serialize() {
    const values = new Map();
    for (const { name, value } of this.serializeArray()) {
      if (typeof value === 'string') values.set(name, [value]);
      else if (Array.isArray(value)) values.set(name, value);
    }
    return [...values.keys()]
      .sort()
      .flatMap((k) => values.get(k).map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
      .join('&');
  }

  // ---- iteration ----
  each(fn) {
    if (typeof fn !== 'function') throw new Error('the argument to each() must be a function');
    this.nodes.forEach((n, i) => fn.call(fn, i, new Element(n)));
    return this;
  }
  map(fn) {
    if (typeof fn !== 'function') throw new Error('the argument to map() must be a function');
    return this.nodes.map((n, i) => fn.call(fn, i, new Element(n)));
  }
  get(i) {
    if (i === undefined) return this.nodes.map((n) => new Element(n));
    const idx = Math.trunc(Number(i)) || 0;
    const n = this.nodes[idx < 0 ? this.nodes.length + idx : idx];
    return n ? new Element(n) : undefined;
  }
  toArray() {
    return this.nodes.map((n) => this._with([n]));
  }
}

/** k6's data-* value conversion: JSON for objects and arrays, booleans, numbers that print
 *  back the same, undefined for "", "null" and "undefined", else the text. */
function dataValue(v) {
  if (v === undefined || v === '' || v === 'null' || v === 'undefined') return undefined;
  if (v[0] === '{' || v[0] === '[') {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  if (v === 'true') return true;
  if (v === 'false') return false;
  const num = Number(v);
  if (v.trim() !== '' && Number.isFinite(num) && String(num) === v) return num;
  return v;
}

function siblingsOf(n) {
  return n.parent ? (n.parent.children || []).filter(isElement) : [];
}
function isAfter(a, b) {
  const s = a.parent ? a.parent.children : [];
  return s.indexOf(a) > s.indexOf(b);
}
function nextElement(n) {
  for (let m = n.nextSibling; m; m = m.nextSibling) if (isElement(m)) return m;
  return null;
}
function prevElement(n) {
  for (let m = n.previousSibling; m; m = m.previousSibling) if (isElement(m)) return m;
  return null;
}

const NODE_TYPES = { tag: 1, script: 1, style: 1, text: 3, cdata: 4, comment: 8, root: 9, directive: 10 };
const wrap = (n) => (n ? new Element(n) : undefined);

/** One node, as k6's Element (a DOM-like subset). */
export class Element {
  constructor(node) {
    Object.defineProperty(this, 'node', { value: node });
  }
  selection() {
    return new Selection([this.node]);
  }
  nodeName() {
    const n = this.node;
    if (isElement(n)) return n.name;
    return { text: '#text', comment: '#comment', root: '#document', cdata: '#cdata-section', directive: 'html' }[n.type] || '';
  }
  nodeType() {
    return NODE_TYPES[this.node.type];
  }
  nodeValue() {
    const n = this.node;
    return n.type === 'text' || n.type === 'comment' ? n.data : undefined;
  }
  textContent() {
    return textContent(this.node);
  }
  innerHTML() {
    return html(this.node.children || []);
  }
  toString() {
    return isElement(this.node) ? `[object html.HTMLElement]` : `[object ${this.nodeName()}]`;
  }
  id() {
    return this.getAttribute('id') ?? '';
  }
  className() {
    return this.getAttribute('class');
  }
  classList() {
    return (this.getAttribute('class') || '').split(/\s+/).filter(Boolean);
  }
  getAttribute(name) {
    const a = this.node.attribs;
    return a && Object.prototype.hasOwnProperty.call(a, String(name)) ? a[String(name)] : undefined;
  }
  hasAttribute(name) {
    return this.getAttribute(name) !== undefined;
  }
  hasAttributes() {
    return Object.keys(this.node.attribs || {}).length > 0;
  }
  attributes() {
    const out = {};
    for (const [name, value] of Object.entries(this.node.attribs || {})) out[name] = { name, value, nsPrefix: '', ownerElement: this };
    return out;
  }
  hasChildNodes() {
    return (this.node.children || []).length > 0;
  }
  childNodes() {
    return (this.node.children || []).map(wrap);
  }
  children() {
    return (this.node.children || []).filter(isElement).map(wrap);
  }
  childElementCount() {
    return (this.node.children || []).filter(isElement).length;
  }
  firstChild() {
    return wrap((this.node.children || [])[0]);
  }
  lastChild() {
    return wrap((this.node.children || []).slice(-1)[0]);
  }
  firstElementChild() {
    return wrap((this.node.children || []).find(isElement));
  }
  lastElementChild() {
    return wrap((this.node.children || []).filter(isElement).slice(-1)[0]);
  }
  parentNode() {
    return wrap(this.node.parent);
  }
  parentElement() {
    return isElement(this.node.parent) ? wrap(this.node.parent) : undefined;
  }
  nextSibling() {
    return wrap(this.node.nextSibling);
  }
  previousSibling() {
    return wrap(this.node.previousSibling);
  }
  nextElementSibling() {
    return wrap(nextElement(this.node));
  }
  previousElementSibling() {
    return wrap(prevElement(this.node));
  }
  querySelector(selector) {
    return wrap(selectAll(String(selector), this.node)[0]);
  }
  querySelectorAll(selector) {
    return selectAll(String(selector), this.node).map(wrap);
  }
  getElementsByTagName(name) {
    return this.querySelectorAll(String(name));
  }
  getElementsByClassName(name) {
    return this.querySelectorAll(
      String(name)
        .split(/\s+/)
        .filter(Boolean)
        .map((c) => '.' + c.replace(/([^\w-])/g, '\\$1'))
        .join(''),
    );
  }
  matches(selector) {
    return isElement(this.node) && matchesSelector(this.node, String(selector));
  }
  contains(other) {
    for (let p = other && other.node; p; p = p.parent) if (p === this.node) return true;
    return false;
  }
  isSameNode(other) {
    return other instanceof Element && other.node === this.node;
  }
}

/** Parse an HTML document (a string) into a Selection holding the document. */
export function parseHTML(src) {
  return new Selection([parseDocument(String(src))]);
}

setHtmlParser(parseHTML);

export default { parseHTML };
