// The tree being grown, in LightGBM's numbering, laid out as the output
// section the host reads after each trainNextTree (trainTreePtr). Splitting
// leaf l makes internal node numLeaves - 1; the left child keeps leaf l, the
// right child is leaf numLeaves; a child < 0 is leaf ~child.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/tree.h (Tree::Split)
//
// Section layout, C = capacity (the num_leaves parameter):
//   +0   i32 numLeaves
//   +4   i32 C
//   +8   f64 shrinkage applied to the values below
//   +16  f64[C] threshold        (internal node: bin upper bound, x <= t goes left)
//        f64[C] gain             (split gain)
//        f64[C] internalValue    (output the node had as a leaf, shrunk)
//        f64[C] internalWeight   (sum of hessians)
//        f64[C] leafValue        (shrunk: learning rate applied)
//        f64[C] leafWeight
//        i32[C] feature
//        i32[C] thresholdBin
//        i32[C] decisionType     (LightGBM's: 8 = missing type NaN, | 2 = NaN goes left)
//        i32[C] left
//        i32[C] right
//        i32[C] internalCount
//        i32[C] leafCount
// host/train/wasm.ts reads the same layout.

import { realloc } from "./dataset";
import { upperBound, missingOf, MISSING_NAN, ZERO } from "./bins";

export const T_HEADER: i32 = 16;
export const T_THRESHOLD = 0;
export const T_GAIN = 1;
export const T_INTERNAL_VALUE = 2;
export const T_INTERNAL_WEIGHT = 3;
export const T_LEAF_VALUE = 4;
export const T_LEAF_WEIGHT = 5;
export const T_F64_ARRAYS = 6;
export const T_FEATURE = 0;
export const T_THRESHOLD_BIN = 1;
export const T_DECISION = 2;
export const T_LEFT = 3;
export const T_RIGHT = 4;
export const T_INTERNAL_COUNT = 5;
export const T_LEAF_COUNT = 6;
export const T_I32_ARRAYS = 7;

const DECISION_DEFAULT_LEFT: i32 = 2;
const DECISION_MISSING_NAN: i32 = 8;

export let tree: usize = 0;
export let cap: i32 = 0;
let leafParent: usize = 0; // i32[C]
let leafDepth: usize = 0; // i32[C]

/** Sizes the section for trees of up to `leaves` leaves. Called by trainStart. */
export function reserveTree(leaves: i32): void {
  if (leaves > cap) {
    tree = realloc(tree, <usize>T_HEADER + <usize>leaves * (<usize>T_F64_ARRAYS * 8 + <usize>T_I32_ARRAYS * 4));
    leafParent = realloc(leafParent, <usize>leaves << 2);
    leafDepth = realloc(leafDepth, <usize>leaves << 2);
  }
  cap = leaves;
  store<i32>(tree, cap, 4);
}

// @ts-ignore: decorator
@inline export function f64At(array: i32, i: i32): usize {
  return tree + <usize>T_HEADER + ((<usize>array * <usize>cap + <usize>i) << 3);
}

// @ts-ignore: decorator
@inline export function i32At(array: i32, i: i32): usize {
  return tree + <usize>T_HEADER + (<usize>T_F64_ARRAYS * <usize>cap << 3) + ((<usize>array * <usize>cap + <usize>i) << 2);
}

// @ts-ignore: decorator
@inline export function numLeavesOf(): i32 {
  return load<i32>(tree);
}

// @ts-ignore: decorator
@inline export function depthOf(leaf: i32): i32 {
  return load<i32>(leafDepth + (<usize>leaf << 2));
}

/** Starts a tree that is one leaf. Called once per tree. */
export function resetTree(value: f64, weight: f64, count: i32): void {
  store<i32>(tree, 1);
  store<f64>(tree, 1.0, 8);
  store<f64>(f64At(T_LEAF_VALUE, 0), value);
  store<f64>(f64At(T_LEAF_WEIGHT, 0), weight);
  store<i32>(i32At(T_LEAF_COUNT, 0), count);
  store<i32>(leafParent, -1);
  store<i32>(leafDepth, 0);
}

