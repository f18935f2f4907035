// Every fixture model scores its inputs exactly as the library that trained
// it: raw margins bit for bit (the bar is 1e-6; every fixture meets the
// stricter one), predictions after the objective transform to 1e-6 (they
// go through each side's own exp, so the last bit may differ).

import { describe, expect, it } from 'vitest';
import { cases, expected, inputs, maxAbsDiff, modelPath } from './helpers/fixtures.js';
import { loadModel } from '../host/gbt/load.js';
import { GbtEngine } from '../host/gbt/engine.js';

const engine = new GbtEngine();
const all = cases();

describe('LightGBM and XGBoost parity', () => {
  it('has fixtures from both libraries', () => {
    expect(all.some((c) => c.library === 'lightgbm')).toBe(true);
    expect(all.some((c) => c.library === 'xgboost')).toBe(true);
  });

  for (const c of all) {
    it(`${c.name} (${c.library} ${c.libraryVersion}, ${c.objective})`, () => {
      const loaded = loadModel(modelPath(c), { unchecked: true });
      const model = engine.load(loaded.blob);
      try {
        const { rows, cols, data } = inputs(c);
        expect(cols).toBe(model.numFeatures);
        const want = expected(c);
        const raw = engine.score(model, data, true);
        const pred = engine.score(model, data, false);
        expect(raw.length).toBe(rows * model.numOutputs);
        const wantRaw = want.raw.flat();
        expect(maxAbsDiff(raw, wantRaw)).toBeLessThanOrEqual(1e-6);
        const inexact = wantRaw.filter((w, i) => !Object.is(w, raw[i])).length;
        expect(inexact, 'raw margins that are not bit-identical').toBe(0);
        expect(pred.length).toBe(want.pred.flat().length);
        expect(maxAbsDiff(pred, want.pred.flat())).toBeLessThanOrEqual(1e-6);
      } finally {
        engine.free(model);
      }
    });
  }
});
