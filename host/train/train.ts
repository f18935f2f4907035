// The training driver: splits off the validation rows, hands labels and
// feature columns to the WASM trainer, asks for one tree at a time, tracks
// the validation metric for early stopping, and keeps the best iteration.

import { InputError } from '../core/errors.js';
import { ZERO_THRESHOLD } from '../gbt/pack.js';
import type { TrainingData } from './csv.js';
import { type TrainParams, MIN_DATA_IN_BIN } from './params.js';
import { validationSplit, type Split } from './split.js';
import { rocAuc, rmse } from './metric.js';
import { TrainEngine, type GrownTree } from './wasm.js';

export interface FeatureInfo {
  /** Bins of the feature; 1 means it could not split (a constant column). */
  bins: number;
  min: number;
  max: number;
}

export interface TrainResult {
  params: TrainParams;
  featureNames: string[];
  featureInfos: FeatureInfo[];
  /** The starting score: log-odds of the training positive rate, or the label mean. */
  initScore: number;
  /** The trees kept (values shrunk, starting score not folded in). */
  trees: GrownTree[];
  /** Trees grown before stopping, kept or not. */
  treesGrown: number;
  stopReason: 'trees' | 'early-stopping' | 'no-split';
  /** Validation metric name ("auc" or "rmse"), or null without a validation split. */
  metricName: 'auc' | 'rmse' | null;
  /** Validation metric after each tree grown. */
  history: number[];
  /** Validation metric of the kept model (NaN without a validation split). */
  metric: number;
  split: Split;
  /** Raw margins of every row, in file order, from the kept trees: the trainer's own predictions. */
  predictions: Float64Array;
  seconds: number;
}

export interface TrainHooks {
  /** After each tree: trees grown so far and the validation metric (NaN without one). */
  onTree?(grown: number, metric: number): void;
}

/** Trains a model on `data`; all of it runs in this call. */
export function train(data: TrainingData, params: TrainParams, hooks: TrainHooks = {}): TrainResult {
  const started = performance.now();
  const binary = params.objective === 'binary';
  for (let i = 0; i < data.numRows; i++) {
    const y = data.labels[i]!;
    if (binary && y !== 0 && y !== 1) {
      throw new InputError(data.file, data.lines[i]!, `--objective binary needs labels 0 or 1, got ${y}`, data.labelName);
    }
    if (!Number.isFinite(y)) throw new InputError(data.file, data.lines[i]!, `the label must be a finite number, got ${y}`, data.labelName);
  }
  const split = validationSplit(data.labels, params.validFraction, params.seed, binary);
  if (split.train.length === 0) throw new InputError(data.file, 2, 'no training rows left after the validation split');
  const nt = split.train.length;
  const nv = split.valid.length;
  const rows = nt + nv;
  const order = new Int32Array(rows);
  order.set(split.train);
  order.set(split.valid, nt);

  const engine = new TrainEngine();
  engine.reserve(nt, nv, data.columns.length);
  engine.configure(params);
  const labels = engine.labels(rows);
  for (let i = 0; i < rows; i++) labels[i] = data.labels[order[i]!]!;
  const validLabels = Float64Array.from(split.valid, (r) => data.labels[r]!);
  const featureInfos: FeatureInfo[] = [];
  data.columns.forEach((values, f) => {
    const col = engine.column(rows);
    for (let i = 0; i < rows; i++) {
      const x = values[order[i]!]!;
      // LightGBM's readers take |x| <= kZeroThreshold as 0; so do its predictions.
      col[i] = Math.abs(x) <= ZERO_THRESHOLD ? 0 : x;
    }
    engine.binColumn(f, params.maxBin, MIN_DATA_IN_BIN, params.minDataInLeaf);
    featureInfos.push(engine.featureInfo(f));
  });
  const initScore = engine.start();

  const metricName = nv > 0 ? (binary ? 'auc' : 'rmse') : null;
  const better = (a: number, b: number) => (binary ? a > b : a < b);
  const evaluate = () => {
    const valid = engine.scores(rows).subarray(nt);
    return binary ? rocAuc(valid, validLabels) : rmse(valid, validLabels);
  };
  const trees: GrownTree[] = [];
  const history: number[] = [];
  let best = -1;
  let stopReason: TrainResult['stopReason'] = 'trees';
  for (let t = 0; t < params.trees; t++) {
    if (engine.nextTree() <= 1) {
      stopReason = 'no-split';
      break;
    }
    trees.push(engine.tree());
    let m = NaN;
    if (metricName !== null) {
      m = evaluate();
      history.push(m);
      if (best < 0 || better(m, history[best]!)) best = t;
    }
    hooks.onTree?.(t + 1, m);
    if (params.earlyStoppingRounds > 0 && best >= 0 && t - best >= params.earlyStoppingRounds) {
      stopReason = 'early-stopping';
      break;
    }
  }
  const treesGrown = trees.length;
  // With a validation split and early stopping, the model is its best iteration.
  const kept = metricName !== null && params.earlyStoppingRounds > 0 && best >= 0 ? best + 1 : treesGrown;
  trees.length = kept;
  if (kept < treesGrown) engine.rescore(kept);
  const scores = engine.scores(rows);
  const predictions = new Float64Array(rows);
  for (let i = 0; i < rows; i++) predictions[order[i]!] = scores[i]!;
  return {
    params,
    featureNames: data.featureNames,
    featureInfos,
    initScore,
    trees,
    treesGrown,
    stopReason,
    metricName,
    history,
    metric: metricName === null ? NaN : kept > 0 ? history[kept - 1]! : evaluate(),
    split,
    predictions,
    seconds: (performance.now() - started) / 1000,
  };
}
