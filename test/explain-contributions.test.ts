// Reason codes start from per-feature contributions (path attribution): the
// WASM explain() matches the reference bit for bit, and per row the
// contributions plus the bias add up to the raw margin.

import { describe, expect, it } from 'vitest';
import { randomForest, rng, awkward, thresholds } from './helpers/random-forest.js';
import { cases, inputs, modelPath } from './helpers/fixtures.js';
import { pack } from '../host/gbt/pack.js';
import { referenceContributions } from '../host/gbt/reference.js';
import { loadModel } from '../host/gbt/load.js';
import { GbtEngine } from '../host/gbt/engine.js';

const engine = new GbtEngine();

describe('explain', () => {
  it('matches the reference on random forests', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const forest = randomForest(seed);
      const model = engine.load(pack(forest));
      const r = rng(seed);
      const rows = 16;
      const data = Float64Array.from({ length: rows * forest.numFeatures }, () => awkward(r, thresholds(forest)));
      engine.input(model, rows).set(data);
      const got = engine.explain(model, rows);
      const width = forest.numFeatures + 1;
      for (let i = 0; i < rows; i++) {
        const want = referenceContributions(forest, data.subarray(i * forest.numFeatures, (i + 1) * forest.numFeatures)).flat();
        const have = Array.from(got.subarray(i * want.length, (i + 1) * want.length));
        if (!want.every((w, j) => Object.is(w, have[j]) || w === have[j])) {
          expect.fail(`seed ${seed} row ${i}: ${have} != ${want} (width ${width})`);
        }
      }
      engine.free(model);
    }
  });

  it('adds up to the raw margin on real LightGBM and XGBoost models', () => {
    for (const name of ['lgb4_binary', 'lgb4_categorical', 'lgb4_multiclass', 'lgb4_zero_as_missing', 'xgb3_binary_logistic', 'xgb2_dart', 'xgb2_categorical_partition']) {
      const c = cases().find((x) => x.name === name)!;
      const loaded = loadModel(modelPath(c), { unchecked: true });
      const model = engine.load(loaded.blob);
      const { rows, data } = inputs(c);
      const raw = engine.score(model, data, true);
      engine.input(model, rows).set(data);
      const contrib = engine.explain(model, rows);
      const width = model.numFeatures + 1;
      for (let i = 0; i < rows * model.numOutputs; i++) {
        let sum = 0;
        for (let j = 0; j < width; j++) sum += contrib[i * width + j]!;
        // LightGBM sums in double: equal to rounding; XGBoost sums in float32.
        const tol = loaded.forest!.sumF32 ? 1e-5 * Math.max(1, Math.abs(raw[i]!)) : 1e-9;
        if (Number.isFinite(raw[i]!)) expect(Math.abs(sum - raw[i]!), `${name} row ${i}`).toBeLessThanOrEqual(tol);
      }
      engine.free(model);
    }
  });
});
