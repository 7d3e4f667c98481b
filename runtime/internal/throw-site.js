// k6p:internal/throw-site — where a non-Error value was thrown. User modules are
// rewritten so that `throw X` reads `throw __k6p_throwSite(line, col, (X))`
// (src/script/throw-sites.ts); this records X with the stack at that point, the throw's
// own line:col standing in for the call's. The host asks for it through the loop hooks
// when a phase fails with exactly that value.
let last = { value: undefined, stack: '' };

Object.defineProperty(globalThis, '__k6p_throwSite', {
  value: function (line, col, value) {
    if (value instanceof Error) return value; // an Error has its own stack
    const frames = String(new Error().stack || '').split('\n');
    frames.shift(); // this function's own frame
    if (frames.length) frames[0] = frames[0].replace(/:\d+:\d+\)?$/, (m) => `:${line}:${col}${m.endsWith(')') ? ')' : ''}`);
    last = { value, stack: frames.join('\n') };
    return value;
  },
  writable: false,
  configurable: false,
  enumerable: false,
});

/** The stack recorded for `value` when it was thrown, or "" when it was not the last one. */
globalThis.__k6p_loop_hooks.throwStack = (value) => (Object.is(value, last.value) && last.stack ? last.stack : '');
