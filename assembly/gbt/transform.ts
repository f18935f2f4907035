// Objective transforms: margins to predictions, per row, in place. Each
// mirrors the library's ConvertOutput / PredTransform, including its
// float width, so transformed outputs match to the last bit or two.

import { Forest } from "./forest";
import {
  MODEL_AVERAGE, OBJ_IDENTITY, OBJ_SIGMOID, OBJ_SOFTMAX, OBJ_OVA_SIGMOID, OBJ_EXP,
  OBJ_LOG1P_EXP, OBJ_SIGNED_SQUARE, OBJ_SIGMOID_F32, OBJ_SOFTMAX_F32, OBJ_ARGMAX,
  OBJ_HINGE, OBJ_EXP_F32,
} from "./layout";

/** Turns the margins of rows [r0, r1) into predictions. Called by score() per block unless raw. */
export function transformBlock(f: Forest, output: usize, r0: i32, r1: i32): void {
  const k = f.numOutputs;
  const obj = f.objective;
  const p = f.objectiveParam;
  const n = (r1 - r0) * k;
  let o = output + (<usize>r0 * k << 3);
  if (f.flags & MODEL_AVERAGE) {
    // LightGBM rf: GBDT::Predict divides by the iteration count before converting.
    const iters = <f64>f.numIterations;
    for (let i = 0; i < n; i++) store<f64>(o + (<usize>i << 3), load<f64>(o + (<usize>i << 3)) / iters);
  }
  if (obj == OBJ_IDENTITY) return;
  if (obj == OBJ_SOFTMAX || obj == OBJ_SOFTMAX_F32 || obj == OBJ_ARGMAX) {
    for (let r = r0; r < r1; r++) {
      if (obj == OBJ_SOFTMAX) softmax(o, k);
      else if (obj == OBJ_SOFTMAX_F32) softmaxF32(o, k);
      else argmax(o, k);
      o += <usize>k << 3;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const a = o + (<usize>i << 3);
    const x = load<f64>(a);
    let y: f64 = x;
    if (obj == OBJ_SIGMOID || obj == OBJ_OVA_SIGMOID) {
      y = 1.0 / (1.0 + Math.exp(-p * x));
    } else if (obj == OBJ_EXP) {
      y = Math.exp(x);
    } else if (obj == OBJ_LOG1P_EXP) {
      y = Math.log1p(Math.exp(x));
    } else if (obj == OBJ_SIGNED_SQUARE) {
      y = (x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0) * x * x;
    } else if (obj == OBJ_SIGMOID_F32) {
      const xf = <f32>x;
      y = <f64>(<f32>1.0 / (<f32>1.0 + Mathf.exp(-xf)));
    } else if (obj == OBJ_HINGE) {
      y = x > 0 ? 1.0 : 0.0;
    } else if (obj == OBJ_EXP_F32) {
      y = <f64>Mathf.exp(<f32>x);
    }
    store<f64>(a, y);
  }
}

// LightGBM Common::Softmax, in double.
function softmax(o: usize, k: i32): void {
  let wmax = load<f64>(o);
  for (let i = 1; i < k; i++) wmax = Math.max(load<f64>(o + (<usize>i << 3)), wmax);
  let wsum: f64 = 0;
  for (let i = 0; i < k; i++) {
    const e = Math.exp(load<f64>(o + (<usize>i << 3)) - wmax);
    store<f64>(o + (<usize>i << 3), e);
    wsum += e;
  }
  for (let i = 0; i < k; i++) store<f64>(o + (<usize>i << 3), load<f64>(o + (<usize>i << 3)) / wsum);
}

// XGBoost common::Softmax: float32 values, a double sum.
function softmaxF32(o: usize, k: i32): void {
  let wmax = <f32>load<f64>(o);
  for (let i = 1; i < k; i++) wmax = Mathf.max(<f32>load<f64>(o + (<usize>i << 3)), wmax);
  let wsum: f64 = 0;
  for (let i = 0; i < k; i++) {
    const e = Mathf.exp(<f32>load<f64>(o + (<usize>i << 3)) - wmax);
    store<f64>(o + (<usize>i << 3), <f64>e);
    wsum += <f64>e;
  }
  const s = <f32>wsum;
  for (let i = 0; i < k; i++) store<f64>(o + (<usize>i << 3), <f64>(<f32>load<f64>(o + (<usize>i << 3)) / s));
}

// XGBoost multi:softmax: the index of the largest margin (first on ties).
function argmax(o: usize, k: i32): void {
  let best = 0;
  let bv = load<f64>(o);
  for (let i = 1; i < k; i++) {
    const v = load<f64>(o + (<usize>i << 3));
    if (v > bv) { bv = v; best = i; }
  }
  store<f64>(o, <f64>best);
  for (let i = 1; i < k; i++) store<f64>(o + (<usize>i << 3), 0);
}
