// The same seed and start give the same stream, however it is pulled (one
// event at a time or in big batches); another seed or start gives another.

import { expect, test } from 'vitest';
import { Simulator } from '../host/simulator/simulator.js';

const opts = { seed: 42, start: Date.UTC(2025, 4, 1, 9), rate: 300 };

test('one seed, one stream: batch size does not matter, seed and start do', () => {
  const a = new Simulator(opts).next(30_000);
  const one = new Simulator(opts);
  const b = Array.from({ length: 30_000 }, () => one.next(1)[0]!);
  const chunked = new Simulator(opts);
  const c = [1, 7, 4096, 999, 24_897].flatMap((n) => chunked.next(n));
  expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  expect(JSON.stringify(c)).toBe(JSON.stringify(a));

  const otherSeed = new Simulator({ ...opts, seed: 43 }).next(30_000);
  expect(JSON.stringify(otherSeed)).not.toBe(JSON.stringify(a));
  const otherStart = new Simulator({ ...opts, start: opts.start + 1 }).next(1);
  expect(otherStart[0]!.eventId).not.toBe(a[0]!.eventId); // ids stay unique across runs that start at other times
});

test('the ground truth is deterministic too', () => {
  const a = new Simulator({ ...opts, fraud: { 'device-farm': 20 } });
  const b = new Simulator({ ...opts, fraud: { 'device-farm': 20 } });
  const ea = a.next(50_000);
  b.next(50_000);
  const injected = ea.filter((e) => a.injected(e.eventId));
  expect(injected.length).toBeGreaterThan(0);
  for (const e of injected) expect(b.injected(e.eventId)).toBe(a.injected(e.eventId));
});
