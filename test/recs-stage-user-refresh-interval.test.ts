// A user's list is pushed at most once per userRefreshMs: a burst of
// events for one user gives fewer pushes, and the user's last state is
// still pushed once the interval has passed, by the next batch, even one
// without an event of theirs. Time is the stage's injected clock.

import { describe, expect, it } from 'vitest';
import { RecsStage } from '../host/recs/stage.js';
import type { BatchOutput, Event } from '../host/core/ports.js';
import { T0, backgroundViews, emptyOutput, view } from './helpers/recs-stage-events.js';

/** Other shoppers' sessions, so that the items have neighbours. */
const background = backgroundViews();

describe('recommendations stage: per-user refresh interval', () => {
  it('a burst gives fewer pushes, and the last state is pushed after the interval', () => {
    let wall = 5_000_000;
    const now = () => wall;
    const limited = new RecsStage({ userRefreshMs: 1000, itemRefreshMs: 60_000, now });
    const every = new RecsStage({ userRefreshMs: 0, itemRefreshMs: 60_000, now });
    const pushesOf = (out: BatchOutput, user: string) => out.recommendations.filter((r) => r.userId === user);
    let limitedPushes = 0;
    let everyPushes = 0;
    let lastEvery: BatchOutput | null = null;
    const both = (events: Event[]) => {
      const a = emptyOutput();
      const b = emptyOutput();
      limited.process(events, a);
      every.process(events, b);
      limitedPushes += pushesOf(a, 'u').length;
      everyPushes += pushesOf(b, 'u').length;
      if (pushesOf(b, 'u').length > 0) lastEvery = b;
      return a;
    };

    both([...background, view('u', 'i0', T0 + 1000)]);
    expect(limitedPushes).toBe(1);
    // A burst: one event a batch, 100 ms apart, all within the interval.
    for (let k = 1; k <= 6; k++) {
      wall += 100;
      both([view('u', `i${k}`, T0 + 1000 + k)]);
    }
    expect(everyPushes).toBe(7);
    expect(limitedPushes).toBe(1);
    expect(limited.pendingUsers).toBe(1);

    // The interval passes; the next batch has no event of u's (nor any interaction).
    wall += 500;
    const later = both([{ eventId: 'x', type: 'signup', ts: T0 + 2000, userId: 'someone' }]);
    expect(limitedPushes).toBe(2);
    expect(limited.pendingUsers).toBe(0);
    // What was pushed is u's last state: the list the every-batch stage pushed after u's last event.
    const pushed = pushesOf(later, 'u')[0]!.items;
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed).toEqual(pushesOf(lastEvery!, 'u')[0]!.items);
    expect(pushed.map((r) => r.itemId)).not.toContain('i6');

    // Clean and past the interval: the next event is pushed at once.
    wall += 1000;
    const next = both([view('u', 'i7', T0 + 3000)]);
    expect(pushesOf(next, 'u')).toHaveLength(1);
  });

  it('remembers only the users pushed within the last interval', () => {
    let wall = 0;
    const stage = new RecsStage({ userRefreshMs: 1000, now: () => wall });
    for (let b = 0; b < 50; b++) {
      wall += 100;
      const out = emptyOutput();
      stage.process([view(`b${b}`, 'i1', T0 + b), view(`b${b}`, 'i2', T0 + b)], out);
      expect(out.recommendations.filter((r) => r.userId).map((r) => r.userId)).toEqual([`b${b}`]);
    }
    expect(stage.pendingUsers).toBe(0);
    expect(stage.trackedUsers).toBeLessThanOrEqual(11);
  });
});
