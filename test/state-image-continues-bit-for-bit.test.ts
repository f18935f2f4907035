// A state image (host/wasm/image.ts, docs/ABI.md "State images") is the
// whole of what a WASM instance knows: a fraud scorer restored from the
// image of another one mid-stream gives the rest of the stream the same
// feature rows and scores, bit for bit, as the one that never stopped, and
// taking the image changes nothing for the one it was taken from.

import { expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { Simulator } from '../host/simulator/simulator.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { STAT } from '../host/fraud/features.js';
import type { Event } from '../host/core/schema.js';
import type { ScoredOutput } from '../host/core/ports.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const OPTS = { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 512 };

function run(scorer: FraudScorer, events: readonly Event[]): ScoredOutput[] {
  const out: ScoredOutput[] = [];
  for (let at = 0, size = 1; at < events.length; at += size, size = (size * 13) % 700 + 1) out.push(...scorer.process(events.slice(at, at + size)).scored);
  return out;
}

function bits(scored: ScoredOutput[]): { scores: Float64Array; rows: Float64Array; ids: string[] } {
  const width = scored[0]!.features.length;
  const rows = new Float64Array(scored.length * width);
  scored.forEach((s, k) => rows.set(s.features, k * width));
  return { scores: Float64Array.from(scored, (s) => s.fraudScore), rows, ids: scored.map((s) => s.eventId) };
}

it('a scorer restored from an image mid-stream scores the rest as the one that never stopped', () => {
  const events = new Simulator({ seed: 11, rate: 2000 }).next(240_000);
  const cut = 123_457;
  const first = events.slice(0, cut);
  const rest = events.slice(cut);

  const unbroken = new FraudScorer(MODEL, OPTS);
  run(unbroken, first);
  const expected = bits(run(unbroken, rest));

  const before = new FraudScorer(MODEL, OPTS);
  run(before, first);
  const part = before.snapshot();
  expect(part.image!.byteLength % 65_536).toBe(0);
  const afterSnapshot = bits(run(before, rest));

  const restored = new FraudScorer(MODEL, { ...OPTS, capacity: 64 });
  restored.restore(structuredClone(part));
  expect(restored.features.stat(STAT.events)).toBe(cut - first.filter((e) => e.type === 'sale' || e.type === 'stock' || e.type === 'label').length);
  const got = bits(run(restored, rest));

  expect(expected.ids.length).toBeGreaterThan(250);
  for (const other of [afterSnapshot, got]) {
    expect(other.ids).toEqual(expected.ids);
    expect(Buffer.from(other.rows.buffer).equals(Buffer.from(expected.rows.buffer))).toBe(true);
    expect(Buffer.from(other.scores.buffer).equals(Buffer.from(expected.scores.buffer))).toBe(true);
  }
});

it('an image is refused by an instance whose memory it cannot hold the shape of', () => {
  const scorer = new FraudScorer(MODEL, OPTS);
  const part = scorer.snapshot();
  expect(() => scorer.restore({ ...part, image: part.image!.subarray(0, 1000) })).toThrow(/whole 64 KiB pages/);
});
