// The compiled scorer (each model generated as its own WebAssembly module,
// host/gbt/codegen.ts) gives the interpreter's raw margins and predictions
// bit for bit: on every fixture model, on random forests of both libraries'
// semantics with awkward inputs (NaN, infinities, float32 neighbours of
// thresholds, LightGBM's zero band, out-of-range categories), with branches
// everywhere, with branch-free subtrees, row by row and in blocks.

import { describe, expect, it } from 'vitest';
import { randomForest, rng, awkward, thresholds } from './helpers/random-forest.js';
import { cases, expected, inputs, modelPath } from './helpers/fixtures.js';
import { pack } from '../host/gbt/pack.js';
import { loadModel } from '../host/gbt/load.js';
import { unsupportedReason } from '../host/gbt/codegen.js';
import { GbtEngine, type LoadOptions } from '../host/gbt/engine.js';

const engine = new GbtEngine();

const VARIANTS: LoadOptions[] = [
  { compile: true },
  { compile: true, compiledSelectNodes: 0 },
  { compile: true, compiledSelectNodes: 1000, compiledBlockRows: 1 },
  { compile: true, compiledSelectNodes: 3, compiledBlockRows: 5 },
];

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Scores `data` with the interpreter and each compiled variant; returns how many models were compiled. */
function compare(blob: Uint8Array, data: Float64Array, label: string): number {
  const interp = engine.load(blob);
  const wantRaw = engine.score(interp, data, true);
  const wantPred = engine.score(interp, data, false);
  engine.free(interp);
  let compiled = 0;
  for (const opts of VARIANTS) {
    const model = engine.load(blob, opts);
    try {
      if (model.compiled === null) {
        expect(unsupportedReason(blob), `${label}: not compiled`).not.toBeNull();
        continue;
      }
      compiled++;
      const raw = engine.score(model, data, true);
      const pred = engine.score(model, data, false);
      if (!bits(raw).equals(bits(wantRaw)) || !bits(pred).equals(bits(wantPred))) {
        const i = raw.findIndex((v, j) => !Object.is(v, wantRaw[j]));
        expect.fail(`${label} ${JSON.stringify(opts)}: compiled differs from the interpreter (first raw difference at ${i}: ${raw[i]} vs ${wantRaw[i]})`);
      }
    } finally {
      engine.free(model);
    }
  }
  return compiled;
}

describe('compiled scorer = interpreter, bit for bit', () => {
  it('on 300 random forests with awkward inputs', () => {
    let compiled = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const forest = randomForest(seed);
      const r = rng(seed * 7919);
      const ts = thresholds(forest);
      const data = Float64Array.from({ length: 67 * forest.numFeatures }, () => awkward(r, ts));
      compiled += compare(pack(forest), data, `seed ${seed}`);
    }
    // Only forests with linear leaves stay on the interpreter.
    expect(compiled).toBeGreaterThan(200 * VARIANTS.length);
  });

  it('on every fixture model, its own inputs and awkward ones, and the libraries own margins', () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(0);
    for (const c of all) {
      const { blob, forest } = loadModel(modelPath(c), { unchecked: true });
      const { data } = inputs(c);
      compare(blob, data, c.name);
      const r = rng(c.name.length * 31 + 7);
      const ts = thresholds(forest!);
      compare(blob, Float64Array.from({ length: 200 * forest!.numFeatures }, () => awkward(r, ts)), `${c.name} awkward`);
      const model = engine.load(blob, { compile: true });
      if (model.compiled !== null) {
        const raw = engine.score(model, data, true);
        const want = expected(c).raw.flat();
        expect(want.filter((w, i) => !Object.is(w, raw[i])).length, `${c.name}: raw margins not bit-identical to ${c.library}`).toBe(0);
      }
      engine.free(model);
    }
  });

  it('rejects a batch larger than the reserved buffers', () => {
    const forest = randomForest(5);
    const e = new GbtEngine();
    const model = e.load(pack(forest), { compile: true });
    e.input(model, 10);
    expect(() => e.run(model, 11)).toThrow();
    expect(() => e.run(model, -1)).toThrow();
  });

  it("'auto' compiles small trees only", () => {
    const small = engine.load(pack(randomForest(7)), { compile: 'auto' });
    expect(small.compiled === null).toBe(unsupportedReason(pack(randomForest(7))) !== null);
    engine.free(small);
  });
});
