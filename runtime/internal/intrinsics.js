// k6p:internal/intrinsics — the built-ins the runtime's bookkeeping relies on, captured when
// the prelude runs, before any user code. A script may replace or poison JSON, Object, Array,
// String, Promise, Symbol or Error afterwards; the check tallies, the bridge's encoding and
// the host's records keep using these originals, so they still say what really happened.
// Rule for runtime code on those paths: no for…of or spread (Array iterators can be
// replaced), no method calls on shared prototypes, no global look-ups at call time.
const J = JSON;
const O = Object;
const R = Reflect;

export const jsonParse = J.parse;
const jsonStringify = J.stringify;
export const objectKeys = O.keys;
export const getPrototypeOf = O.getPrototypeOf;
export const defineProperty = O.defineProperty;
export const isArray = Array.isArray;
export const apply = R.apply;
export const ObjectCtor = O;
export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
const isFiniteNumber = Number.isFinite;
const stringIncludes = String.prototype.includes;
const PromisePrototype = Promise.prototype;
const AsyncFunctionPrototype = O.getPrototypeOf(async function () {});

/** `s.includes(sub)` for a string `s`, immune to String.prototype changes. */
export function includes(s, sub) {
  return apply(stringIncludes, s, [sub]);
}

/** Whether `v` is a real promise (its prototype chain reaches Promise.prototype). */
export function isPromise(v) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  for (let p = getPrototypeOf(v), n = 0; p !== null && n < 64; p = getPrototypeOf(p), n++) {
    if (p === PromisePrototype) return true;
  }
  return false;
}

/** Whether `fn` is an async function. */
export function isAsyncFunction(fn) {
  return typeof fn === 'function' && getPrototypeOf(fn) === AsyncFunctionPrototype;
}

/**
 * JSON text for a bridge payload. Like JSON.stringify for the plain data the runtime
 * builds (objects, arrays, strings, numbers, booleans, null), but it never looks up
 * toJSON, iterators or prototype methods, which a script could have replaced.
 */
export function encodeJson(v) {
  const out = encodeValue(v, 0);
  return out === undefined ? 'null' : out;
}

const MAX_DEPTH = 64;

function encodeValue(v, depth) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonStringify(v); // a primitive: no toJSON, no prototype involved
    case 'number':
      return isFiniteNumber(v) ? jsonStringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols, bigints: left out, as JSON does
  }
  if (depth >= MAX_DEPTH) throw new TypeError('payload nested too deeply');
  if (isArray(v)) {
    let s = '[';
    const n = v.length;
    for (let i = 0; i < n; i++) {
      const e = encodeValue(v[i], depth + 1);
      s += (i ? ',' : '') + (e === undefined ? 'null' : e);
    }
    return s + ']';
  }
  const keys = objectKeys(v);
  let s = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const e = encodeValue(v[k], depth + 1);
    if (e === undefined) continue;
    s += (first ? '' : ',') + jsonStringify(k) + ':' + e;
    first = false;
  }
  return s + '}';
}
