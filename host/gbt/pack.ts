// Compiles the IR into the blob the WASM core scores from (layout in
// assembly/gbt/layout.ts and docs/ABI.md). Nodes are laid out breadth-first
// per tree with both children of a node side by side, so a step is
// `child + goRight`, and each split is rewritten into one comparison,
// `x > T` goes right, that gives the library's own answer for every double x.

import { type Forest, type Tree, SplitKind, MissingType, numIterations, nodeMeans } from './ir.js';

export const MAGIC = 0x314d5353; // "SSM1"
export const VERSION = 1;
const HEADER_BYTES = 64;
const NODE_BYTES = 16;
const NO_LINEAR = 0xffffffff;
/** High word of a leaf's threshold: a quiet NaN, so no value goes right. */
const LEAF_NAN_HIGH = 0x7ff80000;

// Node and model flags (assembly/gbt/layout.ts has their meaning).
export const F_LEAF = 1;
export const F_NAN_RIGHT = 2;
export const F_SPECIAL = 4;
export const F_ZERO_MISSING = 8;
export const F_DEFAULT_LEFT = 16;
export const F_CAT_LIGHTGBM = 32;
export const F_CAT_XGBOOST = 64;
export const F_LT32 = 128;

export const MODEL_SUM_F32 = 1;
export const MODEL_AVERAGE = 2;

export const OBJECTIVE_CODES = {
  identity: 0,
  sigmoid: 1,
  softmax: 2,
  'ova-sigmoid': 3,
  exp: 4,
  'log1p-exp': 5,
  'signed-square': 6,
  'sigmoid-f32': 7,
  'softmax-f32': 8,
  argmax: 9,
  hinge: 10,
  'exp-f32': 11,
} as const;

/** LightGBM's kZeroThreshold, 1e-35f as a double. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

const align8 = (n: number) => (n + 7) & ~7;

/** Packs a forest into a blob for the WASM core. Called once per model load. */
export function pack(forest: Forest): Uint8Array {
  const nodeCount = forest.trees.reduce((s, t) => s + t.leafValue.length + t.feature.length, 0);
  let catWords = 0;
  let linear = 0;
  let terms = 0;
  for (const t of forest.trees) {
    for (const c of t.categories) catWords += c ? c.length : 0;
    if (t.linear) {
      linear += t.leafValue.length;
      for (const f of t.linear.features) terms += f.length;
    }
  }
  const k = forest.numOutputs;
  const nt = forest.trees.length;
  const sizes = [
    align8(k * 8), align8(nt * 4), align8(nt * 4), align8(nt * 8), nodeCount * NODE_BYTES, nodeCount * 8,
    align8(catWords * 4), align8(linear * 8), align8((linear + 1) * 4), align8(terms * 4), align8(terms * 8),
  ];
  const offsets: number[] = [];
  let total = HEADER_BYTES;
  for (const s of sizes) {
    offsets.push(total);
    total += s;
  }
  const buf = new ArrayBuffer(total);
  const v = new DataView(buf);
  const [oBase, oRoot, oGroup, oWeight, oNodes, oValue, oCat, oLinConst, oLinStart, oLinFeat, oLinCoeff] = offsets as [
    number, number, number, number, number, number, number, number, number, number, number,
  ];

  v.setUint32(0, MAGIC, true);
  v.setUint32(4, VERSION, true);
  v.setUint32(8, forest.numFeatures, true);
  v.setUint32(12, k, true);
  v.setUint32(16, nt, true);
  v.setUint32(20, nodeCount, true);
  v.setUint32(24, catWords, true);
  v.setUint32(28, linear, true);
  v.setUint32(32, terms, true);
  v.setUint32(36, OBJECTIVE_CODES[forest.transform], true);
  v.setUint32(40, (forest.sumF32 ? MODEL_SUM_F32 : 0) | (forest.averageOutput ? MODEL_AVERAGE : 0), true);
  v.setUint32(44, numIterations(forest), true);
  v.setFloat64(48, forest.transformParam, true);
  for (let j = 0; j < k; j++) v.setFloat64(oBase + j * 8, forest.baseScore[j]!, true);

  let node = 0;
  let cat = 0;
  let lin = 0;
  let term = 0;
  v.setUint32(oLinStart, 0, true);
  forest.trees.forEach((tree, t) => {
    v.setUint32(oRoot + t * 4, node, true);
    v.setUint32(oGroup + t * 4, tree.group, true);
    v.setFloat64(oWeight + t * 8, tree.weight, true);
    // Breadth-first: `order` lists IR children (>= 0 internal, < 0 leaf) in slot order.
    const order: number[] = [tree.feature.length > 0 ? 0 : ~0];
    const linearBase = lin;
    const means = nodeMeans(tree);
    for (let slot = 0; slot < order.length; slot++) {
      const c = order[slot]!;
      const at = oNodes + (node + slot) * NODE_BYTES;
      if (c < 0) {
        // A leaf steps to itself (x > NaN is false), so walks can run a
        // fixed number of steps; its NaN carries the linear-leaf index.
        const leaf = ~c;
        v.setUint32(at, tree.linear ? linearBase + leaf : NO_LINEAR, true);
        v.setUint32(at + 4, LEAF_NAN_HIGH, true);
        v.setFloat64(oValue + (node + slot) * 8, tree.leafValue[leaf]!, true);
        v.setUint32(at + 8, F_LEAF << 24, true);
        v.setUint32(at + 12, node + slot, true);
        continue;
      }
      const first = order.length;
      order.push(tree.left[c]!, tree.right[c]!);
      v.setFloat64(oValue + (node + slot) * 8, means[c]!, true);
      const { threshold, flags } = split(tree, c);
      if (flags & (F_CAT_LIGHTGBM | F_CAT_XGBOOST)) {
        const words = tree.categories[c]!;
        for (let w = 0; w < words.length; w++) v.setUint32(oCat + (cat + w) * 4, words[w]!, true);
        v.setUint32(at, cat, true);
        v.setUint32(at + 4, words.length, true);
        cat += words.length;
      } else {
        v.setFloat64(at, threshold, true);
      }
      v.setUint32(at + 8, (tree.feature[c]! | (flags << 24)) >>> 0, true);
      v.setUint32(at + 12, node + first, true);
    }
    node += order.length;
    if (tree.linear) {
      for (let l = 0; l < tree.leafValue.length; l++) {
        v.setFloat64(oLinConst + lin * 8, tree.linear.constant[l]!, true);
        const fs = tree.linear.features[l]!;
        const cs = tree.linear.coeffs[l]!;
        for (let i = 0; i < fs.length; i++) {
          v.setUint32(oLinFeat + term * 4, fs[i]!, true);
          v.setFloat64(oLinCoeff + term * 8, cs[i]!, true);
          term++;
        }
        lin++;
        v.setUint32(oLinStart + lin * 4, term, true);
      }
    }
  });
  return new Uint8Array(buf);
}

