// k6/data: SharedArray. k6 keeps each element as JSON text and parses (and deep-freezes)
// it on every read, so the array is read-only and elements never share state. One
// attempt is one VU here, so "shared" means: built once per name in this attempt.
import { phase } from 'k6p:support/guest';

const built = new Map(); // name → JSON text of each element

function deepFreeze(v) {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze(v[k]);
  return v;
}

function immutable() {
  throw new TypeError('SharedArray is immutable');
}

function build(fn) {
  const value = fn();
  if (!Array.isArray(value)) throw new Error('only arrays can be made into SharedArray');
  const out = new Array(value.length);
  for (let i = 0; i < value.length; i++) out[i] = JSON.stringify(value[i]);
  return out;
}

const isIndex = (p) => typeof p === 'string' && /^(0|[1-9][0-9]*)$/.test(p);

export class SharedArray {
  constructor(name, fn) {
    if (phase() !== 'init') throw new Error('new SharedArray must be called in the init context');
    name = String(name);
    if (name === '') throw new Error("empty name provided to SharedArray's constructor");
    if (typeof fn !== 'function') throw new Error("a function is expected as the second argument of SharedArray's constructor");
    if (Object.prototype.toString.call(fn) === '[object AsyncFunction]') {
      throw new Error('SharedArray constructor does not support async functions as second argument');
    }
    let texts = built.get(name);
    if (!texts) built.set(name, (texts = build(fn)));
    const read = (i) => (texts[i] === undefined ? undefined : deepFreeze(JSON.parse(texts[i])));
    // The proxy's target is a plain array of the texts, so length, keys and
    // Array.isArray behave as for an array; reads parse, writes throw.
    return new Proxy(texts.slice(), {
      get(target, p, receiver) {
        if (isIndex(p)) return read(Number(p));
        return Reflect.get(target, p, receiver);
      },
      getOwnPropertyDescriptor(target, p) {
        const d = Reflect.getOwnPropertyDescriptor(target, p);
        if (d && isIndex(p)) d.value = read(Number(p));
        return d;
      },
      set: immutable,
      defineProperty: immutable,
      deleteProperty: immutable,
      setPrototypeOf: immutable,
    });
  }
}

export default { SharedArray };
