// A user's interactions belong to one session until 30 minutes pass without
// one; with a cross-session weight of 0, only items of one session
// co-occur, and the current session's items weigh sessionBoost times more
// in the user's profile.

import { describe, expect, it } from 'vitest';
import { RecsEngine } from '../host/recs/engine.js';

const MIN = 60_000;
const t0 = Date.UTC(2024, 5, 1);

describe('sessions', () => {
  it('start a new session after 30 minutes of inactivity, not before', () => {
    const e = new RecsEngine();
    e.add('u', 'a', 'view', t0);
    e.add('u', 'b', 'view', t0 + 29 * MIN);
    e.add('u', 'c', 'view', t0 + 58 * MIN); // 29 min after b: same session
    expect(e.user('u')).toMatchObject({ sessions: 1, sessionStart: t0, history: 3 });
    e.add('u', 'd', 'view', t0 + 88 * MIN); // exactly 30 min after c: a new one
    expect(e.user('u')).toMatchObject({ sessions: 2, sessionStart: t0 + 88 * MIN, history: 4, lastTs: t0 + 88 * MIN });
    e.add('u', 'a', 'cart', t0 + 100 * MIN);
    expect(e.user('u')).toMatchObject({ sessions: 2, history: 4 });
    expect(e.stat('sessions')).toBe(2);
  });

  it('follow the configured gap', () => {
    const e = new RecsEngine({ sessionGapMs: 5 * MIN });
    e.add('u', 'a', 'view', t0);
    e.add('u', 'b', 'view', t0 + 6 * MIN);
    expect(e.user('u')!.sessions).toBe(2);
  });

  it('bound co-occurrence to a session when the cross-session weight is 0', () => {
    const e = new RecsEngine({ crossSessionWeight: 0 });
    e.add('u', 'a', 'view', t0);
    e.add('u', 'b', 'view', t0 + 10 * MIN);
    e.add('u', 'c', 'view', t0 + 90 * MIN);
    expect(e.similarity('a', 'b')).toBeCloseTo(1, 6);
    expect(e.similarity('a', 'c')).toBe(0);
    expect(e.similarity('b', 'c')).toBe(0);
    // With the default weight 1 the whole history co-occurs.
    const w = new RecsEngine();
    w.add('u', 'a', 'view', t0);
    w.add('u', 'c', 'view', t0 + 90 * MIN);
    expect(w.similarity('a', 'c')).toBeCloseTo(1, 6);
  });

  it('weigh the current session more with sessionBoost', () => {
    // x is near a (old session), y near b (current session), equally.
    const build = (boost: number) => {
      const e = new RecsEngine({ sessionBoost: boost });
      for (let n = 0; n < 5; n++) {
        e.add(`p${n}`, 'a', 'view', t0 + n);
        e.add(`p${n}`, 'x', 'view', t0 + n);
        e.add(`q${n}`, 'b', 'view', t0 + n);
        e.add(`q${n}`, 'y', 'view', t0 + n);
      }
      e.add('u', 'a', 'view', t0 + 10 * MIN);
      e.add('u', 'b', 'view', t0 + 100 * MIN);
      return e.recommend('u', 2, t0 + 100 * MIN);
    };
    const flat = build(1);
    expect(flat[0]!.score).toBeCloseTo(flat[1]!.score, 6);
    const boosted = build(3);
    expect(boosted.map((r) => r.itemId)).toEqual(['y', 'x']);
    expect(boosted[0]!.score).toBeCloseTo(3 * boosted[1]!.score, 5);
  });
});
