// While the recommendations stage takes most of a core, the per-user refresh
// interval stretches (doubling each busy second, up to userRefreshMaxMs) and
// shrinks back (halving each quiet second, down to userRefreshMs) once the
// load is gone: lists get staler under load instead of the stream slower. The
// governor is checked alone, then in the stage with injected clocks (the wall
// clock and the stage's busy time), where a dirty user waits for the
// stretched interval and is pushed once it has passed.

import { describe, expect, it } from 'vitest';
import { RecsStage, RefreshGovernor, interactionsOf } from '../host/recs/stage.js';
import type { Event } from '../host/core/ports.js';
import { T0, backgroundViews, emptyOutput, view } from './helpers/recs-stage-events.js';

describe('RefreshGovernor', () => {
  it('doubles on busy seconds up to the cap, halves on quiet ones down to the base', () => {
    const g = new RefreshGovernor(2000, 30_000);
    let t = 0;
    const second = (busy: number) => g.observe(busy, (t += 1000));
    g.observe(0, t); // opens the first window
    expect([second(900), second(950), second(990), second(1000), second(900)]).toEqual([4000, 8000, 16_000, 30_000, 30_000]);
    // Between a third and 0.85 busy: left as it is.
    expect(second(500)).toBe(30_000);
    expect([second(100), second(0), second(300), second(200), second(0)]).toEqual([15_000, 7500, 3750, 2000, 2000]);
  });

  it('waits for a whole second before it judges, summing the work inside it', () => {
    const g = new RefreshGovernor(1000, 8000);
    g.observe(0, 0);
    for (let t = 100; t < 1000; t += 100) expect(g.observe(95, t)).toBe(1000);
    expect(g.observe(95, 1000)).toBe(2000); // 950 ms of work in 1000 ms
  });

  it('starts its window again when the clock goes back', () => {
    const g = new RefreshGovernor(1000, 8000);
    g.observe(0, 10_000);
    g.observe(500, 5_000); // an hour-sized jump back would otherwise hold the window shut
    expect(g.observe(450, 6_000)).toBe(2000); // 950 ms of work in the 1000 ms since 5,000
  });

  it('doubles when a second\'s batches waited longer than maxWait on average, even with the stage itself idle', () => {
    const g = new RefreshGovernor(2000, 30_000, 50);
    let t = 0;
    g.observe(0, t);
    // Ten batches a second, 10 ms of work each (a tenth busy), waiting 60 ms each in the queue.
    const second = (waitMs: number) => {
      let interval = g.interval;
      for (let i = 0; i < 10; i++) interval = g.observe(10, (t += 100), waitMs);
      return interval;
    };
    expect([second(60), second(80), second(200)]).toEqual([4000, 8000, 16_000]);
    // Between a quarter of maxWait and maxWait: left as it is, even though the stage is quiet.
    expect(second(30)).toBe(16_000);
    expect(second(12.5)).toBe(16_000);
    // Under a quarter (and quiet): halves back.
    expect([second(12), second(0), second(5)]).toEqual([8000, 4000, 2000]);
    // The mean, not the worst: one batch of ten waiting 400 ms is a mean of 40.
    let interval = 0;
    for (let i = 0; i < 10; i++) interval = g.observe(10, (t += 100), i === 0 ? 400 : 0);
    expect(interval).toBe(2000);
  });

  it('watches only the busy share when maxWait is 0', () => {
    const g = new RefreshGovernor(2000, 30_000, 0);
    g.observe(0, 0);
    expect(g.observe(100, 1000, 10_000)).toBe(2000);
    expect(g.observe(900, 2000, 10_000)).toBe(4000);
    expect(g.observe(0, 3000, 10_000)).toBe(2000);
  });

  it('doubles when the due users are still waiting a whole interval after they fell due, halves only once they are nearly current', () => {
    const g = new RefreshGovernor(2000, 30_000, 50);
    g.observe(0, 0);
    // A quiet stage (a tenth busy, no wait), but its due users pushed later than one interval after they fell due.
    expect(g.observe(100, 1000, 0, 2500)).toBe(4000);
    expect(g.observe(100, 2000, 0, 4001)).toBe(8000);
    // Late by a quarter to one interval (of the moment): held.
    expect(g.observe(100, 3000, 0, 8000)).toBe(8000);
    expect(g.observe(100, 4000, 0, 2001)).toBe(8000);
    // Under a quarter: halves back.
    expect(g.observe(100, 5000, 0, 1999)).toBe(4000);
    expect(g.observe(100, 6000, 0, 0)).toBe(2000);
  });

  it('never moves when stretching is off (max at or below the base) or the base is 0 (every batch)', () => {
    for (const g of [new RefreshGovernor(2000, 2000), new RefreshGovernor(2000, 500), new RefreshGovernor(0, 30_000)]) {
      g.observe(0, 0);
      for (let t = 1000; t <= 5000; t += 1000) expect(g.observe(1000, t)).toBe(g.base);
    }
  });
});

