// Random forests straight in the IR, for property tests: every split kind,
// missing type and default direction, thresholds that are awkward on
// purpose (float32 neighbours, LightGBM's zero band, infinities, NaN), linear
// leaves, and inputs drawn from the same awkward values.

import { type Forest, type Tree, type Transform, SplitKind, MissingType } from '../../host/gbt/ir.js';
import { pack } from '../../host/gbt/pack.js';
import type { DebugGbtEngine, ModelInfo } from '../../host/gbt/engine.js';

/** A small seeded PRNG (mulberry32, host/train/split.ts), so failures reproduce. */
export { mulberry32 as rng } from '../../host/train/split.js';
import { mulberry32 as rng } from '../../host/train/split.js';

const SPECIAL = [0, -0, 1e-36, -1e-36, 1e-35, -1e-35, Math.fround(1e-35), -Math.fround(1e-35), 5e-324, -5e-324, 1e300, -1e300, Infinity, -Infinity, 3.4028234663852886e38, 3.4028235677973366e38, 16777216, 16777217, 2147483648, -2147483649, 4294967299];

/** An awkward double near a threshold or from the special list. */
export function awkward(r: () => number, thresholds: number[]): number {
  const u = r();
  if (u < 0.1) return NaN;
  if (u < 0.25) return SPECIAL[Math.floor(r() * SPECIAL.length)]!;
  if (u < 0.75 && thresholds.length > 0) {
    const t = thresholds[Math.floor(r() * thresholds.length)]!;
    if (!Number.isFinite(t)) return t;
    const ulp32 = Math.abs(Math.fround(t)) * 2 ** -24 || 2 ** -149;
    const steps = [0, 2 ** -53 * Math.abs(t), -(2 ** -53) * Math.abs(t), ulp32 / 2, -ulp32 / 2, ulp32, -ulp32, ulp32 * 0.499999, -ulp32 * 0.500001];
    return t + steps[Math.floor(r() * steps.length)]!;
  }
  return (r() - 0.5) * 20;
}

/** fastOnly: only the splits the fast layout takes (assembly/gbt/fast.ts): numeric, no zero-as-missing, no NaN or -Infinity thresholds, no linear leaves. */
export interface RandomForestOptions {
  fastOnly?: boolean;
  /** Each tree has at most this many splits (default 30). */
  maxSplits?: number;
}

function threshold(r: () => number, xgb: boolean, fastOnly: boolean): number {
  const u = r();
  let t: number;
  if (u < 0.05) t = fastOnly ? Infinity : xgb ? -Infinity : NaN;
  else if (u < 0.1) t = Infinity;
  else if (u < 0.2) t = [0, -0, 1e-36, -1e-36, Math.fround(1e-35), -Math.fround(1e-35), 5e-324][Math.floor(r() * 7)]!;
  else t = (r() - 0.5) * 20;
  return xgb ? Math.fround(t) : t;
}

function randomTree(r: () => number, xgb: boolean, numFeatures: number, maxInternal: number, linear: boolean, group: number, fastOnly: boolean): Tree {
  const n = Math.floor(r() * (maxInternal + 1));
  const numLeaves = n + 1;
  const tree: Tree = {
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    kind: new Uint8Array(n),
    missing: new Uint8Array(n),
    defaultLeft: new Uint8Array(n),
    categories: new Array(n).fill(null),
    leafValue: Float64Array.from({ length: numLeaves }, () => (xgb ? Math.fround(r() - 0.5) : r() - 0.5)),
    leafCover: r() < 0.8 ? Float64Array.from({ length: numLeaves }, () => Math.floor(r() * 100)) : null,
    linear: null,
    group,
    weight: xgb && r() < 0.3 ? Math.fround(r()) : 1,
  };
  // Grow by splitting a random open slot: child pointers start as leaves.
  const open: { node: number; side: 'left' | 'right' }[] = [];
  let leaves = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const k = Math.floor(r() * open.length);
      const { node, side } = open.splice(k, 1)[0]!;
      tree[side][node] = i;
    }
    open.push({ node: i, side: 'left' }, { node: i, side: 'right' });
    tree.feature[i] = Math.floor(r() * numFeatures);
    tree.defaultLeft[i] = r() < 0.5 ? 1 : 0;
    if (!fastOnly && r() < 0.2) {
      tree.kind[i] = xgb ? SplitKind.XgboostCategorical : SplitKind.LightGbmCategorical;
      tree.missing[i] = MissingType.NaN;
      const words = new Uint32Array(1 + Math.floor(r() * 3));
      for (let w = 0; w < words.length; w++) words[w] = Math.floor(r() * 2 ** 32);
      tree.categories[i] = words;
    } else {
      tree.kind[i] = xgb ? SplitKind.XgboostNumeric : SplitKind.LightGbmNumeric;
      tree.missing[i] = xgb ? MissingType.NaN : fastOnly ? (r() < 0.5 ? MissingType.None : MissingType.NaN) : Math.floor(r() * 3);
      tree.threshold[i] = threshold(r, xgb, fastOnly);
    }
  }
  for (const { node, side } of open) tree[side][node] = ~leaves++;
  if (n === 0) leaves = 1;
  if (linear) {
    tree.linear = { constant: new Float64Array(numLeaves), features: [], coeffs: [] };
    for (let l = 0; l < numLeaves; l++) {
      tree.linear.constant[l] = r() - 0.5;
      const k = Math.floor(r() * 3);
      tree.linear.features.push(Int32Array.from({ length: k }, () => Math.floor(r() * numFeatures)));
      tree.linear.coeffs.push(Float64Array.from({ length: k }, () => r() - 0.5));
    }
  }
  return tree;
}

