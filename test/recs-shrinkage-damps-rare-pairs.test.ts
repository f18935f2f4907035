// Shrinkage adds λ to the similarity's denominator, so a pair seen together
// by few users loses more than one seen by many: cosine c / (sqrt(n_a n_b) + λ),
// Jaccard c / (n_a + n_b - c + λ).

import { describe, expect, it } from 'vitest';
import { RecsEngine } from '../host/recs/engine.js';

const t0 = Date.UTC(2024, 5, 1);

function engine(shrink: number, similarity: 'cosine' | 'jaccard' = 'cosine'): RecsEngine {
  const e = new RecsEngine({ shrink, similarity });
  // Two users see a and b together; ten see c and d together, and one of them also e.
  for (let n = 0; n < 2; n++) for (const i of ['a', 'b']) e.add(`r${n}`, i, 'view', t0 + n);
  for (let n = 0; n < 10; n++) for (const i of ['c', 'd']) e.add(`s${n}`, i, 'view', t0 + n);
  e.add('s0', 'e', 'view', t0 + 20);
  return e;
}

describe('shrinkage', () => {
  it('damps the rare pair more than the common one', () => {
    const plain = engine(0);
    expect(plain.similarity('a', 'b')).toBeCloseTo(1, 6);
    expect(plain.similarity('c', 'd')).toBeCloseTo(1, 6);
    const shrunk = engine(2);
    expect(shrunk.similarity('a', 'b')).toBeCloseTo(2 / (2 + 2), 6);
    expect(shrunk.similarity('c', 'd')).toBeCloseTo(10 / (10 + 2), 6);
    expect(shrunk.similarity('c', 'e')).toBeCloseTo(1 / (Math.sqrt(10) + 2), 6);
  });

  it('applies to Jaccard too', () => {
    const e = engine(1, 'jaccard');
    expect(e.similarity('a', 'b')).toBeCloseTo(2 / (2 + 2 - 2 + 1), 6);
    expect(e.similarity('c', 'e')).toBeCloseTo(1 / (10 + 1 - 1 + 1), 6);
  });
});
