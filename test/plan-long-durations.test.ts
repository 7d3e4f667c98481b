// Durations beyond Node's timer limit (2^31 − 1 ms ≈ 24.8 days): a timeout that long is
// refused at parse time naming the flag and the maximum; longer waits are chained, so they
// neither fire at once (false failure) nor spin (TimeoutOverflowWarning flood, busy loop).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIMEOUT_MS, MAX_TIMER_MS, parseDuration } from '../src/plan/duration.js';
import { PlanError, planFromInput } from '../src/plan/plan.js';
import { realClock } from '../src/poll/clock.js';
import { cli, loopback } from './helpers/cli.js';

describe('long durations: parse rules', () => {
  it('a timeout longer than a timer can hold is refused, naming the flag and the maximum', () => {
    assert.throws(
      () => planFromInput({ timeout: '597h' }),
      (e: unknown) => e instanceof PlanError && e.field === '--timeout' && /596h0m0s/.test(e.message),
    );
    assert.throws(() => parseDuration('600h', { timer: true }), /longest timeout, 596h0m0s/);
    assert.ok(MAX_TIMEOUT_MS < MAX_TIMER_MS);
  });

  it('the longest timeout and waits beyond the timer limit are accepted', () => {
    const plan = planFromInput({ timeout: '596h', interval: '1000h', maxInterval: '1000h', maxDuration: '2000h', initialDelay: '1h' });
    assert.equal(plan.timeoutMs, MAX_TIMEOUT_MS);
    assert.equal(plan.intervalMs, 1000 * 3_600_000);
    assert.equal(plan.maxDurationMs, 2000 * 3_600_000);
  });
});

describe('long durations: the real clock chains its timers', () => {
  it('a sleep longer than 2^31 − 1 ms neither resolves early nor warns', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const ac = new AbortController();
    let resolved = false;
    const p = realClock.sleep(1000 * 3_600_000, ac.signal).then(() => (resolved = true));
    // Let timers and immediates run for a while: an overflowing timer fires after 1 ms.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(resolved, false, 'a 1000h sleep must not end after 50 ms');
    ac.abort();
    await p;
    process.off('warning', onWarning);
    assert.deepEqual(warnings, []);
  });
});

describe('long durations: CLI end to end', () => {
  it('--timeout 597h is a usage error naming --timeout and the maximum (exit 2)', async () => {
    const r = await cli(['check', 'http://127.0.0.1:9/', '--timeout', '597h']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--timeout/);
    assert.match(r.stderr, /596h0m0s/);
    const run = await cli(['run', '-', '--timeout', '597h']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--timeout .*596h0m0s/);
  });

  it('--timeout 596h against a healthy target passes (no false timeout)', async () => {
    const srv = await loopback((_n, _req, res) => res.end('ok'));
    try {
      const r = await cli(['check', `${srv.url}/`, '--timeout', '596h', '--max-duration', '2000h']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /Succeeded/);
      assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
    } finally {
      await srv.close();
    }
  });

  it('--interval 1000h waits quietly: one attempt, no TimeoutOverflowWarning', async () => {
    const srv = await loopback((_n, _req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    try {
      const r = await cli(['check', `${srv.url}/`, '--interval', '1000h', '--max-duration', '2000h'], {
        onSpawn: (kill, stdout) => {
          // Stop it once the first attempt is reported and the driver has been waiting a moment.
          const t = setInterval(() => {
            if (/next attempt/.test(stdout())) {
              clearInterval(t);
              setTimeout(() => kill('SIGTERM'), 300);
            }
          }, 50);
        },
      });
      assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
      assert.equal(srv.hits(), 1, 'only the first attempt runs');
      assert.match(r.stdout + r.stderr, /Aborted/);
    } finally {
      await srv.close();
    }
  });
});
