// Events come out in event-time order (ties allowed), from the start time
// on, at about the configured rate.

import { expect, test } from 'vitest';
import { Simulator } from '../host/simulator/simulator.js';

test('ts never goes back, starts at start, and the mean rate is the configured one', () => {
  const start = Date.UTC(2024, 2, 4); // a Monday
  const rate = 50;
  const sim = new Simulator({ seed: 5, start, rate });
  let last = start;
  let n = 0;
  let t = start;
  const day = start + 86_400_000;
  while (t < day) {
    for (const e of sim.next(4096)) {
      if (e.ts < last) expect.fail(`event ${n} (${e.type}) at ${e.ts} is before ${last}`);
      last = t = e.ts;
      if (t < day) n++;
    }
  }
  // The rate is a daily mean (traffic swings with the time of day); within 10% over a whole day.
  expect(n / 86_400).toBeGreaterThan(rate * 0.9);
  expect(n / 86_400).toBeLessThan(rate * 1.1);
});

test('the stream opens at its steady rate: sessions already in progress at the start', () => {
  const start = Date.UTC(2024, 2, 4, 12);
  const sim = new Simulator({ seed: 9, start, rate: 400, diurnal: 0 });
  const events = sim.until(start + 20 * 60_000);
  const perMinute = Array.from({ length: 20 }, (_, m) => events.filter((e) => e.ts >= start + m * 60_000 && e.ts < start + (m + 1) * 60_000).length);
  const steady = perMinute.slice(10).reduce((a, b) => a + b, 0) / 10;
  expect(perMinute[0]!).toBeGreaterThan(steady * 0.75);
  expect(steady / 60).toBeGreaterThan(400 * 0.85);
  expect(steady / 60).toBeLessThan(400 * 1.15);
});
