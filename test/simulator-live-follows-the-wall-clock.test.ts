// In live mode event time is wall time: an event is released once the clock
// reaches its ts (never before), promptly, at the configured rate.

import { expect, test } from 'vitest';
import { live } from '../host/sources/pace.js';
import { Simulator } from '../host/sources/simulator.js';

test('live: events arrive when their time comes, at about the rate', async () => {
  const rate = 2000;
  const start = Date.now();
  const sim = new Simulator({ seed: 8, rate, start, diurnal: 0, skus: 0 });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 800);
  let n = 0;
  let worstLag = 0;
  for await (const batch of live(sim, { signal: stop.signal, tickMs: 10 })) {
    const now = Date.now();
    for (const e of batch) {
      if (e.ts > now) expect.fail(`event at ${e.ts} released early at ${now}`);
      worstLag = Math.max(worstLag, now - e.ts);
    }
    n += batch.length;
  }
  const secs = (Date.now() - start) / 1000;
  expect(worstLag).toBeLessThan(250);
  expect(n / secs).toBeGreaterThan(rate * 0.6);
  expect(n / secs).toBeLessThan(rate * 1.4);
});

test('fast-forward: the same events, as fast as they are taken', async () => {
  const { fastForward } = await import('../host/sources/pace.js');
  const opts = { seed: 8, rate: 2000, start: Date.UTC(2024, 0, 1), skus: 0 };
  const got = [];
  for await (const b of fastForward(new Simulator(opts), { limit: 10_000, maxBatch: 333 })) got.push(...b);
  expect(got).toEqual(new Simulator(opts).next(10_000));
});
