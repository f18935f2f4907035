// A copy of a state image into the buffer of the instance's last one
// (host/wasm/image.ts saveImage: what a checkpoint does) copies only the
// 4 KiB pages written since, as the module's writes and the host's mark
// them, and the result is the whole memory bit for bit: the same bytes as a
// whole copy. The pages it names, written over the last image, make the new
// one, and a scorer restored from the old image and those pages scores the
// rest of the stream as the one that never stopped.

import { expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { Simulator } from '../host/simulator/simulator.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { RecsEngine } from '../host/recs/engine.js';
import { DIRTY_PAGE, type ImageExports } from '../host/wasm/image.js';
import type { Event } from '../host/core/schema.js';
import type { Snapshot } from '../host/core/ports.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const OPTS = { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 512 };

function feed(scorer: FraudScorer, events: readonly Event[]): Float64Array {
  const scores: number[] = [];
  for (let at = 0; at < events.length; at += 400) for (const s of scorer.process(events.slice(at, at + 400)).scored) scores.push(s.fraudScore);
  return Float64Array.from(scores);
}

// The image without the 8 bytes of its copy's stamp (each copy gets a new one).
function unstamped(e: ImageExports, image: Uint8Array): Buffer {
  const b = Buffer.from(image);
  b.fill(0, e.stateDirty() + 2 ** 32 / DIRTY_PAGE, e.stateDirty() + 2 ** 32 / DIRTY_PAGE + 8);
  return b;
}

// `base` with the pages `next.changed` names taken from `next`.
function patched(base: Uint8Array, next: Snapshot): Uint8Array {
  const out = Uint8Array.from(base);
  for (const p of next.changed!) out.set(next.image!.subarray(p * DIRTY_PAGE, (p + 1) * DIRTY_PAGE), p * DIRTY_PAGE);
  return out;
}

it('a fraud scorer\'s image copied into its last one takes only the pages written since, and equals a whole copy', () => {
  const events = new Simulator({ seed: 21, rate: 2000 }).next(200_000);
  const scorer = new FraudScorer(MODEL, OPTS);
  const e = scorer.gbt.exports;
  feed(scorer, events.slice(0, 150_000));
  // A zeroed buffer of the memory's size is not a copy of this instance, whose stamp is zero until its first copy.
  const first = scorer.snapshot(new Uint8Array(e.memory.buffer.byteLength));
  expect(first.changed).toBeNull();
  const base = Uint8Array.from(first.image!);

  feed(scorer, events.slice(150_000, 151_000));
  const next = scorer.snapshot(first.image!);
  expect(next.image!.buffer).toBe(first.image!.buffer); // into the same buffer
  const pages = next.image!.byteLength / DIRTY_PAGE;
  expect(next.changed!.length).toBeGreaterThan(0);
  expect(next.changed!.length).toBeLessThan(pages / 4);
  const changed = next.changed!.slice();
  const inPlace = Uint8Array.from(next.image!);
  const whole = scorer.snapshot(); // nothing written since: the same memory, copied whole
  expect(unstamped(e, inPlace).equals(unstamped(e, whole.image!))).toBe(true);
  expect(Buffer.from(patched(base, { ...next, image: inPlace, changed })).equals(Buffer.from(inPlace))).toBe(true);

  // A buffer that is not this instance's last copy gets a whole copy.
  expect(scorer.snapshot(Uint8Array.from(base)).changed).toBeNull();

  // Restored from the older image and the pages changed since.
  const unbroken = feed(scorer, events.slice(151_000));
  const restored = new FraudScorer(MODEL, OPTS);
  restored.restore({ image: base, deltas: [{ byteLength: base.byteLength, changed, data: Buffer.concat([...changed].map((p) => inPlace.subarray(p * DIRTY_PAGE, (p + 1) * DIRTY_PAGE))) }], meta: next.meta });
  expect(Buffer.from(feed(restored, events.slice(151_000)).buffer).equals(Buffer.from(unbroken.buffer))).toBe(true);
});

it('a recommender\'s image copied into its last one equals a whole copy', () => {
  const events = new Simulator({ seed: 5, rate: 2 }).next(60_000);
  const engine = new RecsEngine();
  const e = engine.exports as unknown as ImageExports;
  const apply = (from: number, to: number) => {
    for (const ev of events.slice(from, to)) if (ev.type === 'view' || ev.type === 'cart') engine.add(ev.userId, ev.itemId, ev.type, ev.ts);
  };
  apply(0, 50_000);
  const first = engine.snapshot();
  apply(50_000, 51_000);
  const next = engine.snapshot(first.image!);
  expect(next.changed!.length).toBeGreaterThan(0);
  expect(next.changed!.length).toBeLessThan(next.image!.byteLength / DIRTY_PAGE);
  const inPlace = Uint8Array.from(next.image!);
  expect(unstamped(e, inPlace).equals(unstamped(e, engine.snapshot().image!))).toBe(true);
});
