// Training parameters, their defaults (LightGBM's, except the validation
// split and early stopping, which LightGBM leaves to the caller) and checks.

import { UsageError } from '../core/errors.js';

export interface TrainParams {
  objective: 'binary' | 'regression';
  trees: number;
  numLeaves: number;
  learningRate: number;
  minDataInLeaf: number;
  minSumHessian: number;
  featureFraction: number;
  baggingFraction: number;
  lambdaL2: number;
  minGainToSplit: number;
  maxBin: number;
  /** <= 0: no limit. */
  maxDepth: number;
  seed: number;
  /** Fraction of rows held out for validation; 0 for none. */
  validFraction: number;
  /** Stop after this many trees without a better validation metric; 0 never. */
  earlyStoppingRounds: number;
}

export const DEFAULTS: TrainParams = {
  objective: 'binary',
  trees: 100,
  numLeaves: 31,
  learningRate: 0.1,
  minDataInLeaf: 20,
  minSumHessian: 1e-3,
  featureFraction: 1,
  baggingFraction: 1,
  lambdaL2: 0,
  minGainToSplit: 0,
  maxBin: 255,
  maxDepth: -1,
  seed: 0,
  validFraction: 0.1,
  earlyStoppingRounds: 50,
};

/** LightGBM's min_data_in_bin default: a bin holds at least this many training rows. */
export const MIN_DATA_IN_BIN = 3;

/** Fills defaults and checks ranges; throws UsageError naming the option. */
export function checkParams(p: Partial<TrainParams>): TrainParams {
  const q: TrainParams = { ...DEFAULTS, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) };
  const bad = (option: string, want: string, got: unknown) => new UsageError(`train: --${option} must be ${want}, got ${got}`);
  if (q.objective !== 'binary' && q.objective !== 'regression') throw bad('objective', 'binary or regression', q.objective);
  const int = (option: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw bad(option, `an integer in ${lo}..${hi}`, v);
  };
  const real = (option: string, v: number, ok: (x: number) => boolean, want: string) => {
    if (!Number.isFinite(v) || !ok(v)) throw bad(option, want, v);
  };
  int('trees', q.trees, 1, 1_000_000);
  int('leaves', q.numLeaves, 2, 131072);
  int('min-data-in-leaf', q.minDataInLeaf, 1, 2 ** 31 - 1);
  int('max-bin', q.maxBin, 2, 255);
  int('max-depth', q.maxDepth, -1, 1000);
  int('seed', q.seed, 0, 2 ** 32 - 1);
  int('early-stopping-rounds', q.earlyStoppingRounds, 0, 1_000_000);
  real('learning-rate', q.learningRate, (x) => x > 0, 'a number > 0');
  real('min-sum-hessian', q.minSumHessian, (x) => x >= 0, 'a number >= 0');
  real('lambda-l2', q.lambdaL2, (x) => x >= 0, 'a number >= 0');
  real('min-gain-to-split', q.minGainToSplit, (x) => x >= 0, 'a number >= 0');
  real('feature-fraction', q.featureFraction, (x) => x > 0 && x <= 1, 'in (0, 1]');
  real('bagging-fraction', q.baggingFraction, (x) => x > 0 && x <= 1, 'in (0, 1]');
  real('valid-fraction', q.validFraction, (x) => x >= 0 && x < 1, 'in [0, 1)');
  return q;
}
