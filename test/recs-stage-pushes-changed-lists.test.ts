// The recommendations stage pushes a fresh list for every user with an
// interaction in the batch, and an item's similar list at most once per
// refresh interval; purchases' itemIds count as interactions; the top
// items go to live stats.

import { describe, expect, it } from 'vitest';
import { RecsStage } from '../host/recs/stage.js';
import type { BatchOutput, Event, Recommendation } from '../host/core/ports.js';

const t0 = Date.UTC(2024, 5, 1);
const empty = (): BatchOutput => ({ scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [] });
const view = (n: number, userId: string, itemId: string, ts: number): Event => ({ eventId: `e${n}`, type: 'view', ts, userId, itemId });

describe('recommendations stage', () => {
  it('pushes users on every session change and items at most once per interval', () => {
    let wall = 1_000_000;
    let top: Recommendation[] = [];
    const stage = new RecsStage({ itemRefreshMs: 60_000, now: () => wall, onTopItems: (items) => (top = items) });
    const first = empty();
    stage.process([view(1, 'a', 'x', t0), view(2, 'a', 'y', t0 + 1), view(3, 'b', 'x', t0 + 2)], first);
    expect(first.recommendations.filter((r) => r.userId).map((r) => r.userId).sort()).toEqual(['a', 'b']);
    expect(first.recommendations.filter((r) => r.itemId).map((r) => r.itemId).sort()).toEqual(['x', 'y']);
    const forB = first.recommendations.find((r) => r.userId === 'b')!.items;
    expect(forB[0]!.itemId).toBe('y');

    wall += 10_000;
    const second = empty();
    stage.process([view(4, 'b', 'x', t0 + 10)], second);
    expect(second.recommendations.map((r) => r.userId ?? `item:${r.itemId}`)).toEqual(['b']);

    wall += 60_000;
    const third = empty();
    stage.process([{ eventId: 'p1', type: 'purchase', ts: t0 + 20, userId: 'c', amount: 5, itemIds: ['x', 'z'] }], third);
    expect(third.recommendations.map((r) => r.userId ?? `item:${r.itemId}`)).toEqual(['c', 'item:x', 'item:z']);
    expect(top.length).toBeGreaterThan(0);
    expect(top[0]!.itemId).toBe('y');
  });

  it('ignores batches without interactions', () => {
    const stage = new RecsStage();
    const out = empty();
    stage.process([{ eventId: 's', type: 'signup', ts: t0, userId: 'a' }, { eventId: 'q', type: 'purchase', ts: t0, userId: 'a', amount: 3 }], out);
    expect(out.recommendations).toEqual([]);
  });
});
