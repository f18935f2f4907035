// With a deferred stage (the recommendations thread) and maxDeferred
// (RECS_MAX_BEHIND), a batch's `readOn` resolves once its scores are written
// and the events whose lists are still unwritten are within the bound, while
// the batch's own promise (what the source commits on) still waits for its
// lists. Past the bound, readOn waits for as many of the oldest batches'
// lists as bring it back under; with 0, there is no readOn (the source waits
// for the lists, as before). A failed list write fails its batch, never a
// later batch's readOn.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { FraudScorer } from '../host/service/fraud.js';
import { Pipeline, type Stage } from '../host/service/pipeline.js';
import { createInstrumentation } from '../host/service/instrumentation.js';
import type { Handled, Sink, SourceMessage } from '../host/service/types.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const T0 = Date.UTC(2024, 4, 1);

/** A batch of n views (and, first, one purchase, so that the batch has a score to write). */
function batch(k: number, n: number): SourceMessage[] {
  const out: SourceMessage[] = [
    { value: JSON.stringify({ eventId: `p${k}`, type: 'purchase', ts: T0 + k * 1000, userId: `u${k}`, amount: 20, deviceId: `d${k}`, ip: '10.0.0.1' }), where: `test:${k}` },
  ];
  for (let i = 1; i < n; i++) out.push({ value: JSON.stringify({ eventId: `v${k}-${i}`, type: 'view', ts: T0 + k * 1000 + i, userId: `u${k}`, itemId: `i${i}` }), where: `test:${k}` });
  return out;
}

/** A deferred stage that answers a batch only when the test says so. */
function heldStage(): { stage: Stage; answer: (k: number, error?: Error) => void } {
  const held: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    stage: { name: 'held', deferred: true, process: () => new Promise<void>((resolve, reject) => held.push({ resolve, reject })) },
    answer: (k, error) => (error ? held[k]!.reject(error) : held[k]!.resolve()),
  };
}

/** Whether p has settled, after the microtasks and one macrotask have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 10));
  return done;
}

function pipeline(stage: Stage, maxDeferred: number): { pipeline: Pipeline; scoresWritten: () => number } {
  let scores = 0;
  const sink: Sink = {
    name: 'count',
    async write(out) {
      scores += out.scores.length;
    },
    readiness: () => ({ ok: true }),
    close: async () => {},
  };
  const p = new Pipeline({
    fraud: new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 }),
    stages: [stage],
    sinks: [sink],
    instrumentation: createInstrumentation(),
    maxDeferred,
  });
  return { pipeline: p, scoresWritten: () => scores };
}

describe('a batch whose lists are behind', () => {
  it('lets the source read on once its scores are written, within the bound, and commits only after its lists', async () => {
    const { stage, answer } = heldStage();
    const { pipeline: p, scoresWritten } = pipeline(stage, 25);
    const handled: Handled[] = [];
    for (let k = 0; k < 2; k++) handled.push(p.handle(batch(k, 10)));
    // 20 events behind, within 25: both may read on, neither is done.
    expect(await settled(handled[0]!.readOn!)).toBe(true);
    expect(await settled(handled[1]!.readOn!)).toBe(true);
    expect(scoresWritten()).toBe(2);
    expect(await settled(handled[0]!)).toBe(false);
    expect(await settled(handled[1]!)).toBe(false);

    // A third batch brings 30 behind: its readOn waits for the oldest batch's lists.
    handled.push(p.handle(batch(2, 10)));
    expect(await settled(handled[2]!.readOn!)).toBe(false);
    expect(scoresWritten(), 'its scores are written all the same').toBe(3);
    answer(0);
    expect(await settled(handled[2]!.readOn!)).toBe(true);
    expect(await settled(handled[0]!)).toBe(true);
    expect(await settled(handled[1]!)).toBe(false);

    // A batch larger than the bound alone waits for every list before it and its own.
    handled.push(p.handle(batch(3, 40)));
    expect(await settled(handled[3]!.readOn!)).toBe(false);
    answer(1);
    answer(2);
    expect(await settled(handled[3]!.readOn!)).toBe(false);
    answer(3);
    expect(await settled(handled[3]!.readOn!)).toBe(true);
    await Promise.all(handled);
  });

  it('gives no readOn with a bound of 0: reading waits for the lists', async () => {
    const { stage, answer } = heldStage();
    const { pipeline: p } = pipeline(stage, 0);
    const h = p.handle(batch(0, 10));
    expect(h.readOn).toBeUndefined();
    expect(await settled(h)).toBe(false);
    answer(0);
    await h;
  });

  it('fails the batch whose lists failed, not a later batch\'s readOn', async () => {
    const { stage, answer } = heldStage();
    const { pipeline: p } = pipeline(stage, 15);
    const first = p.handle(batch(0, 10));
    const second = p.handle(batch(1, 10));
    expect(await settled(second.readOn!)).toBe(false);
    answer(0, new Error('lists thread gone'));
    await expect(first).rejects.toThrow(/lists thread gone/);
    // The failed batch no longer counts as behind; the later one may read on (its own write fails with the gate).
    await second.readOn;
    answer(1);
    await expect(second).rejects.toThrow(/lists thread gone/);
  });
});
