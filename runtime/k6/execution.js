// k6/execution: what a script can learn about its run. One validation is one VU running
// one iteration of the default scenario; `attempt` (k6-preflight) is the attempt number.
import { call } from 'k6p:internal/host';
import { info } from 'k6p:support/guest';

const startTime = Date.now();
const vuTags = {};
const vuMetadata = {};

function inInit(i) {
  return i.phase === 'init';
}

function iteration(i) {
  return typeof i.iter === 'number' ? i.iter : 0;
}

function vuId(i) {
  return typeof i.vu === 'number' ? i.vu : 1;
}

export const vu = Object.freeze(
  Object.create(null, {
    idInInstance: { enumerable: true, get: () => vuId(checked('VU')) },
    idInTest: { enumerable: true, get: () => vuId(checked('VU')) },
    iterationInInstance: { enumerable: true, get: () => iteration(checked('VU')) },
    iterationInScenario: { enumerable: true, get: () => iteration(checked('VU')) },
    tags: { enumerable: true, get: () => (checked('VU'), vuTags) },
    metrics: { enumerable: true, get: () => (checked('VU'), { tags: vuTags, metadata: vuMetadata }) },
  }),
);

function checked(what) {
  const i = info();
  if (inInit(i)) throw new Error(`getting ${what} information in the init context is not supported`);
  return i;
}

function scenarioInfo() {
  const i = info();
  if (inInit(i)) throw new Error('getting scenario information in the init context is not supported');
  if (i.phase !== undefined && i.phase !== 'default') throw new Error('getting scenario information outside of the VU context is not supported');
  return i;
}

export const scenario = Object.freeze(
  Object.create(null, {
    // The scenario whose exec function runs now (options.scenarios), else `default`.
    name: { enumerable: true, get: () => { const s = scenarioInfo().scenario; return s && typeof s.name === 'string' ? s.name : 'default'; } },
    executor: { enumerable: true, get: () => { const s = scenarioInfo().scenario; return s && typeof s.executor === 'string' ? s.executor : 'per-vu-iterations'; } },
    startTime: { enumerable: true, get: () => (scenarioInfo(), startTime) },
    progress: { enumerable: true, get: () => (scenarioInfo(), 0) },
    iterationInInstance: { enumerable: true, get: () => iteration(scenarioInfo()) },
    iterationInTest: { enumerable: true, get: () => iteration(scenarioInfo()) },
  }),
);

export const instance = Object.freeze(
  Object.create(null, {
    iterationsInterrupted: { enumerable: true, get: () => (checked('instance'), 0) },
    iterationsCompleted: { enumerable: true, get: () => (checked('instance'), 0) },
    vusActive: { enumerable: true, get: () => (checked('instance'), 1) },
    vusInitialized: { enumerable: true, get: () => (checked('instance'), 1) },
    currentTestRunDuration: { enumerable: true, get: () => (checked('instance'), Date.now() - startTime) },
  }),
);

function deepFreeze(v) {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

export const test = Object.freeze({
  /** Stop the run now: the attempt fails with "test aborted[: msg]". */
  abort(msg) {
    const message = msg === undefined ? '' : String(msg);
    call('test.abort', { message });
    const e = new Error(message === '' ? 'test aborted' : `test aborted: ${message}`);
    e.name = 'AbortError';
    throw e;
  },
  /** Mark the run as failed; execution continues. */
  fail(msg) {
    call('test.fail', { message: msg === undefined ? '' : String(msg) });
  },
  get options() {
    const i = info();
    if (inInit(i)) throw new Error('getting test options in the init context is not supported');
    const o = i.options && typeof i.options === 'object' ? JSON.parse(JSON.stringify(i.options)) : {};
    for (const k of ['vus', 'iterations', 'duration', 'stages']) delete o[k];
    return deepFreeze(o);
  },
});

/** The attempt number (k6-preflight: 1 for the first attempt of a validation). */
export const attempt = (() => {
  const a = info().attempt;
  return typeof a === 'number' ? a : 1;
})();

const execution = Object.create(null, {
  vu: { enumerable: true, get: () => (checked('VU'), vu) },
  scenario: {
    enumerable: true,
    get: () => {
      if (inInit(info())) throw new Error('getting scenario information in the init context is not supported');
      return scenario;
    },
  },
  instance: { enumerable: true, get: () => (checked('instance'), instance) },
  test: { enumerable: true, value: test },
  attempt: { enumerable: true, value: attempt },
});

export default execution;