const LGB_TRANSFORMS: Transform[] = ['identity', 'sigmoid', 'exp', 'log1p-exp', 'signed-square'];
const XGB_TRANSFORMS: Transform[] = ['identity', 'sigmoid-f32', 'exp-f32', 'hinge'];

/** A random forest of either library's semantics. */
export function randomForest(seed: number, opts: RandomForestOptions = {}): Forest {
  const fastOnly = opts.fastOnly === true;
  const r = rng(seed);
  const xgb = r() < 0.5;
  const numFeatures = 1 + Math.floor(r() * 8);
  const multi = r() < 0.3;
  const numOutputs = multi ? 2 + Math.floor(r() * 3) : 1;
  const linear = !xgb && r() < 0.3 && !fastOnly;
  const numTrees = 1 + Math.floor(r() * 20);
  const transform: Transform = multi
    ? xgb
      ? r() < 0.5 ? 'softmax-f32' : 'argmax'
      : r() < 0.5 ? 'softmax' : 'ova-sigmoid'
    : (xgb ? XGB_TRANSFORMS : LGB_TRANSFORMS)[Math.floor(r() * (xgb ? XGB_TRANSFORMS : LGB_TRANSFORMS).length)]!;
  return {
    format: xgb ? 'xgboost' : 'lightgbm',
    formatVersion: 'random',
    numFeatures,
    featureNames: null,
    numOutputs,
    baseScore: Array.from({ length: numOutputs }, () => (xgb ? Math.fround(r() - 0.5) : 0)),
    objective: 'random',
    transform,
    transformParam: transform === 'sigmoid' || transform === 'ova-sigmoid' ? 0.5 + r() : 1,
    averageOutput: !xgb && r() < 0.2,
    sumF32: xgb,
    trees: Array.from({ length: numTrees * numOutputs }, (_, t) => randomTree(r, xgb, numFeatures, 1 + Math.floor(r() * (opts.maxSplits ?? 30)), linear, t % numOutputs, fastOnly)),
  };
}

/** Every threshold of a forest, for drawing awkward inputs. */
export function thresholds(f: Forest): number[] {
  return f.trees.flatMap((t) => Array.from(t.threshold));
}

/** `rows` rows of awkward values (NaN, infinities, +-0, neighbours of the forest's thresholds), seeded. */
export function awkwardRows(forest: Forest, seed: number, rows: number): Float64Array {
  const r = rng(seed);
  const ts = thresholds(forest);
  return Float64Array.from({ length: rows * forest.numFeatures }, () => awkward(r, ts));
}

/** Loads `forest` into `engine`, scores in blocks of `block` rows while `fn` runs, then restores the block size and frees the model. */
export function withModel<T>(engine: DebugGbtEngine, forest: Forest, block: number, fn: (model: ModelInfo) => T): T {
  const model = engine.load(pack(forest));
  try {
    engine.exports.setBlockRows(block);
    return fn(model);
  } finally {
    engine.exports.setBlockRows(0);
    engine.free(model);
  }
}
