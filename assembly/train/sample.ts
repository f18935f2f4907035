// Per-tree sampling, drawn exactly as LightGBM draws it: the features a
// tree may split on (feature_fraction, ColSampler) and the rows it is grown
// on (bagging_fraction, redrawn every tree).
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/col_sampler.hpp (GetCnt, ResetByTree)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/utils/random.h (Sample)

import { numTrain, numFeatures, realloc } from "./dataset";
import { numBinsOf } from "./bins";
import { usedFeatures, useFeatures } from "./histogram";
import { indices } from "./partition";
import { featureFraction, baggingFraction } from "./params";
import { LightRandom, featureRandom, sampleMask, baggingSeed } from "./rng";

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

// One LightGBM Random state per block of 1024 training rows (bagging_rands_).
const BAG_BLOCK: i32 = 1024;
let bagStates: usize = 0; // u32[blocks]
let bagCap: i32 = 0;

/** Seeds the bagging generators. Called by trainStart. */
export function resetBagging(): void {
  const blocks = (numTrain + BAG_BLOCK - 1) / BAG_BLOCK;
  if (blocks > bagCap) {
    bagStates = realloc(bagStates, <usize>blocks << 2);
    bagCap = blocks;
  }
  for (let b = 0; b < blocks; b++) store<u32>(bagStates + (<usize>b << 2), baggingSeed + <u32>b);
}

/**
 * Fills the partition's index array with this tree's rows, ascending;
 * returns how many. With bagging, each row is in the bag when its block's
 * generator draws below bagging_fraction, as LightGBM's BaggingHelper does
 * (one thread, bagging_freq 1). Called once per tree.
 * https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/bagging.hpp (BaggingHelper)
 */
export function sampleRows(): i32 {
  if (baggingFraction >= 1.0) {
    for (let r = 0; r < numTrain; r++) store<i32>(indices + (<usize>r << 2), r);
    return numTrain;
  }
  const fraction = baggingFraction;
  let got = 0;
  const r = bagRandom;
  for (let i = 0; i < numTrain; i++) {
    const at = bagStates + (<usize>(i / BAG_BLOCK) << 2);
    r.x = load<u32>(at);
    if (<f64>r.nextFloat() < fraction) store<i32>(indices + (<usize>(got++) << 2), i);
    store<u32>(at, r.x);
  }
  return got;
}

const bagRandom = new LightRandom(0);
