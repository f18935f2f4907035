// Training parameters, set once per run by trainConfigure. Names and
// meanings follow LightGBM's (docs/Parameters.rst).

export const OBJECTIVE_BINARY: i32 = 0;
export const OBJECTIVE_REGRESSION: i32 = 1;

export let objective: i32 = OBJECTIVE_BINARY;
export let maxTrees: i32 = 100;
export let numLeaves: i32 = 31;
export let maxDepth: i32 = -1; // <= 0: no limit
export let minDataInLeaf: i32 = 20;
export let minSumHessian: f64 = 1e-3;
export let lambdaL2: f64 = 0;
export let minGainToSplit: f64 = 0;
export let learningRate: f64 = 0.1;
export let featureFraction: f64 = 1;
export let baggingFraction: f64 = 1;

/** Stores the parameters. Called by trainConfigure, which has checked them. */
export function setParams(
  obj: i32, trees: i32, leaves: i32, depth: i32, minData: i32, minHess: f64,
  l2: f64, minGain: f64, rate: f64, featureFrac: f64, baggingFrac: f64,
): void {
  objective = obj;
  maxTrees = trees;
  numLeaves = leaves;
  maxDepth = depth;
  minDataInLeaf = minData;
  minSumHessian = minHess;
  lambdaL2 = l2;
  minGainToSplit = minGain;
  learningRate = rate;
  featureFraction = featureFrac;
  baggingFraction = baggingFrac;
}
