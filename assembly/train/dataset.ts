// The training data inside the module: labels, binned features (one u8 per
// feature per row, column-major: a histogram pass reads one feature's
// column, which stays in cache), raw scores and gradients. Rows [0, numTrain) train; rows [numTrain, numRows) are the
// validation split, binned with the training rows' bin bounds.

import { OK, E_NO_MEMORY, E_BAD_ARGUMENT } from "../status";

/** Largest single reservation: stays clear of wasm32's 4 GiB address space. */
const MAX_BYTES: u64 = 0x7fff0000;

export let numTrain: i32 = 0;
export let numValid: i32 = 0;
export let numRows: i32 = 0;
export let numFeatures: i32 = 0;

export let bins: usize = 0; // u8[numFeatures * numRows], column-major
export let labels: usize = 0; // f64[numRows]
export let column: usize = 0; // f64[numRows]: the host writes one feature at a time
export let scores: usize = 0; // f64[numRows]: raw margins
export let grad: usize = 0; // f64[numTrain]
export let hess: usize = 0; // f64[numTrain]
export let rowCapacity: i32 = 0;
let featureCapacity: i32 = 0;
let binBytes: u64 = 0;

/** Frees `old` (if any) and returns `bytes` fresh bytes. */
export function realloc(old: usize, bytes: usize): usize {
  if (old != 0) heap.free(old);
  return heap.alloc(bytes < 8 ? 8 : bytes);
}

/** Sizes the data buffers for `train + valid` rows of `features` features; reuses them when they fit. */
export function reserveData(train: i32, valid: i32, features: i32): i32 {
  if (train < 1 || valid < 0 || features < 1 || features > 0xffffff) return E_BAD_ARGUMENT;
  const rows = <u64>train + <u64>valid;
  const need = rows * <u64>features;
  if (need > MAX_BYTES || rows * 8 > MAX_BYTES) return E_NO_MEMORY;
  if (need > binBytes) {
    bins = realloc(bins, <usize>need);
    binBytes = need;
  }
  if (<i32>rows > rowCapacity) {
    const r = <usize>rows << 3;
    labels = realloc(labels, r);
    column = realloc(column, r);
    scores = realloc(scores, r);
    grad = realloc(grad, r);
    hess = realloc(hess, r);
    rowCapacity = <i32>rows;
  }
  if (features > featureCapacity) featureCapacity = features;
  numTrain = train;
  numValid = valid;
  numRows = <i32>rows;
  numFeatures = features;
  return OK;
}

/** The bin of feature `f` in row `r`. */
// @ts-ignore: decorator
@inline export function binAt(r: i32, f: i32): i32 {
  return <i32>load<u8>(bins + <usize>f * <usize>numRows + <usize>r);
}
