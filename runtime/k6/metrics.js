// k6/metrics: custom metrics are accepted so scripts that define them still run.
// One validation has no metric output, so samples are checked and dropped.
import { info } from 'k6p:support/guest';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

class Metric {
  #name;
  #isTime;
  constructor(type, name, isTime) {
    if (!new.target || new.target === Metric) throw new TypeError('Metric is abstract');
    const n = String(name);
    const ph = info().phase;
    if (ph !== undefined && ph !== 'init') throw new Error('metrics must be declared in the init context');
    if (!NAME.test(n)) {
      throw new Error(`invalid metric name "${n}": use 1 to 128 ASCII letters, digits or underscores, starting with a letter or an underscore`);
    }
    this.#name = n;
    this.#isTime = Boolean(isTime);
    Object.defineProperty(this, 'type', { value: type, enumerable: false });
  }
  get name() {
    return this.#name;
  }
  get isTime() {
    return this.#isTime;
  }
  /** Accepts a sample (and tags) and drops it. */
  add(value, tags) {
    if (tags !== undefined && tags !== null && (typeof tags !== 'object' || Array.isArray(tags))) {
      throw new TypeError('metric tags must be an object');
    }
    void value;
    return true;
  }
}

export class Counter extends Metric {
  constructor(name, isTime) {
    super('counter', name, isTime);
  }
}
export class Gauge extends Metric {
  constructor(name, isTime) {
    super('gauge', name, isTime);
  }
}
export class Rate extends Metric {
  constructor(name, isTime) {
    super('rate', name, isTime);
  }
}
export class Trend extends Metric {
  constructor(name, isTime) {
    super('trend', name, isTime);
  }
}

export default { Counter, Gauge, Rate, Trend };
