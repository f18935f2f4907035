// Gradient boosting: start every row at the objective's average, then per
// tree compute gradients, sample features and rows, grow, shrink by the
// learning rate, and add the tree to the training and validation scores.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/gbdt.cpp (TrainOneIter)

import { OK, E_NO_MEMORY, E_TRAIN_ORDER, E_TRAIN_FULL } from "../status";
import { numTrain, numRows, scores } from "./dataset";
import { layoutBins } from "./bins";
import { maxTrees, numLeaves, learningRate } from "./params";
import { checkLabels, initScore, computeGradients } from "./objective";
import { reserveHistograms } from "./histogram";
import { reservePartition, indices, beginOf, countOf } from "./partition";
import { reserveTree, shrinkTree, f64At, T_LEAF_VALUE } from "./tree";
import { resetEnsemble, keepTree, addTree, numTrees } from "./ensemble";
import { reserveGrowth, growTree } from "./grow";
import { sampleFeatures, sampleRows, reserveSampling, resetBagging } from "./sample";

export let init: f64 = 0;
let started = false;

/** Checks labels, lays out histograms and sets every score to the starting score. Called by trainStart. */
export function start(): i32 {
  started = false;
  let s = checkLabels();
  if (s != OK) return s;
  s = layoutBins();
  if (s != OK) return s;
  reservePartition(numLeaves);
  reserveTree(numLeaves);
  reserveGrowth(numLeaves);
  reserveSampling();
  resetBagging();
  if (!reserveHistograms(numLeaves)) return E_NO_MEMORY;
  resetEnsemble(numLeaves);
  // LightGBM's ColSampler draws once when it gets the training data.
  sampleFeatures();
  init = initScore();
  for (let r = 0; r < numRows; r++) store<f64>(scores + (<usize>r << 3), init);
  started = true;
  return OK;
}

/** Grows, shrinks and keeps one tree; returns its leaf count (1: nothing left to split) or a status. */
export function nextTree(): i32 {
  if (!started) return E_TRAIN_ORDER;
  if (numTrees >= maxTrees) return E_TRAIN_FULL;
  computeGradients();
  sampleFeatures();
  const bag = sampleRows();
  const leaves = growTree(bag);
  if (leaves <= 1) return leaves;
  shrinkTree(learningRate);
  if (!keepTree()) return E_NO_MEMORY;
  const t = numTrees - 1;
  if (bag == numTrain) {
    // Every training row sits in the partition: add each leaf's value to its rows.
    for (let l = 0; l < leaves; l++) {
      const v = load<f64>(f64At(T_LEAF_VALUE, l));
      const rows = indices + (<usize>beginOf(l) << 2);
      for (let i = 0, n = countOf(l); i < n; i++) {
        const p = scores + (<usize>load<i32>(rows + (<usize>i << 2)) << 3);
        store<f64>(p, load<f64>(p) + v);
      }
    }
  } else {
    addTree(t, 0, numTrain);
  }
  addTree(t, numTrain, numRows);
  return leaves;
}

/** Recomputes every score from the starting score and the first k trees, in training order. */
export function rescore(k: i32): i32 {
  if (!started) return E_TRAIN_ORDER;
  if (k < 0 || k > numTrees) return E_TRAIN_FULL;
  for (let r = 0; r < numRows; r++) store<f64>(scores + (<usize>r << 3), init);
  for (let t = 0; t < k; t++) addTree(t, 0, numRows);
  return OK;
}
