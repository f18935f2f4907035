// With a half-life, co-occurrence is forward-decayed: a weight added at time t
// counts 2^(t / halfLife) relative to one added at 0, so similarities equal
// the decayed cosine computed by hand, and stay equal after the stored
// values are rescaled (every 40 half-lives).

import { describe, expect, it } from 'vitest';
import { RecsEngine } from '../host/recs/engine.js';

const H = 3_600_000;
const t0 = Date.UTC(2024, 5, 1);

describe('time decay', () => {
  it('gives the decayed cosine', () => {
    const e = new RecsEngine({ halfLifeMs: H });
    e.add('u1', 'a', 'view', t0);
    e.add('u1', 'b', 'view', t0);
    e.add('u2', 'a', 'view', t0 + H);
    e.add('u2', 'c', 'view', t0 + H);
    // Relative to t0: u1's weights count 1, u2's count 2.
    // n_a = 1 + 2, n_b = 1, n_c = 2; c_ab = 1, c_ac = 2.
    expect(e.similarity('a', 'b')).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(e.similarity('a', 'c')).toBeCloseTo(2 / Math.sqrt(6), 6);
    // Without decay the two pairs are alike.
    const flat = new RecsEngine();
    for (const [u, i, t] of [['u1', 'a', t0], ['u1', 'b', t0], ['u2', 'a', t0 + H], ['u2', 'c', t0 + H]] as const) flat.add(u, i, 'view', t);
    expect(flat.similarity('a', 'b')).toBeCloseTo(flat.similarity('a', 'c'), 9);
  });

  it('keeps similarities through a rescale', () => {
    const e = new RecsEngine({ halfLifeMs: H, userTtlMs: 1e12 });
    e.add('u1', 'a', 'view', t0);
    e.add('u1', 'b', 'view', t0);
    e.add('u2', 'a', 'view', t0 + 2 * H);
    e.add('u2', 'c', 'view', t0 + 2 * H);
    const before = [e.similarity('a', 'b'), e.similarity('a', 'c')];
    // 45 half-lives later: the scale passes 2^40 and everything is rescaled.
    e.add('u3', 'x', 'view', t0 + 45 * H);
    e.add('u3', 'y', 'view', t0 + 45 * H);
    expect(e.similarity('a', 'b')).toBeCloseTo(before[0]!, 6);
    expect(e.similarity('a', 'c')).toBeCloseTo(before[1]!, 6);
    expect(e.similarity('x', 'y')).toBeCloseTo(1, 6);
  });
});
