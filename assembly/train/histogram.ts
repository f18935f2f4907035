// Gradient histograms: per leaf, per feature, per bin the sums of gradient
// and hessian (two f64, 16 bytes; LightGBM counts rows from the hessians,
// split.ts). One slot per leaf; a split builds only the smaller child and
// gets the other as parent - child (the subtraction trick), in the
// parent's slot. Only the features a split can still use are touched.

import { grad, hess, bins, numFeatures, numTrain, numRows, realloc } from "./dataset";
import { offsetOf, totalBins, numBinsOf, mostFreqOf } from "./bins";
import { indices, beginOf, countOf } from "./partition";

export const ENTRY: usize = 16;

let hist: usize = 0;
let histBytes: usize = 0;
let slotBytes: usize = 0;
let slotOf: usize = 0; // i32[leaves]: the slot holding each leaf's histogram
let slotCap: i32 = 0;

/** The features of this tree (feature_fraction), ascending. */
export let usedFeatures: usize = 0; // i32[F]
export let numUsed: i32 = 0;
/** The features of the split being looked at (used, and splittable in the parent), ascending. */
export let activeFeatures: usize = 0; // i32[F]
export let numActive: i32 = 0;
let activeOffset: usize = 0; // usize[F]: byte offset of each active feature in a slot
let featureCap: i32 = 0;
let orderedGrad: usize = 0; // f64[numTrain]: the gradients of the leaf being built, in its row order
let orderedHess: usize = 0;
let orderedCap: i32 = 0;

/** Sizes `leaves` histogram slots; returns false when they would not fit. Called by trainStart. */
export function reserveHistograms(leaves: i32): bool {
  slotBytes = <usize>totalBins() * ENTRY;
  const need = <u64>slotBytes * <u64>leaves;
  if (need > 0x7fff0000) return false;
  if (<usize>need > histBytes) {
    hist = realloc(hist, <usize>need);
    histBytes = <usize>need;
  }
  if (leaves > slotCap) {
    slotOf = realloc(slotOf, <usize>leaves << 2);
    slotCap = leaves;
  }
  if (numTrain > orderedCap) {
    orderedGrad = realloc(orderedGrad, <usize>numTrain << 3);
    orderedHess = realloc(orderedHess, <usize>numTrain << 3);
    orderedCap = numTrain;
  }
  if (numFeatures > featureCap) {
    usedFeatures = realloc(usedFeatures, <usize>numFeatures << 2);
    activeFeatures = realloc(activeFeatures, <usize>numFeatures << 2);
    activeOffset = realloc(activeOffset, <usize>numFeatures * sizeof<usize>());
    featureCap = numFeatures;
  }
  return true;
}

/** Sets how many of usedFeatures this tree has. Called once per tree. */
export function useFeatures(n: i32): void {
  numUsed = n;
}

/** Sets how many of activeFeatures the next build, fix, subtract and scan cover. */
export function activate(n: i32): void {
  numActive = n;
  for (let k = 0; k < n; k++) {
    const f = load<i32>(activeFeatures + (<usize>k << 2));
    store<usize>(activeOffset + <usize>k * sizeof<usize>(), <usize>offsetOf(f) * ENTRY);
  }
}

/** The histogram of `leaf`: bin b of feature f is at `+ (offsetOf(f) + b) * 16`. */
// @ts-ignore: decorator
@inline export function histOf(leaf: i32): usize {
  return hist + <usize>load<i32>(slotOf + (<usize>leaf << 2)) * slotBytes;
}

/** Gives `leaf` a slot. */
// @ts-ignore: decorator
@inline export function setSlot(leaf: i32, slot: i32): void {
  store<i32>(slotOf + (<usize>leaf << 2), slot);
}

// @ts-ignore: decorator
@inline export function slotIndex(leaf: i32): i32 {
  return load<i32>(slotOf + (<usize>leaf << 2));
}

/**
 * Sums the rows of `leaf` into its slot, for the active features: the
 * leaf's gradients are gathered once in row order (LightGBM's ordered
 * gradients), then each feature's column is read through the leaf's rows
 * into that feature's part of the slot, which stays in L1. The hot loop of
 * training.
 */
export function buildHistogram(leaf: i32): void {
  const h = histOf(leaf);
  const rows = indices + (<usize>beginOf(leaf) << 2);
  const n = countOf(leaf);
  for (let i = 0; i < n && n != numTrain; i++) {
    const r = <usize>load<i32>(rows + (<usize>i << 2)) << 3;
    store<f64>(orderedGrad + (<usize>i << 3), load<f64>(grad + r));
    store<f64>(orderedHess + (<usize>i << 3), load<f64>(hess + r));
  }
  const stride = <usize>numRows;
  // Every training row, in order (only the root without bagging has them
  // all, and sampleRows lists them 0..n-1): read the columns straight.
  const all = n == numTrain;
  for (let k = 0; k < numActive; k++) {
    const f = load<i32>(activeFeatures + (<usize>k << 2));
    const fh = h + load<usize>(activeOffset + <usize>k * sizeof<usize>());
    memory.fill(fh, 0, <usize>numBinsOf(f) * ENTRY);
    const col = bins + <usize>f * stride;
    if (all) {
      for (let i = 0; i < n; i++) {
        const p = fh + (<usize>load<u8>(col + <usize>i) << 4);
        store<f64>(p, load<f64>(p) + load<f64>(grad + (<usize>i << 3)));
        store<f64>(p, load<f64>(p, 8) + load<f64>(hess + (<usize>i << 3)), 8);
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      const p = fh + (<usize>load<u8>(col + <usize>load<i32>(rows + (<usize>i << 2))) << 4);
      store<f64>(p, load<f64>(p) + load<f64>(orderedGrad + (<usize>i << 3)));
      store<f64>(p, load<f64>(p, 8) + load<f64>(orderedHess + (<usize>i << 3)), 8);
    }
  }
}

/**
 * Dataset::FixHistogram: the most frequent bin (when it is not bin 0) as the
 * leaf's totals less every other bin, as LightGBM gets it. Called after
 * buildHistogram, with the leaf's sums.
 */
export function fixHistogram(leaf: i32, sumG: f64, sumH: f64): void {
  const h = histOf(leaf);
  for (let k = 0; k < numActive; k++) {
    const f = load<i32>(activeFeatures + (<usize>k << 2));
    const mfb = mostFreqOf(f);
    if (mfb <= 0) continue;
    const base = h + load<usize>(activeOffset + <usize>k * sizeof<usize>());
    let g = sumG;
    let w = sumH;
    for (let b = 0, nb = numBinsOf(f); b < nb; b++) {
      if (b == mfb) continue;
      g -= load<f64>(base + (<usize>b << 4));
      w -= load<f64>(base + (<usize>b << 4), 8);
    }
    store<f64>(base + (<usize>mfb << 4), g);
    store<f64>(base + (<usize>mfb << 4), w, 8);
  }
}

/** `into -= from` over the active features: the larger child from parent - smaller child. */
export function subtractHistogram(into: i32, from: i32): void {
  const a = histOf(into);
  const b = histOf(from);
  for (let k = 0; k < numActive; k++) {
    const f = load<i32>(activeFeatures + (<usize>k << 2));
    const off = load<usize>(activeOffset + <usize>k * sizeof<usize>());
    const end = off + <usize>numBinsOf(f) * ENTRY;
    for (let p = off; p < end; p += 8) store<f64>(a + p, load<f64>(a + p) - load<f64>(b + p));
  }
}
