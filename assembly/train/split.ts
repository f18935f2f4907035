// The best split of a leaf, computed as LightGBM computes it: for each
// feature a scan over its histogram's bins, gain = GL^2/(HL + lambda_l2) +
// GR^2/(HR + lambda_l2) against the leaf's own, min_data_in_leaf and
// min_sum_hessian_in_leaf on both sides, with LightGBM's arithmetic: row
// counts estimated from hessians (num_data / sum_hessian per unit), kEpsilon
// seeded into hessian sums, bin 0 recovered by subtraction when it is the
// most frequent. A feature with a NaN bin is scanned twice, NaN going left
// then right, and keeps the better; ties keep NaN left, the earlier
// threshold, the smaller feature. A feature no threshold can split is not
// looked at again below that leaf.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/feature_histogram.hpp (FindBestThresholdSequentially)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/serial_tree_learner.cpp (FindBestSplits)

import { numFeatures, realloc } from "./dataset";
import { numBinsOf, missingOf, offsetOf, mostFreqOf, MISSING_NAN } from "./bins";
import { activeFeatures, numActive, ENTRY } from "./histogram";
import { minDataInLeaf, minSumHessian, lambdaL2, minGainToSplit } from "./params";

/** LightGBM's kEpsilon. */
export const EPSILON: f64 = 1e-15;

export class Split {
  /** Gain over not splitting (less min_gain_to_split); -Infinity when the leaf cannot split. */
  gain: f64 = -Infinity;
  feature: i32 = -1;
  /** Rows with bin <= threshold go left. */
  threshold: i32 = 0;
  defaultLeft: bool = false;
  leftOutput: f64 = 0;
  rightOutput: f64 = 0;
  leftG: f64 = 0;
  leftH: f64 = 0;
  rightG: f64 = 0;
  rightH: f64 = 0;
}

/** SplitInfo::operator>: more gain, then the smaller feature (-1 last). */
// @ts-ignore: decorator
@inline export function better(gain: f64, feature: i32, than: Split): bool {
  if (gain != than.gain) return gain > than.gain;
  return <u32>feature < <u32>than.feature;
}

/** A leaf's output -G / (H + lambda_l2), before the learning rate. */
// @ts-ignore: decorator
@inline export function leafOutput(g: f64, h: f64): f64 {
  return -g / (h + lambdaL2);
}

// @ts-ignore: decorator
@inline function leafGain(g: f64, h: f64): f64 {
  return g * g / (h + lambdaL2);
}

// Common::RoundInt.
// @ts-ignore: decorator
@inline function roundInt(x: f64): i32 {
  return <i32>(x + 0.5);
}

// Which features each leaf may still split on (LightGBM's is_splittable).
let splittable: usize = 0; // u8[leaves * F]
let splittableCap: usize = 0;

/** Sizes the per-leaf splittable flags. Called by trainStart. */
export function reserveSplits(leaves: i32): void {
  const n = <usize>leaves * <usize>numFeatures;
  if (n > splittableCap) {
    splittable = realloc(splittable, n);
    splittableCap = n;
  }
}

/** Marks every feature splittable for `leaf` (the root). */
export function allSplittable(leaf: i32): void {
  memory.fill(splittable + <usize>leaf * <usize>numFeatures, 1, <usize>numFeatures);
}

/** Gives `child` the flags of `parent`. */
export function inheritSplittable(child: i32, parent: i32): void {
  memory.copy(splittable + <usize>child * <usize>numFeatures, splittable + <usize>parent * <usize>numFeatures, <usize>numFeatures);
}

// @ts-ignore: decorator
@inline export function isSplittable(leaf: i32, f: i32): bool {
  return load<u8>(splittable + <usize>leaf * <usize>numFeatures + <usize>f) != 0;
}

// The best threshold of one feature, and whether any threshold could split.
let fGain: f64 = -Infinity; // best raw gain less the shift
let fThreshold: i32 = 0;
let fDefaultLeft: bool = true;
let fLeftG: f64 = 0;
let fLeftH: f64 = 0;
let fSplittable: bool = false;

/**
 * Finds the best split of `leaf` (sums g and h, n rows, histogram at `hist`)
 * over the active features, into `out`, and updates the leaf's splittable
 * flags. Called for each leaf that can still split.
 */
