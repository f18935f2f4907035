// The dashboard's live numbers: events per second over the last whole
// seconds of the window, and latency percentiles over the window's scores.
import { expect, test } from 'vitest';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createLiveStats } from '../host/serve/live-stats.js';

test('events per second by type, and latency p50/p99 over the window', () => {
  let now = 100_000;
  const i = createInstrumentation();
  const stats = createLiveStats(i, { windowSeconds: 2, now: () => now });
  expect(stats.snapshot()).toMatchObject({ eventsPerSecond: 0, eventsTotal: 0, latencyMs: null, topItems: [] });

  i.emit('events.in', { type: 'purchase', count: 300 });
  i.emit('events.in', { type: 'view', count: 100 });
  now += 1000;
  i.emit('events.in', { type: 'purchase', count: 100 });
  // 100 latencies: 1..100 ms
  i.emit('scores.written', { eventTimestamps: Array.from({ length: 100 }, (_, k) => now - (k + 1)), writtenAt: now });
  now += 1000;
  const s = stats.snapshot();
  expect(s.eventsPerSecond).toBe(250); // 500 events over 2 whole seconds
  expect(s.byType).toEqual({ purchase: 200, view: 50 });
  expect(s.eventsTotal).toBe(500);
  expect(s.latencyMs).toEqual({ p50: 50, p99: 99, max: 100, samples: 100 });

  // Seconds that left the window no longer count; old latencies neither.
  now += 3000;
  expect(stats.snapshot()).toMatchObject({ eventsPerSecond: 0, byType: {}, eventsTotal: 500, latencyMs: null });
  stats.close();
  i.emit('events.in', { type: 'purchase', count: 1 });
  expect(stats.snapshot().eventsTotal).toBe(500);
});
