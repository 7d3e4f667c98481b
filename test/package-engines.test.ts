// package.json `engines` says what the runtime dependencies really need: every Node version
// it admits satisfies each dependency's own engines range, and the versions just below its
// lower bounds are refused by at least one dependency (so the range is not looser than needed,
// nor needlessly tight).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

type V = [number, number, number];
const parse = (s: string): V => {
  const [a = 0, b = 0, c = 0] = s.replace(/^v/, '').split('.').map((x) => (x === '*' || x === 'x' ? 0 : Number(x)));
  return [a, b, c];
};
const cmp = (a: V, b: V) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The subset of npm range syntax engines fields use: `||`, space-joined AND, >=, >, <, ^, ~, x.*, bare. */
function satisfies(v: V, range: string): boolean {
  return range.split('||').some((alt) =>
    alt.trim().replace(/(>=|<=|>|<|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean).every((c) => {
      const m = /^(>=|<=|>|<|\^|~)?(.+)$/.exec(c)!;
      const w = parse(m[2]!);
      switch (m[1]) {
        case '>=': return cmp(v, w) >= 0;
        case '<=': return cmp(v, w) <= 0;
        case '>': return cmp(v, w) > 0;
        case '<': return cmp(v, w) < 0;
        case '^': return v[0] === w[0] && cmp(v, w) >= 0;
        case '~': return v[0] === w[0] && v[1] === w[1] && cmp(v, w) >= 0;
        default: {
          const parts = m[2]!.split('.');
          return parts.every((p, i) => p === '*' || p === 'x' || Number(p) === v[i]);
        }
      }
    }));
}

/** The runtime dependencies and theirs, with their engines ranges (node_modules is flat here). */
function closure(): { name: string; range: string }[] {
  const seen = new Map<string, string>();
  const queue = Object.keys(pkg.dependencies);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    let meta;
    try {
      meta = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    } catch {
      continue; // an optional dependency not installed on this platform
    }
    seen.set(name, meta.engines?.node ?? '*');
    queue.push(...Object.keys(meta.dependencies ?? {}));
  }
  return [...seen].map(([name, range]) => ({ name, range }));
}
const deps = closure();

test('the range reader reads ranges the way npm does', () => {
  assert.equal(satisfies([20, 19, 0], '^20.19.0 || ^22.12.0 || >=23'), true);
  assert.equal(satisfies([21, 0, 0], '^20.19.0 || ^22.12.0 || >=23'), false);
  assert.equal(satisfies([14, 17, 0], '>=16 || 14 >=14.17'), true);
  assert.equal(satisfies([14, 16, 0], '>=16 || 14 >=14.17'), false);
  assert.equal(satisfies([18, 0, 0], '6.* || 8.* || >= 10.*'), true);
});

test('every Node version engines admits satisfies every runtime dependency', () => {
  const ours = pkg.engines.node as string;
  const candidates: V[] = [];
  for (let major = 18; major <= 26; major++) for (const minor of [0, 11, 12, 17, 18, 19, 20, 30]) for (const patch of [0, 1]) candidates.push([major, minor, patch]);
  const admitted = candidates.filter((v) => satisfies(v, ours));
  assert.ok(admitted.length > 0);
  for (const v of admitted) for (const d of deps) assert.ok(satisfies(v, d.range), `${v.join('.')} is admitted by engines "${ours}" but ${d.name} needs "${d.range}"`);
});

test('versions just below its lower bounds are refused by some dependency (the range is as tight as they need)', () => {
  for (const below of [[20, 18, 0], [22, 11, 0]] as V[]) {
    assert.ok(deps.some((d) => !satisfies(below, d.range)), `${below.join('.')}: no dependency refuses it; engines could admit it`);
  }
});