/** Other shoppers' sessions, so that the items have neighbours. */
const background = backgroundViews();

describe('recommendations stage under load', () => {
  it('a dirty user waits for the stretched interval, and the interval comes back when the load goes', () => {
    let wall = 5_000_000;
    let busy = 0;
    let work = 950; // ms of "work" each batch reports, through the busy clock
    let calls = 0;
    // Each batch reads the busy clock twice: before and after its work.
    const busyClock = () => (calls++ % 2 === 0 ? busy : (busy += work));
    const stage = new RecsStage({ userRefreshMs: 2000, userRefreshMaxMs: 16_000, itemRefreshMs: 60_000, now: () => wall, busyClock });
    const pushes = (events: Event[]) => {
      const out = emptyOutput();
      stage.process(events, out);
      return out.recommendations.filter((r) => r.userId === 'u').length;
    };

    expect(pushes([...background, view('u', 'i0', T0 + 1000)])).toBe(1); // first push, at 5,000,000
    wall += 1000;
    expect(pushes([view('u', 'i1', T0 + 2000)])).toBe(0); // within the interval: dirty
    expect(stage.userRefreshIntervalMs).toBe(4000); // a busy second
    wall += 1000;
    // 2,000 ms since u's push: due under the base interval, not under the stretched one.
    expect(pushes([view('x', 'i2', T0 + 3000)])).toBe(0); // a new shopper: pushed at once, never dirty
    expect(stage.pendingUsers).toBe(1);
    // The load goes: quiet seconds bring the interval back, and u is pushed once it has passed.
    work = 0;
    let pushed = 0;
    let at = 0;
    for (let s = 0; s < 6 && pushed === 0; s++) {
      wall += 1000;
      pushed = pushes([view(`x${s}`, 'i3', T0 + 4000 + s)]);
      at = wall;
    }
    expect(pushed).toBe(1);
    expect(at - 5_000_000).toBeGreaterThanOrEqual(4000);
    expect(stage.pendingUsers).toBe(0);
    for (let s = 0; s < 4; s++) {
      wall += 1000;
      pushes([]);
    }
    expect(stage.userRefreshIntervalMs).toBe(2000);
  });

  it('the wait of its batches stretches the interval too (the worker\'s queue), with the stage itself barely busy', () => {
    let wall = 5_000_000;
    let busy = 0;
    let calls = 0;
    const busyClock = () => (calls++ % 2 === 0 ? busy : (busy += 5));
    const stage = new RecsStage({ userRefreshMs: 2000, userRefreshMaxMs: 16_000, maxWaitMs: 50, itemRefreshMs: 60_000, now: () => wall, busyClock });
    const batch = (waitMs: number) => {
      const out = emptyOutput();
      stage.processInteractions(interactionsOf([view('u', 'i0', T0 + wall - 5_000_000)]), out, waitMs);
      wall += 250;
    };
    batch(0);
    for (let i = 0; i < 4; i++) batch(120); // a second of batches that waited 120 ms each
    expect(stage.userRefreshIntervalMs).toBe(4000);
    for (let i = 0; i < 4; i++) batch(0);
    expect(stage.userRefreshIntervalMs).toBe(2000);
    // The same waits with the watch off: nothing moves.
    const off = new RecsStage({ userRefreshMs: 2000, userRefreshMaxMs: 16_000, maxWaitMs: 0, now: () => wall, busyClock });
    for (let i = 0; i < 8; i++) {
      off.processInteractions(interactionsOf([view('u', 'i0', T0)]), emptyOutput(), 120);
      wall += 250;
    }
    expect(off.userRefreshIntervalMs).toBe(2000);
  });
});
