// The trainer's exports (re-exported by assembly/index.ts; docs/ABI.md,
// "Training"). Numbers only: the host writes labels and one feature column
// at a time into module buffers, then calls trainNextTree once per tree and
// reads each tree from the output section (layout in tree.ts).
// Order: trainReserve, trainConfigure, (trainLabelPtr, trainColumnPtr +
// trainBinColumn per feature), trainStart, trainNextTree..., trainRescore.

import { OK, E_BAD_ARGUMENT, E_TRAIN_ORDER } from "../status";
import { reserveData, column, labels, scores, numFeatures, numTrain } from "./dataset";
import { reserveBins, binColumn, numBinsOf, featMin, featMax, sampleBinRows } from "./bins";
import { setParams, OBJECTIVE_BINARY, OBJECTIVE_REGRESSION } from "./params";
import { start, nextTree, rescore, init } from "./boost";
import { tree } from "./tree";
import { seedRandom } from "./rng";

/** Sizes the trainer for `train` training rows, `valid` validation rows and `features` features; returns a status. Called once per training run. */
export function trainReserve(train: i32, valid: i32, features: i32): i32 {
  const s = reserveData(train, valid, features);
  if (s != OK) return s;
  reserveBins();
  return OK;
}

/** Where the host writes the labels: f64 per row, training rows then validation rows. Called once per run, after trainReserve. */
export function trainLabelPtr(): usize {
  return labels;
}

/** Where the host writes one feature column (f64 per row, NaN = missing) before trainBinColumn. Called once per run. */
export function trainColumnPtr(): usize {
  return column;
}

/**
 * Bins the column buffer as feature f; returns its bin count (1: it cannot
 * split, for no split leaves minDataInLeaf rows each side) or a status.
 * Called once per feature.
 */
export function trainBinColumn(f: i32, maxBin: i32, minDataInBin: i32, minDataInLeaf: i32): i32 {
  if (numTrain == 0) return E_TRAIN_ORDER;
  return binColumn(f, maxBin, minDataInBin, minDataInLeaf);
}

/** Bins of feature f after binning (0 before). Called by the model writer once per feature. */
export function trainFeatureNumBins(f: i32): i32 {
  return f < 0 || f >= numFeatures ? E_BAD_ARGUMENT : numBinsOf(f);
}

/** Smallest training value of feature f (zero counts). Called by the model writer once per feature. */
export function trainFeatureMin(f: i32): f64 {
  return f < 0 || f >= numFeatures ? NaN : load<f64>(featMin + (<usize>f << 3));
}

/** Largest training value of feature f (zero counts). Called by the model writer once per feature. */
export function trainFeatureMax(f: i32): f64 {
  return f < 0 || f >= numFeatures ? NaN : load<f64>(featMax + (<usize>f << 3));
}

/**
 * Sets the parameters (objective 0 binary, 1 regression; maxDepth <= 0 for
 * none) and draws the rows bins are built from; returns a status. Called
 * once per run, after trainReserve and before binning.
 */
export function trainConfigure(
  objective: i32, trees: i32, leaves: i32, maxDepth: i32, minDataInLeaf: i32, minSumHessian: f64,
  lambdaL2: f64, minGainToSplit: f64, learningRate: f64, featureFraction: f64, baggingFraction: f64, seed: i32,
): i32 {
  if (numTrain == 0) return E_TRAIN_ORDER;
  if (objective != OBJECTIVE_BINARY && objective != OBJECTIVE_REGRESSION) return E_BAD_ARGUMENT;
  if (trees < 1 || leaves < 2 || leaves > 131072 || minDataInLeaf < 1) return E_BAD_ARGUMENT;
  if (!(minSumHessian >= 0) || !(lambdaL2 >= 0) || !(minGainToSplit >= 0) || !(learningRate > 0)) return E_BAD_ARGUMENT;
  if (!(featureFraction > 0 && featureFraction <= 1) || !(baggingFraction > 0 && baggingFraction <= 1)) return E_BAD_ARGUMENT;
  setParams(objective, trees, leaves, maxDepth, minDataInLeaf, minSumHessian, lambdaL2, minGainToSplit,
    learningRate, featureFraction, baggingFraction);
  seedRandom(<u32>seed);
  sampleBinRows();
  return OK;
}

/** Checks the labels and sets every row's score to the starting score; returns a status. Called once per run, after binning. */
export function trainStart(): i32 {
  if (numTrain == 0) return E_TRAIN_ORDER;
  return start();
}

/** The starting score (log-odds of the positive rate, or the label mean). Called once per run, after trainStart. */
export function trainInitScore(): f64 {
  return init;
}

/** Grows one tree; returns its leaf count (1: no split gains, stop) or a status. Called once per tree. */
export function trainNextTree(): i32 {
  return nextTree();
}

/** The output section holding the last tree grown (layout in assembly/train/tree.ts). Called once per tree. */
export function trainTreePtr(): usize {
  return tree;
}

/** Raw scores (f64 per row, training rows then validation rows) after the trees so far. Called once per tree for the validation metric. */
export function trainScoresPtr(): usize {
  return scores;
}

/** Recomputes the scores from the first k trees (after early stopping); returns a status. Called once per run. */
export function trainRescore(k: i32): i32 {
  return rescore(k);
}
