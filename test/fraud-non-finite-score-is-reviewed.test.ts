// A purchase whose score is not a finite number is never allowed silently:
// it is decided "review" with a reason that says why, and counted. The model
// here passes every load check and its canary rows (its linear leaves are
// finite and score 0 on zeros and on missing values), but two of them
// overflow to +inf and -inf on an amount of 1e308, which the event schema
// accepts: their sum is NaN. Purchases of ordinary amounts are scored as
// usual by the same model.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FraudScorer, NON_FINITE_REASON } from '../host/fraud/scorer.js';
import { ROOT } from './helpers/cli.js';

function linearTree(coeff: number, constant: number): string {
  return [
    'num_leaves=2', 'num_cat=0', 'split_feature=0', 'split_gain=1', 'threshold=1e300', 'decision_type=2',
    'left_child=-1', 'right_child=-2', `leaf_value=${constant} ${constant}`, 'leaf_count=1 1', 'internal_value=0', 'internal_count=2',
    'is_linear=1', `leaf_const=${constant} ${constant}`, 'num_features=1 1', 'leaf_features=0 0', `leaf_coeff=${coeff} ${coeff}`, 'shrinkage=1',
  ].join('\n');
}

describe('a non-finite score at serving time', () => {
  it('is decided review with its reason, never allow', () => {
    const shipped = readFileSync(join(ROOT, 'models', 'fraud-ecommerce.txt'), 'utf8');
    const header = shipped.slice(0, shipped.indexOf('Tree=0')).replace(/^tree_sizes=.*\n/m, '');
    expect(header).toMatch(/^feature_names=amount /m);
    const model = join(mkdtempSync(join(tmpdir(), 'ss-nonfinite-')), 'overflow.txt');
    writeFileSync(model, `${header}Tree=0\n${linearTree(10, -5)}\n\nTree=1\n${linearTree(-10, 0)}\n\nend of trees\n`);

    const scorer = new FraudScorer(model, { reviewThreshold: 0.5, blockThreshold: 0.9 });
    const t = Date.UTC(2026, 0, 1);
    const { scored } = scorer.process([
      { eventId: 'ok', type: 'purchase', ts: t, userId: 'u1', amount: 50 },
      { eventId: 'huge', type: 'purchase', ts: t + 1, userId: 'u2', amount: 1e308 },
    ]);
    expect(scored[0]!.decision).toBe('allow');
    expect(scored[0]!.fraudScore).toBeCloseTo(1 / (1 + Math.exp(5)), 12);
    expect(Number.isNaN(scored[1]!.fraudScore)).toBe(true);
    expect(scored[1]!.decision).toBe('review');
    expect(scored[1]!.reasons).toEqual([NON_FINITE_REASON]);
    expect(scorer.nonFinite).toBe(1);
  });
});
