// A user or item the engine knows nothing about gets the most popular items
// (time-decayed); a user with too few similar items has the list filled up
// with popular ones, scored below every similarity-based one.

import { describe, expect, it } from 'vitest';
import { RecsEngine } from '../host/recs/engine.js';

const t0 = Date.UTC(2024, 5, 1);
const DAY = 86_400_000;

describe('popularity fallback', () => {
  it('recommends the most popular items to a new user, most popular first', () => {
    const e = new RecsEngine();
    let n = 0;
    for (const [item, times] of [['p3', 3], ['p5', 5], ['p1', 1], ['p4', 4]] as const) {
      for (let k = 0; k < times; k++) e.add(`x${n++}`, item, 'view', t0 + n);
    }
    expect(e.recommend('newcomer', 3).map((r) => r.itemId)).toEqual(['p5', 'p4', 'p3']);
    expect(e.similar('never-seen-item', 2).map((r) => r.itemId)).toEqual(['p5', 'p4']);
    expect(e.popular(4).map((r) => r.itemId)).toEqual(['p5', 'p4', 'p3', 'p1']);
  });

  it('lets recent interest outweigh old popularity (one-day half-life)', () => {
    const e = new RecsEngine({ popularityHalfLifeMs: DAY });
    for (let k = 0; k < 8; k++) e.add(`old${k}`, 'old', 'view', t0 + k);
    for (let k = 0; k < 3; k++) e.add(`new${k}`, 'new', 'view', t0 + 3 * DAY + k); // 8 / 2^3 = 1 < 3
    expect(e.recommend('newcomer', 2).map((r) => r.itemId)).toEqual(['new', 'old']);
  });

  it('fills a short similarity list with popular items scored below it', () => {
    const e = new RecsEngine();
    for (let k = 0; k < 5; k++) e.add(`fan${k}`, 'hit', 'view', t0 + k);
    e.add('v', 'a', 'view', t0 + 10);
    e.add('v', 'b', 'view', t0 + 11);
    e.add('u', 'a', 'view', t0 + 20);
    const got = e.recommend('u', 3);
    expect(got.map((r) => r.itemId)).toEqual(['b', 'hit']);
    expect(got[1]!.score).toBeLessThan(got[0]!.score);
  });
});