/** Records a split of `leaf`; returns the new (right) leaf. Called once per split. */
export function splitTree(
  leaf: i32, feature: i32, thresholdBin: i32, defaultLeft: bool, gain: f64,
  leftValue: f64, leftWeight: f64, leftCount: i32, rightValue: f64, rightWeight: f64, rightCount: i32,
): i32 {
  const leaves = numLeavesOf();
  const node = leaves - 1;
  const parent = load<i32>(leafParent + (<usize>leaf << 2));
  if (parent >= 0) {
    const at = load<i32>(i32At(T_LEFT, parent)) == ~leaf ? i32At(T_LEFT, parent) : i32At(T_RIGHT, parent);
    store<i32>(at, node);
  }
  store<i32>(i32At(T_FEATURE, node), feature);
  store<i32>(i32At(T_THRESHOLD_BIN, node), thresholdBin);
  // The top value bin's bound is +Infinity (NaN alone goes right); LightGBM 4 writes it as "inf".
  store<f64>(f64At(T_THRESHOLD, node), upperBound(feature, thresholdBin));
  store<i32>(i32At(T_DECISION, node),
    (missingOf(feature) == MISSING_NAN ? DECISION_MISSING_NAN : 0) | (defaultLeft ? DECISION_DEFAULT_LEFT : 0));
  store<f64>(f64At(T_GAIN, node), gain);
  store<i32>(i32At(T_LEFT, node), ~leaf);
  store<i32>(i32At(T_RIGHT, node), ~leaves);
  store<i32>(leafParent + (<usize>leaf << 2), node);
  store<i32>(leafParent + (<usize>leaves << 2), node);
  store<f64>(f64At(T_INTERNAL_WEIGHT, node), leftWeight + rightWeight);
  store<f64>(f64At(T_INTERNAL_VALUE, node), load<f64>(f64At(T_LEAF_VALUE, leaf)));
  store<i32>(i32At(T_INTERNAL_COUNT, node), leftCount + rightCount);
  store<f64>(f64At(T_LEAF_VALUE, leaf), leftValue);
  store<f64>(f64At(T_LEAF_WEIGHT, leaf), leftWeight);
  store<i32>(i32At(T_LEAF_COUNT, leaf), leftCount);
  store<f64>(f64At(T_LEAF_VALUE, leaves), rightValue);
  store<f64>(f64At(T_LEAF_WEIGHT, leaves), rightWeight);
  store<i32>(i32At(T_LEAF_COUNT, leaves), rightCount);
  const depth = depthOf(leaf) + 1;
  store<i32>(leafDepth + (<usize>leaf << 2), depth);
  store<i32>(leafDepth + (<usize>leaves << 2), depth);
  store<i32>(tree, leaves + 1);
  return leaves;
}

// Tree::MaybeRoundToZero: values within kZeroThreshold of 0 are written as 0.
// @ts-ignore: decorator
@inline function roundToZero(x: f64): f64 {
  return abs(x) > ZERO ? x : 0;
}

/** Multiplies the outputs by the learning rate (Tree::Shrinkage). Called once per tree. */
export function shrinkTree(rate: f64): void {
  const leaves = numLeavesOf();
  for (let i = 0; i < leaves; i++) {
    store<f64>(f64At(T_LEAF_VALUE, i), roundToZero(load<f64>(f64At(T_LEAF_VALUE, i)) * rate));
  }
  for (let i = 0; i < leaves - 1; i++) {
    store<f64>(f64At(T_INTERNAL_VALUE, i), roundToZero(load<f64>(f64At(T_INTERNAL_VALUE, i)) * rate));
  }
  store<f64>(tree, load<f64>(tree, 8) * rate, 8);
}
