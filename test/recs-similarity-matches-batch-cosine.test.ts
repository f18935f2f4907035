// With no pruning, no decay and every user's whole history kept, the
// streaming engine's item similarities are the exact batch item-kNN's
// (host/recs/reference.ts), for cosine and Jaccard, binary and weighted
// (counts are f32 in the core: equal to 1e-6). With K at least the catalogue,
// neighbour lists and user scores are exact too; with a smaller K the lists
// are kept incrementally and may miss a neighbour that overtook the weakest
// without its own count changing since (docs/RECOMMENDATIONS.md): this pins
// how close they stay.

import { describe, expect, it } from 'vitest';
import { RecsEngine, type RecsOptions } from '../host/recs/engine.js';
import { batchItemKnn } from '../host/recs/reference.js';
import { generateRatings } from './helpers/recs-data.js';

const ITEMS = 50;
const rows = generateRatings({ users: 80, items: ITEMS, perUser: 15, seed: 7 });
const exact: RecsOptions = { maxHistory: 1000, profileItems: 1000, maxPairs: 1 << 20, userTtlMs: 1e13, cartWeight: 2 };
const weightOf = (weighted: boolean, rating: number) => (weighted && rating >= 4 ? 2 : 1);

function engine(opts: RecsOptions, weighted: boolean): RecsEngine {
  const e = new RecsEngine({ ...exact, ...opts });
  for (const r of rows) {
    e.add(r.user, r.item, 'view', r.ts);
    if (weighted && r.rating >= 4) e.add(r.user, r.item, 'cart', r.ts);
  }
  e.flush();
  return e;
}

describe.each([
  ['cosine', false],
  ['cosine', true],
  ['jaccard', false],
] as const)('%s similarity (weighted: %s), K = the catalogue', (similarity, weighted) => {
  const e = engine({ similarity, neighbours: ITEMS }, weighted);
  const ref = batchItemKnn(rows.map((r) => ({ user: r.user, item: r.item, weight: weightOf(weighted, r.rating) })), { k: ITEMS, similarity });

  it('gives every pair the batch similarity', () => {
    let compared = 0;
    for (const a of ref.items) {
      for (const b of ref.items) {
        if (a === b) continue;
        expect(e.similarity(a, b)).toBeCloseTo(ref.sim(a, b), 6);
        compared++;
      }
    }
    expect(compared).toBe(ITEMS * (ITEMS - 1));
    expect(e.stat('pairsPruned')).toBe(0);
  });

  it('lists every item\'s neighbours with their similarities, best first', () => {
    for (const a of ref.items) {
      const want = ref.neighbours(a).slice(0, 10).map((x) => x.sim);
      const got = e.similar(a, want.length).map((x) => x.score);
      expect(got).toEqual(want.map((s) => expect.closeTo(s, 5)));
    }
  });

  it('scores users as the batch item-kNN does', () => {
    for (const user of ['u0', 'u1', 'u2', 'u13', 'u42']) {
      const all = ref.scores(user);
      const want = all.slice(0, 10);
      const got = e.recommend(user, want.length);
      expect(got.map((x) => x.score)).toEqual(want.map((x) => expect.closeTo(x.score, 4)));
      // The same items, up to the order of ties.
      for (const g of got) expect(all.find((w) => w.item === g.itemId)?.score).toBeCloseTo(g.score, 4);
    }
  });
});

describe('K smaller than the catalogue', () => {
  it('keeps nearly all of each item\'s exact top-K', () => {
    const k = 8;
    const e = engine({ neighbours: k }, false);
    const ref = batchItemKnn(rows.map((r) => ({ user: r.user, item: r.item })), { k });
    let sum = 0;
    let n = 0;
    let worst = 1;
    for (const a of ref.items) {
      const want = ref.neighbours(a);
      if (want.length === 0) continue;
      const kth = want[want.length - 1]!.sim;
      // Neighbours at least as similar as the exact K-th (ties at the K-th count either way).
      const kept = e.similar(a, k).filter((x) => x.score >= kth - 1e-6).length;
      const overlap = Math.min(kept, want.length) / want.length;
      sum += overlap;
      n++;
      worst = Math.min(worst, overlap);
    }
    expect(sum / n).toBeGreaterThan(0.95);
    expect(worst).toBeGreaterThanOrEqual(0.75);
  });
});
