// In live mode event time is wall time: an event is released once the clock
// reaches its ts (never before), and by then every event due is released.
// The clock is the runner's injectable one, so the test does not depend on
// how busy the machine is (timings belong in benchmarks).

import { expect, test } from 'vitest';
import { live } from '../host/simulator/pace.js';
import { Simulator } from '../host/simulator/simulator.js';

test('live: events arrive when their time comes, at the rate', async () => {
  const rate = 2000;
  const start = Date.UTC(2024, 0, 1);
  const sim = new Simulator({ seed: 8, rate, start, diurnal: 0, skus: 0 });
  const stop = new AbortController();
  // A clock that moves a millisecond each time it is read.
  let t = start;
  const now = () => ++t;
  let n = 0;
  for await (const batch of live(sim, { signal: stop.signal, tickMs: 1, now })) {
    const releasedAt = t;
    for (const e of batch) if (e.ts > releasedAt) expect.fail(`event at ${e.ts} released early at ${releasedAt}`);
    // Nothing due is held back: the next event is still in the future.
    expect(sim.peekTs()).toBeGreaterThan(releasedAt);
    n += batch.length;
    if (t >= start + 2000) stop.abort();
  }
  // Two seconds of event time at 2,000 events a second.
  expect(n).toBeGreaterThan(rate * 2 * 0.6);
  expect(n).toBeLessThan(rate * 2 * 1.4);
});

test('fast-forward: the same events, as fast as they are taken', async () => {
  const { fastForward } = await import('../host/simulator/pace.js');
  const opts = { seed: 8, rate: 2000, start: Date.UTC(2024, 0, 1), skus: 0 };
  const got = [];
  for await (const b of fastForward(new Simulator(opts), { limit: 10_000, maxBatch: 333 })) got.push(...b);
  expect(got).toEqual(new Simulator(opts).next(10_000));
});
