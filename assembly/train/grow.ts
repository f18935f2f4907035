// Leaf-wise (best-first) growth: split the leaf whose best split gains most,
// until num_leaves leaves or no split gains anything; max_depth caps how
// deep a leaf may be to be split.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/serial_tree_learner.cpp (Train)

import { grad, hess } from "./dataset";
import { numLeaves, maxDepth } from "./params";
import { Split, findBestSplit, leafOutput } from "./split";
import { buildHistogram, subtractHistogram, histOf, setSlot, slotIndex } from "./histogram";
import { indices, resetPartition, partitionLeaf } from "./partition";
import { resetTree, splitTree, depthOf, numLeavesOf } from "./tree";

let splits = new StaticArray<Split>(0);
let leafG = new StaticArray<f64>(0);
let leafH = new StaticArray<f64>(0);
let leafN = new StaticArray<f64>(0);

/** Sizes the per-leaf state. Called by trainStart. */
export function reserveGrowth(leaves: i32): void {
  if (splits.length >= leaves) return;
  splits = new StaticArray<Split>(leaves);
  for (let i = 0; i < leaves; i++) unchecked(splits[i] = new Split());
  leafG = new StaticArray<f64>(leaves);
  leafH = new StaticArray<f64>(leaves);
  leafN = new StaticArray<f64>(leaves);
}

/**
 * Grows one tree on the first `count` rows of the partition's index array
 * (all training rows, or this tree's bag). Returns the number of leaves;
 * 1 means no split gained anything. Called once per tree.
 */
export function growTree(count: i32): i32 {
  let g: f64 = 0;
  let h: f64 = 0;
  for (let i = 0; i < count; i++) {
    const o = <usize>load<i32>(indices + (<usize>i << 2)) << 3;
    g += load<f64>(grad + o);
    h += load<f64>(hess + o);
  }
  resetPartition(count);
  resetTree(leafOutput(g, h), h, count);
  setSums(0, g, h, <f64>count);
  setSlot(0, 0);
  buildHistogram(0);
  bestSplitOf(0);

  for (let leaves = 1; leaves < numLeaves; leaves++) {
    let best = 0;
    let bestGain = unchecked(splits[0]).gain;
    for (let l = 1; l < leaves; l++) {
      const gain = unchecked(splits[l]).gain;
      if (gain > bestGain) {
        bestGain = gain;
        best = l;
      }
    }
    if (!(bestGain > 0)) break;
    const s = unchecked(splits[best]);
    const right = splitTree(
      best, s.feature, s.threshold, s.defaultLeft, s.gain,
      leafOutput(s.leftG, s.leftH), s.leftH, <i32>s.leftN,
      leafOutput(s.rightG, s.rightH), s.rightH, <i32>s.rightN,
    );
    partitionLeaf(best, right, s.feature, s.threshold, s.defaultLeft);
    const lg = s.leftG, lh = s.leftH, ln = s.leftN;
    const rg = s.rightG, rh = s.rightH, rn = s.rightN;
    setSums(best, lg, lh, ln);
    setSums(right, rg, rh, rn);
    if (leaves + 1 == numLeaves) break; // full: no more splits to look for

    // Build the smaller child; the larger is parent - smaller, in the parent's slot.
    const parentSlot = slotIndex(best);
    if (ln < rn) {
      setSlot(best, right);
      buildHistogram(best);
      setSlot(right, parentSlot);
      subtractHistogram(right, best);
    } else {
      setSlot(right, right);
      buildHistogram(right);
      subtractHistogram(best, right);
    }
    bestSplitOf(best);
    bestSplitOf(right);
  }
  return numLeavesOf();
}

// @ts-ignore: decorator
@inline function setSums(leaf: i32, g: f64, h: f64, n: f64): void {
  unchecked(leafG[leaf] = g);
  unchecked(leafH[leaf] = h);
  unchecked(leafN[leaf] = n);
}

function bestSplitOf(leaf: i32): void {
  const s = unchecked(splits[leaf]);
  if (maxDepth > 0 && depthOf(leaf) >= maxDepth) {
    s.gain = -Infinity;
    s.total = -Infinity;
    return;
  }
  findBestSplit(s, histOf(leaf), unchecked(leafG[leaf]), unchecked(leafH[leaf]), unchecked(leafN[leaf]));
}
