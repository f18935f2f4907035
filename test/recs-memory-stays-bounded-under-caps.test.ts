// Memory is bounded by the caps: pairs never exceed maxPairs (the rarest are
// pruned, and lists never point at a pruned pair), neighbour lists never
// exceed K, user histories never exceed maxHistory, idle users expire; so the
// bytes held level off however many interactions come.

import { describe, expect, it } from 'vitest';
import { RecsEngine } from '../host/recs/engine.js';
import { mulberry32 } from '../host/train/split.js';

const t0 = Date.UTC(2024, 0, 1);

function feed(e: RecsEngine, r: () => number, from: number, n: number, users: number, items: number): void {
  for (let k = 0; k < n; k++) {
    // Skewed item choice: a few items are popular, most are rare.
    const item = Math.floor(items * Math.pow(r(), 2));
    e.add(`u${Math.floor(r() * users)}`, `i${item}`, r() < 0.8 ? 'view' : 'cart', t0 + (from + k) * 1000);
  }
  e.flush();
}

describe('bounded memory', () => {
  it('holds at most maxPairs pairs, K neighbours per item and maxHistory items per user', () => {
    const e = new RecsEngine({ maxPairs: 4096, neighbours: 5, maxHistory: 20 });
    const r = mulberry32(3);
    feed(e, r, 0, 40_000, 500, 3000);
    expect(e.stat('pairs')).toBeLessThanOrEqual(4096);
    expect(e.stat('pairsPruned')).toBeGreaterThan(0);
    expect(e.stat('neighbourEntries')).toBeLessThanOrEqual(5 * e.items);
    for (const u of ['u0', 'u1', 'u7', 'u499']) expect(e.user(u)!.history).toBeLessThanOrEqual(20);
    // Pruning kept the lists consistent: every entry's pair is there and
    // flagged, and every entry is mirrored in a reverse list.
    expect(e.stat('danglingEntries')).toBe(0);
    expect(e.stat('reverseEntries')).toBe(e.stat('neighbourEntries'));
  });

  it('levels off: twice the interactions, about the same bytes', () => {
    const e = new RecsEngine({ maxPairs: 4096, neighbours: 5, maxHistory: 20 });
    const r = mulberry32(4);
    feed(e, r, 0, 50_000, 500, 3000);
    const first = e.stat('bytes');
    feed(e, r, 50_000, 50_000, 500, 3000);
    const second = e.stat('bytes');
    expect(second).toBeLessThan(first * 1.1);
  });

  it('forgets users idle longer than the TTL', () => {
    const e = new RecsEngine({ userTtlMs: 3_600_000 });
    for (let u = 0; u < 3000; u++) e.add(`old${u}`, `i${u % 50}`, 'view', t0 + u);
    e.flush();
    expect(e.stat('users')).toBe(3000);
    // Two hours later, a stream of new users: the old ones expire and are swept.
    for (let u = 0; u < 3000; u++) e.add(`new${u}`, `i${u % 50}`, 'view', t0 + 7_200_000 + u);
    e.flush();
    for (let b = 0; b < 20; b++) e.process([{ userId: `new${b}`, itemId: 'i1', type: 'view', ts: t0 + 7_300_000 + b }]);
    expect(e.user('old1')).toBeNull();
    expect(e.stat('usersExpired')).toBeGreaterThan(0);
    expect(e.stat('users')).toBeLessThan(6000);
  });
});
