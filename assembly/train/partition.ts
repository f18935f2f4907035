// Which training rows sit in which leaf: one array of row indices, each leaf
// a contiguous range of it (LightGBM's DataPartition). A split partitions the
// leaf's range stably, so rows stay in ascending order and the histogram
// loop reads the bins front to back.

import { numTrain, numRows, bins, realloc } from "./dataset";
import { numBinsOf, missingOf, MISSING_NAN } from "./bins";

export let indices: usize = 0; // i32[numTrain]
let spill: usize = 0; // i32[numTrain]: right-hand rows while partitioning
let leafBegin: usize = 0; // i32[leaves]
let leafCount: usize = 0; // i32[leaves]
let rowCap: i32 = 0;
let leafCap: i32 = 0;

/** Sizes the partition for the training rows and `leaves` leaves. Called by trainStart. */
export function reservePartition(leaves: i32): void {
  if (numTrain > rowCap) {
    indices = realloc(indices, <usize>numTrain << 2);
    spill = realloc(spill, <usize>numTrain << 2);
    rowCap = numTrain;
  }
  if (leaves > leafCap) {
    leafBegin = realloc(leafBegin, <usize>leaves << 2);
    leafCount = realloc(leafCount, <usize>leaves << 2);
    leafCap = leaves;
  }
}

/** Puts the first `count` entries of `indices` (the rows of this tree) into leaf 0. */
export function resetPartition(count: i32): void {
  store<i32>(leafBegin, 0);
  store<i32>(leafCount, count);
}

// @ts-ignore: decorator
@inline export function beginOf(leaf: i32): i32 {
  return load<i32>(leafBegin + (<usize>leaf << 2));
}

// @ts-ignore: decorator
@inline export function countOf(leaf: i32): i32 {
  return load<i32>(leafCount + (<usize>leaf << 2));
}

/** Whether a row with bin `b` of feature f goes left at a split on bin `threshold`. */
// @ts-ignore: decorator
@inline export function binGoesLeft(b: i32, nanBin: i32, threshold: i32, defaultLeft: bool): bool {
  return b == nanBin ? defaultLeft : b <= threshold;
}

/** The NaN bin of feature f, or -1 when it has none. */
// @ts-ignore: decorator
@inline export function nanBinOf(f: i32): i32 {
  return missingOf(f) == MISSING_NAN ? numBinsOf(f) - 1 : -1;
}

/**
 * Splits `leaf`: rows going left stay in `leaf`, the others become
 * `newLeaf`. Returns the left count. Called once per split.
 */
export function partitionLeaf(leaf: i32, newLeaf: i32, f: i32, threshold: i32, defaultLeft: bool): i32 {
  const begin = beginOf(leaf);
  const count = countOf(leaf);
  const nanBin = nanBinOf(f);
  const col = bins + <usize>f * <usize>numRows;
  const base = indices + (<usize>begin << 2);
  let nl = 0;
  let nr = 0;
  for (let i = 0; i < count; i++) {
    const r = load<i32>(base + (<usize>i << 2));
    const b = <i32>load<u8>(col + <usize>r);
    if (binGoesLeft(b, nanBin, threshold, defaultLeft)) store<i32>(base + (<usize>(nl++) << 2), r);
    else store<i32>(spill + (<usize>(nr++) << 2), r);
  }
  memory.copy(base + (<usize>nl << 2), spill, <usize>nr << 2);
  store<i32>(leafCount + (<usize>leaf << 2), nl);
  store<i32>(leafBegin + (<usize>newLeaf << 2), begin + nl);
  store<i32>(leafCount + (<usize>newLeaf << 2), nr);
  return nl;
}
