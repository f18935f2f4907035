// Lateness is measured from the watermark, the newest event so far: an
// event more than the allowed lateness behind it is late (scored, counted,
// kept out of the state), one within it counts. Streams read apart in time
// (a backlog of Kafka partitions) are not late because the source merges
// them in event-time order (test/kafka-backlog-partitions-apart-are-not-late),
// not because the engine keeps a watermark per stream. The pipeline counts
// late events in streamscore_events_late_total.

import { describe, expect, it } from 'vitest';
import { FeatureEngine, STAT } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import type { FeatureInput } from '../host/fraud/columns.js';
import { T0 } from './helpers/event-stream.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

const W = FEATURE_NAMES.length;
const col = (name: string) => FEATURE_NAMES.indexOf(name);
const MIN = 60_000;
const buy = (userId: string, minute: number, amount = 10): FeatureInput => ({ type: 'purchase', ts: T0 + minute * MIN, userId, deviceId: `d-${userId}`, amount });

/** Runs events as one batch; returns their rows. */
function run(e: FeatureEngine, events: FeatureInput[]): Float64Array {
  const cols = e.columns();
  events.forEach((ev, i) => cols.set(i, ev));
  const n = e.run(events.length);
  return e.rows(n).slice();
}

describe('lateness', () => {
  it('events two hours behind the watermark are late and build nothing', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    run(e, [buy('a', 120), buy('a', 121)]);
    const rows = run(e, [buy('b', 0), buy('b', 1), buy('b', 2)]);
    expect(e.stat(STAT.watermark)).toBe(T0 + 121 * MIN);
    expect(e.stat(STAT.late)).toBe(3);
    expect(rows[2 * W + col('user_purchases_total')]).toBe(0);
  });

  it('within the allowed lateness an event counts; past it, it does not', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    const rows = run(e, [buy('c', 30), buy('c', 20, 99), buy('c', 31), buy('c', 27, 50), buy('c', 32)]);
    expect(e.stat(STAT.late)).toBe(1);
    expect(rows[2 * W + col('user_purchases_total')]).toBe(1); // the late one was not counted
    expect(rows[2 * W + col('user_amount_max')]).toBe(10);
    expect(rows[4 * W + col('user_purchases_total')]).toBe(3); // 4 minutes behind, within 5: counted
    expect(rows[4 * W + col('user_amount_max')]).toBe(50);
  });

});

it('the pipeline counts late events', async () => {
  const { pipeline, scores, metrics } = capturedPipeline();
  const message = (userId: string, minute: number, n: number, stream: string) => ({
    value: JSON.stringify({ eventId: `${userId}-${n}`, type: 'purchase', ts: T0 + minute * MIN, userId, deviceId: `d-${userId}`, amount: 10 }),
    where: `${stream}@${n}`,
  });
  await pipeline.handle([message('b', 0, 0, 'events'), message('b', 1, 1, 'events')]);
  const second = scores.find((s) => s.eventId === 'b-1')!;
  expect(second.features[col('user_purchases_total')]).toBe(1); // b's first purchase was counted
  expect(await metrics.registry.getSingleMetricAsString('streamscore_events_late_total')).toMatch(/streamscore_events_late_total 0$/m);

  // An event an hour behind the watermark is late: scored, counted, not added.
  await pipeline.handle([message('b', -60, 2, 'events'), message('b', 2, 3, 'events')]);
  expect(scores.find((s) => s.eventId === 'b-2')).toBeDefined();
  expect(scores.find((s) => s.eventId === 'b-3')!.features[col('user_purchases_total')]).toBe(2);
  expect(await metrics.registry.getSingleMetricAsString('streamscore_events_late_total')).toMatch(/streamscore_events_late_total 1$/m);
  metrics.close();
});
