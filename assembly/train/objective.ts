// Objectives: the starting score (boost_from_average) and per-row gradient
// and hessian of the loss at the current scores.
// Binary logloss with labels 0/1 and sigmoid 1: g = p - y, h = p (1 - p),
// written as LightGBM's BinaryLogloss does with labels -1/+1.
// L2 regression: g = score - y, h = 1.
// As in LightGBM, gradients and hessians are float32 (score_t) and
// regression labels float32 (label_t); scores and sums stay double.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/objective/binary_objective.hpp
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/objective/regression_objective.hpp

import { OK, E_TRAIN_LABEL } from "../status";
import { labels, scores, grad, hess, numTrain, numRows } from "./dataset";
import { objective, OBJECTIVE_BINARY } from "./params";

const EPSILON: f64 = 1e-15; // LightGBM's kEpsilon

/** Binary labels must be 0 or 1 (validation rows too: they feed the metric). */
export function checkLabels(): i32 {
  for (let r = 0; r < numRows; r++) {
    const y = load<f64>(labels + (<usize>r << 3));
    if (objective == OBJECTIVE_BINARY ? y != 0 && y != 1 : !isFinite(y)) return E_TRAIN_LABEL;
  }
  return OK;
}

/** The score every row starts from: log(p / (1 - p)) or the label mean, over the training rows. */
export function initScore(): f64 {
  let sum: f64 = 0;
  for (let r = 0; r < numTrain; r++) sum += <f64><f32>load<f64>(labels + (<usize>r << 3));
  const mean = sum / <f64>numTrain;
  if (objective != OBJECTIVE_BINARY) return mean;
  const p = max(EPSILON, min(1.0 - EPSILON, mean));
  return NativeMath.log(p / (1.0 - p));
}

/** Gradients and hessians of the training rows at their current scores. Called once per tree. */
export function computeGradients(): void {
  if (objective == OBJECTIVE_BINARY) {
    for (let r = 0; r < numTrain; r++) {
      const o = <usize>r << 3;
      const label: f64 = load<f64>(labels + o) > 0 ? 1.0 : -1.0;
      const response = -label / (1.0 + NativeMath.exp(label * load<f64>(scores + o)));
      const a = abs(response);
      store<f64>(grad + o, <f64><f32>response);
      store<f64>(hess + o, <f64><f32>(a * (1.0 - a)));
    }
  } else {
    for (let r = 0; r < numTrain; r++) {
      const o = <usize>r << 3;
      store<f64>(grad + o, <f64><f32>(load<f64>(scores + o) - <f64><f32>load<f64>(labels + o)));
      store<f64>(hess + o, 1.0);
    }
  }
}
