// The WASM scorer agrees bit for bit with the readable reference scorer on
// random forests of both libraries' semantics and random awkward inputs
// (NaN, infinities, float32 neighbours of thresholds, LightGBM's zero band,
// out-of-range categories), and on the real fixture models.

import { describe, expect, it } from 'vitest';
import { randomForest, rng, awkward, thresholds } from './helpers/random-forest.js';
import { cases, modelPath } from './helpers/fixtures.js';
import { pack } from '../host/gbt/pack.js';
import { referencePredict, referenceRaw } from '../host/gbt/reference.js';
import { loadModel } from '../host/gbt/load.js';
import { DebugGbtEngine } from '../host/gbt/engine.js';
import type { Forest } from '../host/gbt/ir.js';

const engine = new DebugGbtEngine();

function compare(forest: Forest, seed: number, rows: number): void {
  const model = engine.load(pack(forest));
  try {
    const r = rng(seed);
    const ts = thresholds(forest);
    const data = Float64Array.from({ length: rows * forest.numFeatures }, () => awkward(r, ts));
    const raw = engine.score(model, data, true);
    const pred = engine.score(model, data, false);
    for (let i = 0; i < rows; i++) {
      const row = data.subarray(i * forest.numFeatures, (i + 1) * forest.numFeatures);
      const wantRaw = referenceRaw(forest, row);
      const gotRaw = Array.from(raw.subarray(i * model.numOutputs, (i + 1) * model.numOutputs));
      if (!wantRaw.every((w, j) => Object.is(w, gotRaw[j]) || w === gotRaw[j])) {
        expect.fail(`seed ${seed} row ${i} [${Array.from(row).join(', ')}]: raw ${gotRaw} != reference ${wantRaw}`);
      }
      const wantPred = referencePredict(forest, row);
      const gotPred = Array.from(pred.subarray(i * model.numPredictions, (i + 1) * model.numPredictions));
      for (let j = 0; j < wantPred.length; j++) {
        const w = wantPred[j]!;
        const g = gotPred[j]!;
        // Transforms use each side's own exp/log: equal to a few ulps.
        const ok = Object.is(w, g) || w === g || Math.abs(w - g) <= 1e-12 * Math.max(1, Math.abs(w)) || (Number.isFinite(w) && Math.abs(w - g) <= 2 ** -20 * Math.max(1, Math.abs(w)) && forest.sumF32);
        if (!ok) expect.fail(`seed ${seed} row ${i}: prediction ${gotPred} != reference ${wantPred}`);
      }
    }
  } finally {
    engine.free(model);
  }
}

describe('WASM scorer = reference scorer', () => {
  it('on 300 random forests with awkward inputs', () => {
    for (let seed = 1; seed <= 300; seed++) compare(randomForest(seed), seed * 7919, 64);
  });

  it('on every fixture model with awkward inputs', () => {
    for (const c of cases()) {
      const { forest } = loadModel(modelPath(c), { unchecked: true });
      compare(forest!, c.name.length * 31 + 7, 200);
    }
  });

  it('row by row and in blocks alike', () => {
    const forest = randomForest(4242);
    const model = engine.load(pack(forest));
    const r = rng(1);
    const data = Float64Array.from({ length: 500 * forest.numFeatures }, () => awkward(r, thresholds(forest)));
    const blocked = engine.score(model, data, true);
    engine.exports.setBlockRows(1);
    const single = engine.score(model, data, true);
    engine.exports.setBlockRows(0);
    expect(Buffer.from(single.buffer).equals(Buffer.from(blocked.buffer))).toBe(true);
    engine.free(model);
  });
});
