// Gradient histograms: per leaf, per feature, per bin the sums of gradient,
// hessian and row count (three f64, 24 bytes). One slot per leaf; a split
// builds only the smaller child and gets the other as parent - child
// (LightGBM's subtraction trick), in the parent's slot.

import { grad, hess, bins, numFeatures, realloc } from "./dataset";
import { offsetOf, totalBins } from "./bins";
import { indices, beginOf, countOf } from "./partition";

const ENTRY: usize = 24;

let hist: usize = 0;
let histBytes: usize = 0;
let slotBytes: usize = 0;
let slotOf: usize = 0; // i32[leaves]: the slot holding each leaf's histogram
let slotCap: i32 = 0;

// The features this tree may split on (feature_fraction), with each one's
// byte offset inside a slot.
export let usedFeatures: usize = 0; // i32[F]
let usedOffset: usize = 0; // usize[F]
export let numUsed: i32 = 0;
let usedCap: i32 = 0;

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
  if (numFeatures > usedCap) {
    usedFeatures = realloc(usedFeatures, <usize>numFeatures << 2);
    usedOffset = realloc(usedOffset, <usize>numFeatures * sizeof<usize>());
    usedCap = numFeatures;
  }
  return true;
}

/** Sets the features of this tree: `usedFeatures[0, n)`, ascending. Called once per tree. */
export function useFeatures(n: i32): void {
  numUsed = n;
  for (let k = 0; k < n; k++) {
    const f = load<i32>(usedFeatures + (<usize>k << 2));
    store<usize>(usedOffset + <usize>k * sizeof<usize>(), <usize>offsetOf(f) * ENTRY);
  }
}

/** The histogram of `leaf`: bin b of feature f is at `+ (offsetOf(f) + b) * 24`. */
// @ts-ignore: decorator
@inline export function histOf(leaf: i32): usize {
  return hist + <usize>load<i32>(slotOf + (<usize>leaf << 2)) * slotBytes;
}

/** Gives `leaf` its own slot (a fresh leaf takes the slot of the same number). */
// @ts-ignore: decorator
@inline export function setSlot(leaf: i32, slot: i32): void {
  store<i32>(slotOf + (<usize>leaf << 2), slot);
}

// @ts-ignore: decorator
@inline export function slotIndex(leaf: i32): i32 {
  return load<i32>(slotOf + (<usize>leaf << 2));
}

/** Sums the rows of `leaf` into its slot, for the used features. The hot loop of training. */
export function buildHistogram(leaf: i32): void {
  const h = histOf(leaf);
  const nu = numUsed;
  for (let k = 0; k < nu; k++) {
    const f = load<i32>(usedFeatures + (<usize>k << 2));
    const off = load<usize>(usedOffset + <usize>k * sizeof<usize>());
    const nb = <usize>(offsetOf(f + 1) - offsetOf(f));
    memory.fill(h + off, 0, nb * ENTRY);
  }
  const stride = <usize>numFeatures;
  const rows = indices + (<usize>beginOf(leaf) << 2);
  const n = countOf(leaf);
  for (let i = 0; i < n; i++) {
    const r = <usize>load<i32>(rows + (<usize>i << 2));
    const g = load<f64>(grad + (r << 3));
    const w = load<f64>(hess + (r << 3));
    const rowBins = bins + r * stride;
    for (let k = 0; k < nu; k++) {
      const f = <usize>load<i32>(usedFeatures + (<usize>k << 2));
      const p = h + load<usize>(usedOffset + <usize>k * sizeof<usize>()) + <usize>load<u8>(rowBins + f) * ENTRY;
      store<f64>(p, load<f64>(p) + g);
      store<f64>(p, load<f64>(p, 8) + w, 8);
      store<f64>(p, load<f64>(p, 16) + 1.0, 16);
    }
  }
}

/** `into -= from` over the used features: the larger child from parent - smaller child. */
export function subtractHistogram(into: i32, from: i32): void {
  const a = histOf(into);
  const b = histOf(from);
  for (let k = 0; k < numUsed; k++) {
    const f = load<i32>(usedFeatures + (<usize>k << 2));
    const off = load<usize>(usedOffset + <usize>k * sizeof<usize>());
    const end = off + <usize>(offsetOf(f + 1) - offsetOf(f)) * ENTRY;
    for (let p = off; p < end; p += 8) store<f64>(a + p, load<f64>(a + p) - load<f64>(b + p));
  }
}
