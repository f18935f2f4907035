// The recommender and the inventory job taken up from a checkpoint's parts
// mid-stream end where the ones that never stopped do: every user's
// recommendations, every item's similar items, every SKU's level, history,
// model and forecast, bit for bit. The parts go through the checkpoint's
// own encoding (storePart/loadPart: node:v8 for the host's side), as a
// whole checkpoint and a delta on it (the pages changed since).

import { expect, it } from 'vitest';
import { Simulator } from '../host/simulator/simulator.js';
import { RecsStage } from '../host/recs/stage.js';
import { InventoryStage } from '../host/forecast/inventory.js';
import { decodeCheckpoint, encodeCheckpoint, loadPart, resolveChain, storePart } from '../host/state/checkpoint.js';
import type { BatchOutput, Event, Stateful } from '../host/core/ports.js';
import type { Stage } from '../host/core/pipeline.js';

const BATCH = 1000;

function out(): BatchOutput {
  return { scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], labels: [] };
}

function feed(stage: Stage, events: readonly Event[]): BatchOutput {
  let last = out();
  for (let at = 0; at < events.length; at += BATCH) {
    last = out();
    void stage.process(events.slice(at, at + BATCH), last);
  }
  return last;
}

/** The stage fed `first`, then a fresh one restored from its checkpoints: a whole one 2 batches before the end, a delta at the end. */
async function resumed<S extends Stage & Stateful>(make: () => S, first: readonly Event[]): Promise<{ stage: S; delta: boolean }> {
  const before = make();
  const half = first.length - 2 * BATCH;
  feed(before, first.slice(0, half));
  // The parts through a checkpoint's bytes and back.
  const expect = { build: 'b'.repeat(64), catalogue: 1 };
  const checkpoint = async (seq: number, base: number | null, into?: Uint8Array) => {
    const part = storePart(await before.snapshot(into));
    const bytes = Buffer.concat(await encodeCheckpoint({ seq, ...expect, createdAt: 0, base, source: { name: 's', position: {} }, sinks: {}, parts: { job: part } }));
    return { part, checkpoint: decodeCheckpoint(bytes, expect) };
  };
  const whole = await checkpoint(1, null);
  feed(before, first.slice(half));
  const image = whole.part.image;
  const delta = await checkpoint(2, 1, image instanceof Uint8Array ? new Uint8Array(image.buffer) : undefined);
  const after = make();
  await after.restore(loadPart(resolveChain([whole.checkpoint, delta.checkpoint]).parts.job!));
  return { stage: after, delta: (delta.checkpoint.parts.job!.deltas ?? []).length > 0 };
}

const events = new Simulator({ seed: 4, rate: 2 }).next(150_000);
const cut = 77 * BATCH;
const first = events.slice(0, cut);
const rest = events.slice(cut);

it('a recommender restored mid-stream recommends what the unbroken one does', async () => {
  const make = () => new RecsStage({ now: () => 0 });
  const unbroken = make();
  feed(unbroken, events);
  const { stage: restored, delta } = await resumed(make, first);
  expect(delta).toBe(true); // the second checkpoint held the image's changed pages only
  feed(restored, rest);

  const now = events[events.length - 1]!.ts;
  const users = [...new Set(events.flatMap((e) => ('userId' in e ? [e.userId] : [])))];
  const items = [...new Set(events.flatMap((e) => (e.type === 'view' || e.type === 'cart' ? [e.itemId] : [])))];
  expect(users.length).toBeGreaterThan(1000);
  let lists = 0;
  for (const u of users) {
    const want = unbroken.engine.recommend(u, 20, now);
    lists += want.length > 0 ? 1 : 0;
    expect(restored.engine.recommend(u, 20, now), u).toEqual(want);
  }
  expect(lists).toBeGreaterThan(500);
  for (const i of items) expect(restored.engine.similar(i, 20), i).toEqual(unbroken.engine.similar(i, 20));
});

it('an inventory job restored mid-stream holds every SKU as the unbroken one does', async () => {
  const make = () => new InventoryStage({ period: 'hour', minHistory: 6 });
  const unbroken = make();
  const lastUnbroken = feed(unbroken, events);
  const { stage: restored } = await resumed(make, first);
  const lastRestored = feed(restored, rest);

  const skus = [...new Set(events.flatMap((e) => (e.type === 'sale' || e.type === 'stock' ? [e.sku] : [])))];
  expect(skus.length).toBeGreaterThan(50);
  let models = 0;
  for (const s of skus) {
    const want = unbroken.sku(s)!;
    if (want.model) models++;
    expect(restored.sku(s), s).toEqual(want);
  }
  expect(models).toBeGreaterThan(10);
  expect(restored.stats).toEqual(unbroken.stats);
  expect(lastRestored.inventory).toEqual(lastUnbroken.inventory);
});
