// The fast layout (assembly/gbt/fast.ts: NaN-right splits rewritten on
// negated or is-NaN columns, children swapped) takes every row to the same
// leaf as the blob's own walk: raw margins and explanations (per-feature
// contributions) bit for bit, on random forests
// made only of the splits it takes, on the fixture models that qualify, and
// on the awkward inputs (NaN, infinities, +-0, neighbours of thresholds).

import { describe, expect, it } from 'vitest';
import { randomForest, rng, awkwardRows, withModel } from './helpers/random-forest.js';
import { cases, modelPath } from './helpers/fixtures.js';
import { referenceContributions, referenceRaw } from '../host/gbt/reference.js';
import { loadModel } from '../host/gbt/load.js';
import { DebugGbtEngine } from '../host/gbt/engine.js';
import type { Forest } from '../host/gbt/ir.js';

const engine = new DebugGbtEngine();

function bits(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Scores `rows` awkward rows both ways; returns whether the fast layout was used. */
function bothWalks(forest: Forest, seed: number, rows: number, block = 64): boolean {
  return withModel(engine, forest, block, (model) => {
    const data = awkwardRows(forest, seed, rows);
    const fast = engine.score(model, data, true);
    engine.exports.useFastLayout(0);
    const blob = engine.score(model, data, true);
    engine.exports.useFastLayout(1);
    if (!bits(fast).equals(bits(blob))) {
      for (let i = 0; i < rows * model.numOutputs; i++) {
        if (!Object.is(fast[i], blob[i])) {
          const row = Math.floor(i / model.numOutputs);
          expect.fail(`seed ${seed} row ${row} [${Array.from(data.subarray(row * forest.numFeatures, (row + 1) * forest.numFeatures)).join(', ')}]: fast ${fast[i]} != blob walk ${blob[i]}`);
        }
      }
    }
    // Explanations: the same both ways, and the reference's.
    engine.input(model, rows).set(data);
    const fastContrib = engine.explain(model, rows).slice();
    engine.exports.useFastLayout(0);
    engine.input(model, rows).set(data);
    const blobContrib = engine.explain(model, rows).slice();
    engine.exports.useFastLayout(1);
    expect(bits(fastContrib).equals(bits(blobContrib)), `seed ${seed}: explanations differ`).toBe(true);
    const per = model.numOutputs * (forest.numFeatures + 1);
    for (let i = 0; i < Math.min(rows, 32); i++) {
      const want = referenceContributions(forest, data.subarray(i * forest.numFeatures, (i + 1) * forest.numFeatures)).flat();
      for (let j = 0; j < per; j++) {
        if (!Object.is(want[j], fastContrib[i * per + j])) expect.fail(`seed ${seed} row ${i}: contribution ${j} ${fastContrib[i * per + j]} != reference ${want[j]}`);
      }
    }
    // And both are the reference's margins.
    for (let i = 0; i < rows; i++) {
      const want = referenceRaw(forest, data.subarray(i * forest.numFeatures, (i + 1) * forest.numFeatures));
      for (let j = 0; j < want.length; j++) {
        if (!Object.is(want[j], fast[i * model.numOutputs + j])) expect.fail(`seed ${seed} row ${i}: fast ${fast[i * model.numOutputs + j]} != reference ${want[j]}`);
      }
    }
    return engine.exports.modelFastLayout(model.handle) === 1;
  });
}

describe('the fast layout', () => {
  it('is used for every numeric-only forest and matches the blob walk on 300 of them', () => {
    for (let seed = 1; seed <= 300; seed++) {
      expect(bothWalks(randomForest(seed, { fastOnly: true }), seed * 104729, 64), `seed ${seed}`).toBe(true);
    }
  });

  it('matches on forests whose NaN-right splits have +Infinity thresholds (only NaN goes right)', () => {
    let seen = 0;
    for (let seed = 1000; seed < 1100; seed++) {
      const forest = randomForest(seed, { fastOnly: true });
      for (const t of forest.trees) {
        for (let i = 0; i < t.threshold.length; i++) if (i % 3 === 0) t.threshold[i] = Infinity;
      }
      seen += forest.trees.reduce((n, t) => n + t.threshold.length, 0) > 0 ? 1 : 0;
      expect(bothWalks(forest, seed, 64)).toBe(true);
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('matches on batches of 1 to 7 rows (the last rows walk four trees at a time)', () => {
    for (let seed = 1; seed <= 150; seed++) {
      expect(bothWalks(randomForest(seed, { fastOnly: true }), seed * 31, 1 + (seed % 7))).toBe(true);
    }
  });

  it('matches row by row and on a batch that is not a multiple of the block', () => {
    const forest = randomForest(77, { fastOnly: true });
    expect(bothWalks(forest, 5, 203, 1)).toBe(true);
    expect(bothWalks(forest, 6, 203, 64)).toBe(true);
  });

  it('matches on rows too wide for a full block of extended rows (20,000 features: smaller blocks)', () => {
    const forest = randomForest(99, { fastOnly: true });
    const r = rng(3);
    forest.numFeatures = 20_000;
    for (const t of forest.trees) for (let i = 0; i < t.feature.length; i++) t.feature[i] = Math.floor(r() * 20_000);
    expect(bothWalks(forest, 8, 300)).toBe(true);
  });

  it('is used for the numeric fixture models of both libraries and matches on each', () => {
    const used: string[] = [];
    for (const c of cases()) {
      const { forest } = loadModel(modelPath(c), { unchecked: true });
      if (bothWalks(forest!, c.name.length * 17 + 3, 200)) used.push(c.name);
    }
    // Numeric LightGBM and XGBoost models qualify; categorical,
    // zero-as-missing and linear-tree ones keep the blob walk.
    expect(used.length).toBeGreaterThan(20);
    expect(used.some((n) => /xgb/i.test(n))).toBe(true);
    expect(used.some((n) => /lgb|lightgbm/i.test(n))).toBe(true);
  });
});
