// Per-tree sampling: the features a tree may split on (feature_fraction) and
// the rows it is grown on (bagging_fraction, redrawn every tree).
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/col_sampler.hpp (GetCnt)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/bagging.hpp (BaggingHelper)

import { numTrain, numFeatures } from "./dataset";
import { numBinsOf } from "./bins";
import { usedFeatures, useFeatures } from "./histogram";
import { indices } from "./partition";
import { featureFraction, baggingFraction } from "./params";
import { nextDouble, nextInt } from "./rng";

/** Picks this tree's features among those that can split. Called once per tree. */
export function sampleFeatures(): void {
  let n = 0;
  for (let f = 0; f < numFeatures; f++) {
    if (numBinsOf(f) > 1) store<i32>(usedFeatures + (<usize>(n++) << 2), f);
  }
  if (featureFraction < 1.0 && n > 0) {
    const k = max(<i32>NativeMath.round(<f64>n * featureFraction), min(2, n));
    // A partial Fisher-Yates shuffle draws k, then they are put back in order.
    for (let i = 0; i < k; i++) {
      const j = i + nextInt(n - i);
      const a = load<i32>(usedFeatures + (<usize>i << 2));
      store<i32>(usedFeatures + (<usize>i << 2), load<i32>(usedFeatures + (<usize>j << 2)));
      store<i32>(usedFeatures + (<usize>j << 2), a);
    }
    for (let i = 1; i < k; i++) {
      const v = load<i32>(usedFeatures + (<usize>i << 2));
      let j = i - 1;
      while (j >= 0 && load<i32>(usedFeatures + (<usize>j << 2)) > v) {
        store<i32>(usedFeatures + (<usize>(j + 1) << 2), load<i32>(usedFeatures + (<usize>j << 2)));
        j--;
      }
      store<i32>(usedFeatures + (<usize>(j + 1) << 2), v);
    }
    n = k;
  }
  useFeatures(n);
}

/** Fills the partition's index array with this tree's rows, ascending; returns how many. Called once per tree. */
export function sampleRows(): i32 {
  if (baggingFraction >= 1.0) {
    for (let r = 0; r < numTrain; r++) store<i32>(indices + (<usize>r << 2), r);
    return numTrain;
  }
  const want = max(1, <i32>(baggingFraction * <f64>numTrain));
  let got = 0;
  // Selection sampling: exactly `want` rows, each set of rows equally likely.
  for (let r = 0; r < numTrain && got < want; r++) {
    if (nextDouble() * <f64>(numTrain - r) < <f64>(want - got)) store<i32>(indices + (<usize>(got++) << 2), r);
  }
  return got;
}
