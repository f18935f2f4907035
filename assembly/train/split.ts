// The best split of a leaf: for each feature a scan over its histogram's
// bins, gain = GL^2/(HL + lambda_l2) + GR^2/(HR + lambda_l2) - the parent's,
// with min_data_in_leaf and min_sum_hessian_in_leaf on both sides. A feature
// with a NaN bin is scanned twice, NaN going left then right, and keeps the
// better (LightGBM's missing type NaN); ties keep NaN left, the smaller
// feature, the earlier threshold, as LightGBM does.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/feature_histogram.hpp (FindBestThresholdSequentially)

import { numBinsOf, missingOf, offsetOf, MISSING_NAN } from "./bins";
import { usedFeatures, numUsed } from "./histogram";
import { minDataInLeaf, minSumHessian, lambdaL2, minGainToSplit } from "./params";

export class Split {
  /** Gain over not splitting (less min_gain_to_split); -Infinity when the leaf cannot split. */
  gain: f64 = -Infinity;
  /** The children's gain terms summed: what candidates compare on. */
  total: f64 = -Infinity;
  feature: i32 = -1;
  /** Rows with bin <= threshold go left. */
  threshold: i32 = 0;
  defaultLeft: bool = false;
  leftG: f64 = 0;
  leftH: f64 = 0;
  leftN: f64 = 0;
  rightG: f64 = 0;
  rightH: f64 = 0;
  rightN: f64 = 0;
}

/** A leaf's gain term G^2 / (H + lambda_l2). */
// @ts-ignore: decorator
@inline export function leafGain(g: f64, h: f64): f64 {
  return g * g / (h + lambdaL2);
}

/** A leaf's output -G / (H + lambda_l2), before the learning rate. */
// @ts-ignore: decorator
@inline export function leafOutput(g: f64, h: f64): f64 {
  return -g / (h + lambdaL2);
}

/**
 * Finds the best split of a leaf with sums (g, h, n) from its histogram
 * `hist` over the tree's features, into `out`. Called for each new leaf.
 */
export function findBestSplit(out: Split, hist: usize, g: f64, h: f64, n: f64): void {
  out.gain = -Infinity;
  out.total = -Infinity;
  out.feature = -1;
  const minData = <f64>minDataInLeaf;
  if (n < 2 * minData || h < 2 * minSumHessian) return;
  const shift = leafGain(g, h) + minGainToSplit;
  for (let k = 0; k < numUsed; k++) {
    const f = load<i32>(usedFeatures + (<usize>k << 2));
    const fh = hist + (<usize>offsetOf(f) * 24);
    const nb = numBinsOf(f);
    const nan = missingOf(f) == MISSING_NAN;
    const valueBins = nan ? nb - 1 : nb;
    // NaN left: accumulate the right side from the top value bin down.
    scan(out, f, fh, valueBins, g, h, n, shift, true, nan && nb <= 2 ? false : true);
    if (nan && nb > 2) scan(out, f, fh, valueBins, g, h, n, shift, false, false);
  }
}

// One direction of the threshold scan. `reverse`: the right side grows from
// the top value bin, so the NaN bin (not in it) goes left; forward: the left
// side grows from bin 0 and NaN goes right. `defaultLeft` is what a reverse
// scan records (LightGBM records false when a NaN-type feature has <= 2 bins).
function scan(out: Split, f: i32, fh: usize, valueBins: i32, g: f64, h: f64, n: f64, shift: f64, reverse: bool, defaultLeft: bool): void {
  const minData = <f64>minDataInLeaf;
  const minHess = minSumHessian;
  let best = out.total; // to beat: the best so far, over every feature scanned
  let bestT = -1;
  let bestLG: f64 = 0, bestLH: f64 = 0, bestLN: f64 = 0;
  let sg: f64 = 0, sh: f64 = 0, sn: f64 = 0;
  if (reverse) {
    for (let t = valueBins - 1; t >= 1; t--) {
      const p = fh + (<usize>t * 24);
      sg += load<f64>(p);
      sh += load<f64>(p, 8);
      sn += load<f64>(p, 16);
      if (sn < minData || sh < minHess) continue;
      const ln = n - sn;
      if (ln < minData) break;
      const lh = h - sh;
      if (lh < minHess) break;
      const lg = g - sg;
      const gain = leafGain(lg, lh) + leafGain(sg, sh);
      if (gain <= shift) continue;
      if (gain > best) {
        best = gain;
        bestT = t - 1;
        bestLG = lg; bestLH = lh; bestLN = ln;
      }
    }
  } else {
    for (let t = 0; t <= valueBins - 1; t++) {
      const p = fh + (<usize>t * 24);
      sg += load<f64>(p);
      sh += load<f64>(p, 8);
      sn += load<f64>(p, 16);
      if (sn < minData || sh < minHess) continue;
      const rn = n - sn;
      if (rn < minData) break;
      const rh = h - sh;
      if (rh < minHess) break;
      const rg = g - sg;
      const gain = leafGain(sg, sh) + leafGain(rg, rh);
      if (gain <= shift) continue;
      if (gain > best) {
        best = gain;
        bestT = t;
        bestLG = sg; bestLH = sh; bestLN = sn;
      }
    }
  }
  if (bestT < 0) return;
  out.gain = best - shift;
  out.total = best;
  out.feature = f;
  out.threshold = bestT;
  out.defaultLeft = reverse ? defaultLeft : false;
  out.leftG = bestLG;
  out.leftH = bestLH;
  out.leftN = bestLN;
  out.rightG = g - bestLG;
  out.rightH = h - bestLH;
  out.rightN = n - bestLN;
}
