// The recommendations stage bounds the time one batch spends on users whose
// interval has passed (maxDueMs, 5 ms in serve): a wave of users who
// fall due together (pushed together one interval earlier, or made due at
// once when a stretched interval comes back) is spread over the following
// batches, in due order, instead of one long batch that the whole stream
// waits for. Every due user is still pushed once, with their latest state.

import { describe, expect, it } from 'vitest';
import { DUE_SHARE, MIN_DUE_PER_BATCH, RecsStage } from '../host/recs/stage.js';
import type { Event } from '../host/core/ports.js';
import { T0, backgroundViews, emptyOutput, view } from './helpers/recs-stage-events.js';

const USERS = 60;

/**
 * A stage whose busy clock moves `step` ms at every reading (each due user
 * past the first few reads it once), its base set per batch by the test.
 */
function setup(maxDueMs: number, step: number, userRefreshMaxMs = 2000) {
  let wall = 5_000_000;
  let clock = 0;
  const stage = new RecsStage({ userRefreshMs: 2000, userRefreshMaxMs, itemRefreshMs: 60_000, maxDueMs, now: () => wall, busyClock: () => (clock += step) });
  /** Runs one batch starting at busy-clock `at`; returns the users whose lists it pushed, in order. */
  const batch = (events: Event[], at: number): string[] => {
    clock = at;
    const out = emptyOutput();
    stage.process(events, out);
    return out.recommendations.flatMap((r) => (r.userId !== undefined && r.userId.startsWith('u') ? [r.userId] : []));
  };
  // Every user views once (pushed at once: first lists), then again within the interval (dirty).
  const users = Array.from({ length: USERS }, (_, u) => `u${u}`);
  let busyAt = 0;
  expect(batch([...backgroundViews(), ...users.map((u, i) => view(u, `i${i % 12}`, T0 + 1000))], (busyAt += 1000))).toEqual(users);
  wall += 500;
  expect(batch(users.map((u, i) => view(u, `i${(i + 5) % 12}`, T0 + 1500)), (busyAt += 1000))).toEqual([]);
  expect(stage.pendingUsers).toBe(USERS);
  // The interval passes: all of them are due at the next batch.
  wall += 2000;
  return { stage, users, batch, next: (gap: number) => (busyAt += gap), advanceWall: (ms: number) => (wall += ms) };
}

describe('due users under a time budget', () => {
  it('with no budget (0) a batch pushes every due user at once, as before', () => {
    const { stage, users, batch, next } = setup(0, 1);
    expect(batch([view('x', 'i0', T0 + 4000)], next(1000))).toEqual(users);
    expect(stage.pendingUsers).toBe(0);
  });

  it('with a budget the wave is spread over the following batches, each user once, in due order, none lost', () => {
    const maxDueMs = 10;
    const { stage, users, batch, next, advanceWall } = setup(maxDueMs, 1);
    const pushed: string[][] = [];
    for (let k = 0; k < 40 && stage.pendingUsers > 0; k++) {
      // Batches a second apart on the busy clock: the budget is maxDueMs, not half the gap.
      pushed.push(batch([view(`x${k}`, 'i0', T0 + 4000 + k)], next(1000)));
      advanceWall(10);
    }
    expect(stage.pendingUsers).toBe(0);
    expect(pushed.flat()).toEqual(users);
    expect(pushed.length).toBeGreaterThan(1);
    // Each batch: the first MIN_DUE_PER_BATCH whatever the time, then one reading of a clock moving 1 ms per reading, up to the budget.
    for (const p of pushed) expect(p.length).toBeLessThanOrEqual(MIN_DUE_PER_BATCH + maxDueMs);
    for (const p of pushed.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(MIN_DUE_PER_BATCH);
  });

  it('batches close together get half the time between them, never less than the first few users', () => {
    const { batch, next } = setup(10, 1);
    // 4 ms since the previous batch began: a budget of DUE_SHARE * 4 = 2 ms, under maxDueMs.
    const close = batch([view('x', 'i0', T0 + 4000)], next(4));
    expect(close.length).toBeGreaterThanOrEqual(MIN_DUE_PER_BATCH);
    expect(close.length).toBeLessThanOrEqual(MIN_DUE_PER_BATCH + DUE_SHARE * 4);
    // Back to back (no time between them on the busy clock): still the first few.
    expect(batch([view('y', 'i0', T0 + 4001)], next(0)).length).toBe(MIN_DUE_PER_BATCH);
  });

  it('a user who interacts again while waiting in the wave is pushed then, at once, and not again by the wave', () => {
    const { stage, batch, next, advanceWall } = setup(4, 1);
    const first = batch([view('x', 'i0', T0 + 4000)], next(1000));
    expect(first).not.toContain('u59');
    // u59, still waiting for its turn, views again: its interval has passed, so it is pushed with this batch.
    const again = batch([view('u59', 'i11', T0 + 4001)], next(1000));
    expect(again[0]).toBe('u59');
    const rest: string[] = [];
    for (let k = 0; k < 40 && stage.pendingUsers > 0; k++) {
      advanceWall(10);
      rest.push(...batch([], next(1000)));
    }
    expect(stage.pendingUsers).toBe(0);
    const all = [...first, ...again, ...rest];
    expect(all.filter((u) => u === 'u59')).toEqual(['u59']);
    expect([...all].sort()).toEqual(Array.from({ length: USERS }, (_, u) => `u${u}`).sort());
  });

  it('due users left waiting a whole interval after they fell due stretch the interval (the stage is behind on its lists)', () => {
    const { stage, users, batch, next, advanceWall } = setup(4, 1, 16_000);
    const pushed: string[] = [];
    const intervals: number[] = [];
    for (let k = 0; k < 60 && stage.pendingUsers > 0; k++) {
      // A batch every 700 ms of wall time, 8 + 4 due users at most each: the wave falls behind.
      pushed.push(...batch([view(`x${k}`, 'i0', T0 + 4000 + k)], next(1000)));
      intervals.push(stage.userRefreshIntervalMs);
      advanceWall(700);
    }
    expect(Math.max(...intervals)).toBeGreaterThan(2000);
    // Stretched or not, every due user is pushed once.
    expect(stage.pendingUsers).toBe(0);
    expect([...pushed].sort()).toEqual([...users].sort());
  });
});