export function findBestSplit(out: Split, leaf: i32, hist: usize, g: f64, h: f64, n: i32): void {
  out.gain = -Infinity;
  out.feature = -1;
  // FeatureHistogram::FindBestThreshold passes sum_hessian + 2 * kEpsilon.
  const H = h + 2 * EPSILON;
  const shift = leafGain(g, H) + minGainToSplit;
  const perRow = <f64>n / H;
  const flags = splittable + <usize>leaf * <usize>numFeatures;
  for (let k = 0; k < numActive; k++) {
    const f = load<i32>(activeFeatures + (<usize>k << 2));
    const fh = hist + <usize>offsetOf(f) * ENTRY;
    const nb = numBinsOf(f);
    const nan = missingOf(f) == MISSING_NAN;
    fGain = -Infinity;
    fDefaultLeft = true;
    fSplittable = false;
    if (nan && nb > 2) {
      reverse(fh, nb - 2, g, H, n, perRow, shift);
      forward(fh, nb, mostFreqOf(f) == 0, g, H, n, perRow, shift);
    } else {
      reverse(fh, nb - 1, g, H, n, perRow, shift);
      if (nan) fDefaultLeft = false;
    }
    store<u8>(flags + <usize>f, <u8>fSplittable);
    if (fGain > -Infinity && better(fGain, f, out)) {
      out.gain = fGain;
      out.feature = f;
      out.threshold = fThreshold;
      out.defaultLeft = fDefaultLeft;
      out.leftOutput = leafOutput(fLeftG, fLeftH);
      out.rightOutput = leafOutput(g - fLeftG, H - fLeftH);
      out.leftG = fLeftG;
      out.leftH = fLeftH - EPSILON;
      out.rightG = g - fLeftG;
      out.rightH = H - fLeftH - EPSILON;
    }
  }
}

// Right side grows from bin `top` down to bin 1; what is not right (bin 0,
// and the NaN bin when top excludes it) goes left.
function reverse(fh: usize, top: i32, g: f64, H: f64, n: i32, perRow: f64, shift: f64): void {
  const minData = minDataInLeaf;
  const minHess = minSumHessian;
  let sg: f64 = 0;
  let sh: f64 = EPSILON;
  let sn = 0;
  let best = -Infinity;
  let bestT = 0;
  let bestLG: f64 = 0;
  let bestLH: f64 = 0;
  for (let t = top; t >= 1; t--) {
    const p = fh + (<usize>t << 4);
    const hb = load<f64>(p, 8);
    sg += load<f64>(p);
    sh += hb;
    sn += roundInt(hb * perRow);
    if (sn < minData || sh < minHess) continue;
    if (n - sn < minData) break;
    const lh = H - sh;
    if (lh < minHess) break;
    const lg = g - sg;
    const gain = leafGain(lg, lh) + leafGain(sg, sh);
    if (gain <= shift) continue;
    fSplittable = true;
    if (gain > best) {
      best = gain;
      bestT = t - 1;
      bestLG = lg;
      bestLH = lh;
    }
  }
  if (fSplittable && best > fGain + shift) {
    fGain = best - shift;
    fThreshold = bestT;
    fLeftG = bestLG;
    fLeftH = bestLH;
    fDefaultLeft = true;
  }
}

// Left side grows from bin 0 up to the top value bin; the NaN bin goes
// right. When bin 0 is the most frequent LightGBM does not store it, and
// starts from the leaf's totals less every other bin.
function forward(fh: usize, nb: i32, derivedBin0: bool, g: f64, H: f64, n: i32, perRow: f64, shift: f64): void {
  const minData = minDataInLeaf;
  const minHess = minSumHessian;
  let lg: f64 = 0;
  let lh: f64 = EPSILON;
  let ln = 0;
  if (derivedBin0) {
    lg = g;
    lh = H - EPSILON;
    ln = n;
    for (let b = 1; b < nb; b++) {
      const p = fh + (<usize>b << 4);
      const hb = load<f64>(p, 8);
      lg -= load<f64>(p);
      lh -= hb;
      ln -= roundInt(hb * perRow);
    }
  }
  let best = -Infinity;
  let bestT = 0;
  let bestLG: f64 = 0;
  let bestLH: f64 = 0;
  for (let t = 0; t <= nb - 2; t++) {
    if (!(derivedBin0 && t == 0)) {
      const p = fh + (<usize>t << 4);
      const hb = load<f64>(p, 8);
      lg += load<f64>(p);
      lh += hb;
      ln += roundInt(hb * perRow);
    }
    if (ln < minData || lh < minHess) continue;
    if (n - ln < minData) break;
    const rh = H - lh;
    if (rh < minHess) break;
    const rg = g - lg;
    const gain = leafGain(lg, lh) + leafGain(rg, rh);
    if (gain <= shift) continue;
    fSplittable = true;
    if (gain > best) {
      best = gain;
      bestT = t;
      bestLG = lg;
      bestLH = lh;
    }
  }
  if (fSplittable && best > fGain + shift) {
    fGain = best - shift;
    fThreshold = bestT;
    fLeftG = bestLG;
    fLeftH = bestLH;
    fDefaultLeft = false;
  }
}
