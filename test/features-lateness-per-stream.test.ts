// Lateness is measured per stream (a Kafka partition): a partition read two
// hours behind another, as when a consumer works through a backlog, is not
// late, and its events build their users' windows; within one stream the
// allowed lateness still holds. Without streams (lane 0) the old rule holds:
// late behind the newest event of any. The pipeline passes the source's
// stream through and counts late events in streamscore_events_late_total.

import { describe, expect, it } from 'vitest';
import { FeatureEngine, STAT } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import type { FeatureInput } from '../host/fraud/columns.js';
import { EngineError } from '../host/core/errors.js';
import { T0 } from './helpers/event-stream.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

const W = FEATURE_NAMES.length;
const col = (name: string) => FEATURE_NAMES.indexOf(name);
const MIN = 60_000;
const buy = (userId: string, minute: number, amount = 10): FeatureInput => ({ type: 'purchase', ts: T0 + minute * MIN, userId, deviceId: `d-${userId}`, amount });

/** Runs events as one batch in a lane; returns their rows. */
function runIn(e: FeatureEngine, lane: number, events: FeatureInput[]): Float64Array {
  const cols = e.columns();
  events.forEach((ev, i) => cols.set(i, ev));
  const n = e.run(events.length, undefined, lane);
  return e.rows(n).slice();
}

describe('lateness per stream', () => {
  it('a stream two hours behind another is not late, and its users keep their windows', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    const ahead = e.lane('events[0]');
    const behind = e.lane('events[1]');
    expect(ahead).not.toBe(behind);
    expect(e.lane('events[0]')).toBe(ahead); // numbered once
    runIn(e, ahead, [buy('a', 120), buy('a', 121)]);
    const rows = runIn(e, behind, [buy('b', 0), buy('b', 1), buy('b', 2)]);
    expect(e.stat(STAT.late)).toBe(0);
    expect(rows[2 * W + col('user_purchases_total')]).toBe(2);
    expect(rows[2 * W + col('user_purchases_5m')]).toBe(2);
    expect(e.stat(STAT.laneWatermark + behind)).toBe(T0 + 2 * MIN);
    expect(e.stat(STAT.laneWatermark + ahead)).toBe(T0 + 121 * MIN);
    expect(e.stat(STAT.watermark)).toBe(T0 + 121 * MIN); // the process's: the newest of any
  });

  it('without streams the same events are late and build nothing (the single-stream rule)', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    runIn(e, 0, [buy('a', 120), buy('a', 121)]);
    const rows = runIn(e, 0, [buy('b', 0), buy('b', 1), buy('b', 2)]);
    expect(e.stat(STAT.late)).toBe(3);
    expect(rows[2 * W + col('user_purchases_total')]).toBe(0);
  });

  it('within a stream the allowed lateness still holds', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    const s = e.lane('events[3]');
    const rows = runIn(e, s, [buy('c', 30), buy('c', 20, 99), buy('c', 31)]);
    expect(e.stat(STAT.late)).toBe(1);
    expect(rows[2 * W + col('user_purchases_total')]).toBe(1); // the late one was not counted
    expect(rows[2 * W + col('user_amount_max')]).toBe(10);
  });

  it('refuses a lane out of range', () => {
    const e = new FeatureEngine();
    e.columns().set(0, buy('x', 0));
    expect(e.maxLanes).toBe(1024);
    expect(() => e.run(1, undefined, e.maxLanes)).toThrow(EngineError);
    expect(() => e.run(1, undefined, -1)).toThrow(EngineError);
    expect(e.stat(STAT.events)).toBe(0);
  });

  it('past maxLanes - 1 streams, later ones share lanes', () => {
    const e = new FeatureEngine();
    const lanes = Array.from({ length: e.maxLanes + 1 }, (_, k) => e.lane(`t[${k}]`));
    expect(new Set(lanes.slice(0, e.maxLanes - 1)).size).toBe(e.maxLanes - 1);
    expect(Math.min(...lanes)).toBe(1);
    expect(Math.max(...lanes)).toBe(e.maxLanes - 1);
  });
});

it('the pipeline measures each source stream on its own and counts late events', async () => {
  const { pipeline, scores, metrics } = capturedPipeline();
  const message = (userId: string, minute: number, n: number, stream: string) => ({
    value: JSON.stringify({ eventId: `${userId}-${n}`, type: 'purchase', ts: T0 + minute * MIN, userId, deviceId: `d-${userId}`, amount: 10 }),
    where: `${stream}@${n}`,
  });
  await pipeline.handle([message('a', 120, 0, 'events[0]')], 'events[0]');
  await pipeline.handle([message('b', 0, 0, 'events[1]'), message('b', 1, 1, 'events[1]')], 'events[1]');
  const second = scores.find((s) => s.eventId === 'b-1')!;
  expect(second.features[col('user_purchases_total')]).toBe(1); // b's first purchase was counted
  expect(await metrics.registry.getSingleMetricAsString('streamscore_events_late_total')).toMatch(/streamscore_events_late_total 0$/m);

  // An event an hour behind its own stream is late: scored, counted, not added.
  await pipeline.handle([message('b', -60, 2, 'events[1]'), message('b', 2, 3, 'events[1]')], 'events[1]');
  expect(scores.find((s) => s.eventId === 'b-2')).toBeDefined();
  expect(scores.find((s) => s.eventId === 'b-3')!.features[col('user_purchases_total')]).toBe(2);
  expect(await metrics.registry.getSingleMetricAsString('streamscore_events_late_total')).toMatch(/streamscore_events_late_total 1$/m);
  metrics.close();
});
