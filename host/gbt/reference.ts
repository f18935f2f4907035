// The reference scorer: a plain, slow reading of each library's prediction
// rules straight off the IR. The WASM scorer is tested against it on random
// inputs, so it favours being obviously right over being fast.

import { type Forest, type Tree, SplitKind, MissingType, numIterations, nodeMeans } from './ir.js';
import { ZERO_THRESHOLD } from './pack.js';

const f32 = Math.fround;
const XGB_MAX_CAT = 16777216;

/** Margins of one row: one per output. */
export function referenceRaw(forest: Forest, row: ArrayLike<number>): number[] {
  // LightGBM's dense row reader drops |x| <= kZeroThreshold, so they read as 0.
  const x = forest.format === 'lightgbm' ? Array.from(row, (v) => (Math.abs(v) <= ZERO_THRESHOLD ? 0 : v)) : Array.from(row);
  const out = forest.baseScore.map((b) => (forest.sumF32 ? f32(b) : b));
  for (const tree of forest.trees) {
    const v = leafOutput(tree, x);
    if (forest.sumF32) out[tree.group] = f32(out[tree.group]! + f32(v * tree.weight));
    else out[tree.group] = out[tree.group]! + v * tree.weight;
  }
  return out;
}

/** Predictions of one row: the margins after the objective transform. */
export function referencePredict(forest: Forest, row: ArrayLike<number>): number[] {
  let m = referenceRaw(forest, row);
  if (forest.averageOutput) m = m.map((v) => v / numIterations(forest));
  const p = forest.transformParam;
  switch (forest.transform) {
    case 'identity':
      return m;
    case 'sigmoid':
    case 'ova-sigmoid':
      return m.map((v) => 1 / (1 + Math.exp(-p * v)));
    case 'exp':
      return m.map(Math.exp);
    case 'log1p-exp':
      return m.map((v) => Math.log1p(Math.exp(v)));
    case 'signed-square':
      return m.map((v) => Math.sign(v) * v * v);
    case 'sigmoid-f32':
      return m.map((v) => f32(1 / f32(1 + f32(Math.exp(-f32(v))))));
    case 'exp-f32':
      return m.map((v) => f32(Math.exp(f32(v))));
    case 'hinge':
      return m.map((v) => (v > 0 ? 1 : 0));
    case 'softmax': {
      const max = Math.max(...m);
      const e = m.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    }
    case 'softmax-f32': {
      const max = Math.max(...m.map(f32));
      const e = m.map((v) => f32(Math.exp(f32(f32(v) - max))));
      const sum = f32(e.reduce((a, b) => a + b, 0));
      return e.map((v) => f32(v / sum));
    }
    case 'argmax': {
      let best = 0;
      for (let i = 1; i < m.length; i++) if (m[i]! > m[best]!) best = i;
      return [best];
    }
  }
}

/**
 * Path attribution of one row: per output, numFeatures + 1 values (the last
 * is the bias: base score plus each tree's root mean), in tree order.
 */
export function referenceContributions(forest: Forest, row: ArrayLike<number>): number[][] {
  const x = forest.format === 'lightgbm' ? Array.from(row, (v) => (Math.abs(v) <= ZERO_THRESHOLD ? 0 : v)) : Array.from(row);
  const out = forest.baseScore.map((b) => {
    const c = new Array<number>(forest.numFeatures + 1).fill(0);
    c[forest.numFeatures] = forest.sumF32 ? f32(b) : b;
    return c;
  });
  for (const tree of forest.trees) {
    const c = out[tree.group]!;
    const means = nodeMeans(tree);
    const value = (n: number) => (n < 0 ? tree.leafValue[~n]! : means[n]!);
    let node = tree.feature.length > 0 ? 0 : ~0;
    c[forest.numFeatures] = c[forest.numFeatures]! + tree.weight * value(node);
    while (node >= 0) {
      const f = tree.feature[node]!;
      const next = goesLeft(tree, node, x[f]!) ? tree.left[node]! : tree.right[node]!;
      c[f] = c[f]! + tree.weight * (value(next) - value(node));
      node = next;
    }
  }
  return out;
}

function leafOutput(tree: Tree, x: number[]): number {
  let node = tree.feature.length > 0 ? 0 : ~0;
  while (node >= 0) node = goesLeft(tree, node, x[tree.feature[node]!]!) ? tree.left[node]! : tree.right[node]!;
  const leaf = ~node;
  if (tree.linear === null) return tree.leafValue[leaf]!;
  const features = tree.linear.features[leaf]!;
  let out = tree.linear.constant[leaf]!;
  for (let i = 0; i < features.length; i++) {
    const v = x[features[i]!]!;
    if (Number.isNaN(v)) return tree.leafValue[leaf]!;
    out += tree.linear.coeffs[leaf]![i]! * v;
  }
  return out;
}

function goesLeft(tree: Tree, i: number, v: number): boolean {
  const t = tree.threshold[i]!;
  const defaultLeft = tree.defaultLeft[i] === 1;
  switch (tree.kind[i] as SplitKind) {
    case SplitKind.LightGbmNumeric: {
      // LightGBM Tree::NumericalDecision.
      const missing = tree.missing[i] as MissingType;
      if (Number.isNaN(v) && missing !== MissingType.NaN) v = 0;
      if ((missing === MissingType.Zero && Math.abs(v) <= ZERO_THRESHOLD) || (missing === MissingType.NaN && Number.isNaN(v))) {
        return defaultLeft;
      }
      return v <= t;
    }
    case SplitKind.LightGbmCategorical: {
      // LightGBM Tree::CategoricalDecision (x86 int cast: out of range is negative).
      if (Number.isNaN(v)) return false;
      const c = v >= 2147483648 || v <= -2147483649 ? -1 : Math.trunc(v);
      if (c < 0) return false;
      return inBitset(tree.categories[i]!, c);
    }
    case SplitKind.XgboostNumeric:
      if (Number.isNaN(v)) return defaultLeft;
      return f32(v) < t;
    case SplitKind.XgboostCategorical: {
      // XGBoost common::Decision: in the set goes right.
      if (Number.isNaN(v)) return defaultLeft;
      const c = f32(v);
      if (c < 0 || c >= XGB_MAX_CAT) return true;
      return !inBitset(tree.categories[i]!, Math.trunc(c));
    }
  }
}

function inBitset(words: Uint32Array, c: number): boolean {
  const w = Math.floor(c / 32);
  return w < words.length && ((words[w]! >>> c % 32) & 1) === 1;
}
