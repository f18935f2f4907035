// Per-tree sampling: the features a tree may split on (feature_fraction,
// drawn exactly as LightGBM's ColSampler draws them) and the rows it is
// grown on (bagging_fraction, redrawn every tree).
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/col_sampler.hpp (GetCnt, ResetByTree)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/utils/random.h (Sample)

import { numTrain, numFeatures, realloc } from "./dataset";
import { numBinsOf } from "./bins";
import { usedFeatures, useFeatures } from "./histogram";
import { indices } from "./partition";
import { featureFraction, baggingFraction } from "./params";
import { nextDouble, featureRandom, sampleMask } from "./rng";

/**
 * Picks this tree's features among those that can split. Called once per
 * tree, and once before the first (LightGBM's ColSampler draws when it is
 * given the training data, then again before every tree).
 */
export function sampleFeatures(): void {
  let n = 0;
  for (let f = 0; f < numFeatures; f++) {
    if (numBinsOf(f) > 1) store<i32>(usedFeatures + (<usize>(n++) << 2), f);
  }
  if (featureFraction < 1.0 && n > 0) {
    const k = max(<i32>(<f64>n * featureFraction + 0.5), min(2, n));
    n = sample(n, k);
  }
  useFeatures(n);
}

// LightGBM Random::Sample(n, k) over usedFeatures[0, n): keeps the k drawn,
// in order. Returns how many.
function sample(n: i32, k: i32): i32 {
  sampleMask(featureRandom, n, k, picked);
  let got = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(picked + <usize>i) != 0) store<i32>(usedFeatures + (<usize>(got++) << 2), load<i32>(usedFeatures + (<usize>i << 2)));
  }
  return got;
}

let picked: usize = 0; // u8[F]
let pickedCap: i32 = 0;

/** Sizes the sampler's scratch. Called by trainStart. */
export function reserveSampling(): void {
  if (numFeatures > pickedCap) {
    picked = realloc(picked, <usize>numFeatures);
    pickedCap = numFeatures;
  }
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
