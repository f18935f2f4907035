// A model our trainer writes, loaded back through the LightGBM loader and
// scored by the WASM scorer, gives the trainer's own in-memory predictions
// for every row (training and validation), with and without early stopping.

import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthetic } from './helpers/train-data.js';
import { readTrainingCsv } from '../host/train/csv.js';
import { train, type TrainResult } from '../host/train/train.js';
import { checkParams, type TrainParams } from '../host/train/params.js';
import { modelText } from '../host/train/model.js';
import { parseModel } from '../host/gbt/load.js';
import { GbtEngine } from '../host/gbt/engine.js';
import type { TrainingData } from '../host/train/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-train-'));
const engine = new GbtEngine();

function worstDiff(data: TrainingData, r: TrainResult): number {
  const model = engine.load(parseModel(Buffer.from(modelText(r)), 'model.txt').blob);
  try {
    const F = data.columns.length;
    const X = new Float64Array(data.numRows * F);
    for (let i = 0; i < data.numRows; i++) for (let f = 0; f < F; f++) X[i * F + f] = data.columns[f]![i]!;
    const raw = engine.score(model, X, true);
    let worst = 0;
    for (let i = 0; i < data.numRows; i++) worst = Math.max(worst, Math.abs(raw[i]! - r.predictions[i]!));
    return worst;
  } finally {
    engine.free(model);
  }
}

async function run(objective: 'binary' | 'regression', params: Partial<TrainParams>) {
  const file = join(dir, `${objective}.csv`);
  writeSynthetic(file, 6000, 11, objective);
  const data = await readTrainingCsv(file, 'label');
  return { data, result: train(data, checkParams({ objective, ...params })) };
}

describe('the scorer gives the trainer\'s own predictions', () => {
  it('binary, all trees kept', async () => {
    const { data, result } = await run('binary', { trees: 60, validFraction: 0.2, earlyStoppingRounds: 0 });
    expect(result.trees.length).toBe(60);
    expect(worstDiff(data, result)).toBeLessThanOrEqual(1e-12);
  });

  it('binary, cut back to the best iteration by early stopping', async () => {
    const { data, result } = await run('binary', { trees: 400, learningRate: 0.3, earlyStoppingRounds: 5 });
    expect(result.trees.length).toBeLessThan(result.treesGrown);
    expect(worstDiff(data, result)).toBeLessThanOrEqual(1e-12);
  });

  it('regression with feature fraction, bagging and a depth limit', async () => {
    const { data, result } = await run('regression', { trees: 40, featureFraction: 0.6, baggingFraction: 0.7, maxDepth: 3, lambdaL2: 1 });
    expect(result.trees.length).toBe(40);
    expect(worstDiff(data, result)).toBeLessThanOrEqual(1e-12);
  });
});
