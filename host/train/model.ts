// From a training result to the LightGBM model the writer lays out: the
// safe feature names and the parameters section, in LightGBM's names.

import type { TrainResult } from './train.js';
import { type LightGbmModel, lightGbmFeatureNames, lightGbmText } from './lightgbm-writer.js';
import { MIN_DATA_IN_BIN } from './params.js';

/** The result as a LightGBM model description. */
export function lightGbmModel(r: TrainResult): LightGbmModel {
  const p = r.params;
  return {
    objective: p.objective,
    featureNames: lightGbmFeatureNames(r.featureNames),
    featureInfos: r.featureInfos,
    initScore: r.initScore,
    trees: r.trees,
    numTrainRows: r.split.train.length,
    parameters: [
      ['boosting', 'gbdt'],
      ['objective', p.objective],
      ['num_iterations', p.trees],
      ['learning_rate', p.learningRate],
      ['num_leaves', p.numLeaves],
      ['num_threads', 1],
      ['seed', p.seed],
      ['max_depth', p.maxDepth],
      ['min_data_in_leaf', p.minDataInLeaf],
      ['min_sum_hessian_in_leaf', p.minSumHessian],
      ['bagging_fraction', p.baggingFraction],
      ['bagging_freq', p.baggingFraction < 1 ? 1 : 0],
      ['feature_fraction', p.featureFraction],
      ['early_stopping_round', r.metricName === null ? 0 : p.earlyStoppingRounds],
      ['lambda_l2', p.lambdaL2],
      ['min_gain_to_split', p.minGainToSplit],
      ['max_bin', p.maxBin],
      ['min_data_in_bin', MIN_DATA_IN_BIN],
      ['use_missing', 1],
      ['zero_as_missing', 0],
      ['boost_from_average', 1],
    ],
  };
}

/** The result as LightGBM v4 model text. */
export function modelText(r: TrainResult): string {
  return lightGbmText(lightGbmModel(r));
}