// One split as (T, flags) with "x > T goes right" on the fast path.
function split(tree: Tree, i: number): { threshold: number; flags: number } {
  const t = tree.threshold[i]!;
  const defaultLeft = tree.defaultLeft[i]!;
  switch (tree.kind[i] as SplitKind) {
    case SplitKind.LightGbmCategorical:
      return { threshold: 0, flags: F_SPECIAL | F_CAT_LIGHTGBM };
    case SplitKind.XgboostCategorical:
      return { threshold: 0, flags: F_SPECIAL | F_CAT_XGBOOST | (defaultLeft ? F_DEFAULT_LEFT : 0) };
    case SplitKind.XgboostNumeric: {
      // float(x) < t goes left. NaN is missing and takes the default.
      const nan = defaultLeft ? 0 : F_NAN_RIGHT;
      const T = float32LessThanAsDouble(t);
      if (T === null) return { threshold: t, flags: F_SPECIAL | F_LT32 | nan };
      return { threshold: T, flags: nan };
    }
    case SplitKind.LightGbmNumeric: {
      const missing = tree.missing[i] as MissingType;
      if (missing === MissingType.Zero) {
        return { threshold: t, flags: F_SPECIAL | F_ZERO_MISSING | (defaultLeft ? F_DEFAULT_LEFT : 0) };
      }
      // NaN-type: NaN takes the default; None-type: NaN is read as 0.
      const nanRight = missing === MissingType.NaN ? !defaultLeft : !(0 <= t);
      const nan = nanRight ? F_NAN_RIGHT : 0;
      if (Number.isNaN(t)) return { threshold: t, flags: F_SPECIAL | nan };
      return { threshold: foldZeroClamp(t), flags: nan };
    }
  }
  throw new Error(`unknown split kind ${tree.kind[i]}`);
}

// LightGBM's dense row reader turns |x| <= kZeroThreshold into 0 before the
// trees see it. For `x <= t` that only matters when t lies in that band, and
// moving t to the band's edge gives the same answer for every x.
function foldZeroClamp(t: number): number {
  if (t >= -ZERO_THRESHOLD && t < 0) return prevDouble(-ZERO_THRESHOLD);
  if (t >= 0 && t < ZERO_THRESHOLD) return ZERO_THRESHOLD;
  return t;
}

/**
 * The double T with `Math.fround(x) >= t` exactly when `x > T`, for every
 * non-NaN double x; null when there is none (t is NaN or -Infinity).
 * Doubles in (p, t) round to the float32 t or its predecessor p at the
 * midpoint m; m itself rounds to the one with an even significand.
 */
export function float32LessThanAsDouble(t: number): number | null {
  if (Number.isNaN(t) || t === -Infinity) return null;
  const p = prevFloat32(t);
  const hi = t === Infinity ? 2 ** 128 : t;
  const m = (p + hi) / 2;
  return float32SignificandEven(t) ? prevDouble(m) : m;
}

const scratch = new DataView(new ArrayBuffer(8));

/** The largest double below x (x finite or +Infinity). */
export function prevDouble(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return scratch.getFloat64(0);
}

/** The largest float32 below the float32 t (t > -Infinity). */
export function prevFloat32(t: number): number {
  if (t === 0) return -(2 ** -149);
  if (t === Infinity) return 3.4028234663852886e38;
  scratch.setFloat32(0, t);
  const bits = scratch.getUint32(0);
  scratch.setUint32(0, t > 0 ? bits - 1 : bits + 1);
  return scratch.getFloat32(0);
}

function float32SignificandEven(t: number): boolean {
  if (t === Infinity) return true; // 2^128: even, and FLT_MAX's is odd
  scratch.setFloat32(0, t);
  return (scratch.getUint32(0) & 1) === 0;
}
