// The table layout (assembly/gbt/table.ts: every split of a small tree
// tested at once, the outcome indexing a table of leaves, each leaf with its
// path's credits) gives the walks' answers bit for bit: raw margins,
// predictions and explanations, alone and fused (scoreExplain), against the
// fast layout's walk, the blob's walk and the reference, on random forests
// of trees with up to 3 and up to 7 splits, on batches of 1 row to several
// blocks, and on the shipped fraud model. Models with a larger tree keep the
// walks.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomForest, awkwardRows, withModel } from './helpers/random-forest.js';
import { ROOT } from './helpers/cli.js';
import { referenceContributions, referenceRaw } from '../host/gbt/reference.js';
import { loadModel } from '../host/gbt/load.js';
import { DebugGbtEngine, type ModelInfo } from '../host/gbt/engine.js';
import type { Forest } from '../host/gbt/ir.js';

const engine = new DebugGbtEngine();
const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

interface Answers {
  raw: Float64Array;
  predictions: Float64Array;
  contributions: Float64Array;
}

function answers(model: ModelInfo, data: Float64Array, rows: number): Answers {
  engine.input(model, rows).set(data);
  const raw = engine.run(model, rows, true).slice();
  engine.input(model, rows).set(data);
  const predictions = engine.run(model, rows).slice();
  engine.input(model, rows).set(data);
  const contributions = engine.explain(model, rows).slice();
  return { raw, predictions, contributions };
}

function fused(model: ModelInfo, data: Float64Array, rows: number): Answers & { raw: Float64Array } {
  engine.input(model, rows).set(data);
  const r = engine.scoreExplain(model, rows);
  return { raw: new Float64Array(0), predictions: r.scores.slice(), contributions: r.contributions.slice() };
}

function same(what: string, a: Float64Array, b: Float64Array): void {
  if (bits(a).equals(bits(b))) return;
  const i = a.findIndex((v, k) => !Object.is(v, b[k]));
  expect.fail(`${what}: value ${i}: ${a[i]} != ${b[i]}`);
}

/** Scores `rows` awkward rows on the table layout and on both walks; returns the model's tests per tree (0: no table layout). */
function compare(forest: Forest, seed: number, rows: number, block = 64): number {
  return withModel(engine, forest, block, (model) => {
    const data = awkwardRows(forest, seed, rows);
    const table = answers(model, data, rows);
    const both = fused(model, data, rows);
    engine.exports.useTableLayout(0);
    const walk = answers(model, data, rows);
    engine.exports.useFastLayout(0);
    const blob = answers(model, data, rows);
    engine.exports.useFastLayout(1);
    engine.exports.useTableLayout(1);
    for (const [name, other] of [['fast walk', walk], ['blob walk', blob]] as const) {
      same(`seed ${seed} raw vs ${name}`, table.raw, other.raw);
      same(`seed ${seed} predictions vs ${name}`, table.predictions, other.predictions);
      same(`seed ${seed} contributions vs ${name}`, table.contributions, other.contributions);
    }
    same(`seed ${seed} scoreExplain predictions`, both.predictions, table.predictions);
    same(`seed ${seed} scoreExplain contributions`, both.contributions, table.contributions);
    const per = model.numOutputs * (forest.numFeatures + 1);
    for (let i = 0; i < Math.min(rows, 16); i++) {
      const row = data.subarray(i * forest.numFeatures, (i + 1) * forest.numFeatures);
      same(`seed ${seed} row ${i} raw vs reference`, table.raw.subarray(i * model.numOutputs, (i + 1) * model.numOutputs), Float64Array.from(referenceRaw(forest, row)));
      same(`seed ${seed} row ${i} contributions vs reference`, table.contributions.subarray(i * per, (i + 1) * per), Float64Array.from(referenceContributions(forest, row).flat()));
    }
    return engine.exports.modelTableLayout(model.handle);
  });
}

describe('the table layout', () => {
  it('is used for forests of trees with at most 3 splits (3 tests) and matches on 300 of them', () => {
    for (let seed = 1; seed <= 300; seed++) {
      expect(compare(randomForest(seed, { fastOnly: true, maxSplits: 3 }), seed * 7919, 1 + (seed % 150)), `seed ${seed}`).toBe(3);
    }
  });

  it('is used with 7 tests when a tree has 4 to 7 splits, and matches on 300 such forests', () => {
    let wide = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const tests = compare(randomForest(seed, { fastOnly: true, maxSplits: 7 }), seed * 104729, 1 + (seed % 150));
      expect([3, 7]).toContain(tests);
      if (tests === 7) wide++;
    }
    expect(wide).toBeGreaterThan(100);
  });

  it('matches when NaN-right splits have +Infinity thresholds (only NaN goes right)', () => {
    for (let seed = 2000; seed < 2100; seed++) {
      const forest = randomForest(seed, { fastOnly: true, maxSplits: 7 });
      for (const t of forest.trees) for (let i = 0; i < t.threshold.length; i++) if (i % 2 === 0) t.threshold[i] = Infinity;
      expect(compare(forest, seed, 40)).toBeGreaterThan(0);
    }
  });

  it('matches on one row, on rows across blocks, and row by row', () => {
    const forest = randomForest(42, { fastOnly: true, maxSplits: 7 });
    expect(compare(forest, 1, 1)).toBeGreaterThan(0);
    expect(compare(forest, 2, 1000, 64)).toBeGreaterThan(0);
    expect(compare(forest, 3, 203, 1)).toBeGreaterThan(0);
  });

  it('is not used when a tree has more than 7 splits', () => {
    let walked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const forest = randomForest(seed, { fastOnly: true });
      const big = forest.trees.some((t) => t.feature.length > 7);
      const tests = compare(forest, seed, 20);
      expect(tests, `seed ${seed}`).toBe(big ? 0 : tests);
      if (big) walked++;
    }
    expect(walked).toBeGreaterThan(30);
  });

  it('serves the shipped fraud model (4 leaves a tree) with the walks\' bits', () => {
    const { forest } = loadModel(join(ROOT, 'models', 'fraud-ecommerce.txt'));
    expect(compare(forest!, 11, 300)).toBe(3);
    expect(compare(forest!, 12, 1)).toBe(3);
  });
});
