// Leaf-wise (best-first) growth: split the leaf whose best split gains most,
// until num_leaves leaves or no split gains anything; max_depth caps how
// deep a leaf may be to be split. The order of work and every sum follow
// LightGBM's SerialTreeLearner, so the same data grows the same tree.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/treelearner/serial_tree_learner.cpp (Train, BeforeFindBestSplit, SplitInner)

import { grad, hess } from "./dataset";
import { numLeaves, maxDepth, minDataInLeaf, minGainToSplit } from "./params";
import { Split, findBestSplit, better, leafOutput, reserveSplits, allSplittable, inheritSplittable, isSplittable } from "./split";
import {
  buildHistogram, fixHistogram, subtractHistogram, histOf, setSlot, slotIndex,
  usedFeatures, numUsed, activeFeatures, activate,
} from "./histogram";
import { indices, resetPartition, partitionLeaf, countOf } from "./partition";
import { resetTree, splitTree, depthOf, numLeavesOf } from "./tree";

let splits = new StaticArray<Split>(0);
let leafG = new StaticArray<f64>(0);
let leafH = new StaticArray<f64>(0);

/** Sizes the per-leaf state. Called by trainStart. */
export function reserveGrowth(leaves: i32): void {
  reserveSplits(leaves);
  if (splits.length >= leaves) return;
  splits = new StaticArray<Split>(leaves);
  for (let i = 0; i < leaves; i++) unchecked(splits[i] = new Split());
  leafG = new StaticArray<f64>(leaves);
  leafH = new StaticArray<f64>(leaves);
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
  for (let l = 0; l < numLeaves; l++) unchecked(splits[l]).gain = -Infinity;
  unchecked(leafG[0] = g);
  unchecked(leafH[0] = h);
  allSplittable(0);
  if (count >= 2 * minDataInLeaf) {
    activateFrom(0);
    setSlot(0, 0);
    buildHistogram(0);
    fixHistogram(0, g, h);
    findBestSplit(unchecked(splits[0]), 0, histOf(0), g, h, count);
  }

  for (let leaves = 1; leaves < numLeaves; leaves++) {
    let best = 0;
    for (let l = 1; l < leaves; l++) {
      const s = unchecked(splits[l]);
      if (better(s.gain, s.feature, unchecked(splits[best]))) best = l;
    }
    const s = unchecked(splits[best]);
    if (!(s.gain > 0)) break;
    const right = leaves;
    const ln = partitionLeaf(best, right, s.feature, s.threshold, s.defaultLeft);
    const rn = countOf(right);
    splitTree(
      best, s.feature, s.threshold, s.defaultLeft, <f64><f32>(s.gain + minGainToSplit),
      s.leftOutput, s.leftH, ln, s.rightOutput, s.rightH, rn,
    );
    const lg = s.leftG, lh = s.leftH, rg = s.rightG, rh = s.rightH;
    unchecked(leafG[best] = lg);
    unchecked(leafH[best] = lh);
    unchecked(leafG[right] = rg);
    unchecked(leafH[right] = rh);
    inheritSplittable(right, best);
    unchecked(splits[best]).gain = -Infinity;
    if (leaves + 1 == numLeaves) break; // full: no more splits to look for
    if (maxDepth > 0 && depthOf(best) >= maxDepth) continue;
    if (ln < 2 * minDataInLeaf && rn < 2 * minDataInLeaf) continue;

    // Build the smaller child; the larger is parent - smaller, in the parent's slot.
    activateFrom(best);
    const parentSlot = slotIndex(best);
    if (ln < rn) {
      setSlot(best, right);
      buildHistogram(best);
      fixHistogram(best, lg, lh);
      setSlot(right, parentSlot);
      subtractHistogram(right, best);
      findBestSplit(unchecked(splits[best]), best, histOf(best), lg, lh, ln);
      findBestSplit(unchecked(splits[right]), right, histOf(right), rg, rh, rn);
    } else {
      setSlot(right, right);
      buildHistogram(right);
      fixHistogram(right, rg, rh);
      subtractHistogram(best, right);
      findBestSplit(unchecked(splits[right]), right, histOf(right), rg, rh, rn);
      findBestSplit(unchecked(splits[best]), best, histOf(best), lg, lh, ln);
    }
  }
  return numLeavesOf();
}

// The tree's features that `leaf` (a parent, whose flags its children share)
// can still split on.
function activateFrom(leaf: i32): void {
  let n = 0;
  for (let k = 0; k < numUsed; k++) {
    const f = load<i32>(usedFeatures + (<usize>k << 2));
    if (isSplittable(leaf, f)) store<i32>(activeFeatures + (<usize>(n++) << 2), f);
  }
  activate(n);
}
