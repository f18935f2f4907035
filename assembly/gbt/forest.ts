// A loaded forest: pointers into a validated blob (see layout.ts). Validation
// is what makes the hot loop safe without checks: every child index points
// forward (so every walk ends), every feature is inside the row, every
// bitset and linear range is inside its section.

import {
  MAGIC, VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_NUM_FEATURES, H_NUM_OUTPUTS,
  H_NUM_TREES, H_NUM_NODES, H_NUM_CAT_WORDS, H_NUM_LINEAR, H_NUM_TERMS, H_OBJECTIVE,
  H_FLAGS, H_NUM_ITERATIONS, H_OBJECTIVE_PARAM, NODE_BYTES, FEATURE_MASK, NO_LINEAR,
  F_LEAF, F_SPECIAL, F_CAT_LIGHTGBM, F_CAT_XGBOOST, OBJ_COUNT, OBJ_SOFTMAX, OBJ_SOFTMAX_F32,
  OBJ_ARGMAX, OBJ_OVA_SIGMOID, MODEL_SUM_F32, align8,
} from "./layout";
import {
  OK, E_BAD_MAGIC, E_BAD_VERSION, E_TRUNCATED, E_BAD_NODE, E_BAD_FEATURE,
  E_BAD_CATEGORY, E_BAD_LINEAR, E_BAD_OBJECTIVE,
} from "../status";
import { buildFast } from "./fast";
import { buildTable } from "./table";

export class Forest {
  blob: usize = 0;
  bytes: i32 = 0;
  numFeatures: i32 = 0;
  numOutputs: i32 = 0;
  numTrees: i32 = 0;
  numNodes: i32 = 0;
  numCatWords: i32 = 0;
  numLinear: i32 = 0;
  numTerms: i32 = 0;
  objective: u32 = 0;
  flags: u32 = 0;
  numIterations: i32 = 0;
  objectiveParam: f64 = 0;
  baseScore: usize = 0;
  treeRoot: usize = 0;
  treeGroup: usize = 0;
  treeWeight: usize = 0;
  nodes: usize = 0;
  nodeValue: usize = 0;
  catWords: usize = 0;
  linConst: usize = 0;
  linStart: usize = 0;
  linFeature: usize = 0;
  linCoeff: usize = 0;
  /** Whether any node takes the slow path (F_SPECIAL): categorical, zero-as-missing, odd thresholds. */
  anySpecial: bool = false;
  /** Per tree two u32: steps from the root to its deepest leaf, then to its nearest leaf. Owned (heap). */
  treeDepth: usize = 0;
  /** The deepest tree's depth (steps from root to its deepest leaf). */
  maxDepth: u32 = 0;
  /** Per output, the bias of every explanation (explain.ts): the base score plus each tree's w * root mean, in tree order. Owned (heap). */
  explainBias: usize = 0;
  /** The fast layout (fast.ts), or 0: 16-byte nodes (f64 t, u32 byte offset of x in the extended row, u32 first child). Owned (heap). */
  fastNodes: usize = 0;
  /** Every node's expected output (leaf value, or the mean below it) at the fast layout's node indices: leaves for scoring, all for explanations. Owned (heap). */
  fastValue: usize = 0;
  /** How many negated columns the fast layout appends to each row, and which features they are (u32 each). Owned (heap). */
  negCount: i32 = 0;
  negFeature: usize = 0;
  /** The model feature each column of the extended row holds (u32 per column), for explanations. Owned (heap). */
  colFeature: usize = 0;
  /** The table layout (table.ts): tests per tree (3 or 7), or 0 when the model has none; its arrays. Owned (heap). */
  tableSplits: i32 = 0;
  tableCol: usize = 0;
  tableThr: usize = 0;
  tableLeaf: usize = 0;
  tableTree: usize = 0;
  leafValue: usize = 0;
  leafCredit: usize = 0;
  credits: usize = 0;
}

/** Lays out and validates the blob at `blob`. Called once per model load; returns a status. */
export function parseForest(f: Forest, blob: usize, bytes: i32): i32 {
  if (bytes < HEADER_BYTES) return E_TRUNCATED;
  if (load<u32>(blob, H_MAGIC) != MAGIC) return E_BAD_MAGIC;
  if (load<u32>(blob, H_VERSION) != VERSION) return E_BAD_VERSION;
  f.blob = blob;
  f.bytes = bytes;
  f.numFeatures = load<i32>(blob, H_NUM_FEATURES);
  f.numOutputs = load<i32>(blob, H_NUM_OUTPUTS);
  f.numTrees = load<i32>(blob, H_NUM_TREES);
  f.numNodes = load<i32>(blob, H_NUM_NODES);
  f.numCatWords = load<i32>(blob, H_NUM_CAT_WORDS);
  f.numLinear = load<i32>(blob, H_NUM_LINEAR);
  f.numTerms = load<i32>(blob, H_NUM_TERMS);
  f.objective = load<u32>(blob, H_OBJECTIVE);
  f.flags = load<u32>(blob, H_FLAGS);
  f.numIterations = load<i32>(blob, H_NUM_ITERATIONS);
  f.objectiveParam = load<f64>(blob, H_OBJECTIVE_PARAM);
  // Counts are bounded so the section arithmetic below cannot overflow.
  const limit = 1 << 26;
  if (
    f.numFeatures < 0 || f.numFeatures > <i32>FEATURE_MASK || f.numOutputs < 1 || f.numOutputs > 65536 ||
    f.numTrees < 0 || f.numTrees > limit || f.numNodes < f.numTrees || f.numNodes > limit ||
    f.numCatWords < 0 || f.numCatWords > limit || f.numLinear < 0 || f.numLinear > limit ||
    f.numTerms < 0 || f.numTerms > limit || f.numIterations < 1
  ) return E_TRUNCATED;
  if (f.objective >= OBJ_COUNT) return E_BAD_OBJECTIVE;
  const multi = f.objective == OBJ_SOFTMAX || f.objective == OBJ_SOFTMAX_F32 || f.objective == OBJ_ARGMAX;
  if (multi && f.numOutputs < 2) return E_BAD_OBJECTIVE;
  if (!multi && f.objective != OBJ_OVA_SIGMOID && f.numOutputs != 1) return E_BAD_OBJECTIVE;

  let p = blob + HEADER_BYTES;
  f.baseScore = p; p += align8(<usize>f.numOutputs << 3);
  f.treeRoot = p; p += align8(<usize>f.numTrees << 2);
  f.treeGroup = p; p += align8(<usize>f.numTrees << 2);
  f.treeWeight = p; p += align8(<usize>f.numTrees << 3);
  f.nodes = p; p += <usize>f.numNodes * NODE_BYTES;
  f.nodeValue = p; p += <usize>f.numNodes << 3;
  f.catWords = p; p += align8(<usize>f.numCatWords << 2);
  f.linConst = p; p += align8(<usize>f.numLinear << 3);
  f.linStart = p; p += align8(<usize>(f.numLinear + 1) << 2);
  f.linFeature = p; p += align8(<usize>f.numTerms << 2);
  f.linCoeff = p; p += align8(<usize>f.numTerms << 3);
  if (p - blob > <usize>bytes) return E_TRUNCATED;

  for (let t = 0; t < f.numTrees; t++) {
    if (load<u32>(f.treeRoot + (<usize>t << 2)) >= <u32>f.numNodes) return E_BAD_NODE;
    if (load<u32>(f.treeGroup + (<usize>t << 2)) >= <u32>f.numOutputs) return E_BAD_NODE;
  }
  for (let n = 0; n < f.numNodes; n++) {
    const s = validateNode(f, n);
    if (s != OK) return s;
    if ((load<u32>(f.nodes + <usize>n * NODE_BYTES, 8) >>> 24) & F_SPECIAL) f.anySpecial = true;
  }
  if (f.numLinear > 0) {
    let prev: u32 = 0;
    for (let l = 0; l <= f.numLinear; l++) {
      const s = load<u32>(f.linStart + (<usize>l << 2));
      if (s < prev || s > <u32>f.numTerms) return E_BAD_LINEAR;
      prev = s;
    }
    for (let i = 0; i < f.numTerms; i++) {
      if (load<u32>(f.linFeature + (<usize>i << 2)) >= <u32>f.numFeatures) return E_BAD_LINEAR;
    }
  }
  // Valid: what is derived from it is built (and owned) from here on.
  measureDepths(f);
  sumBias(f);
  buildFast(f);
  buildTable(f);
  return OK;
}

function validateNode(f: Forest, n: i32): i32 {
  const node = f.nodes + <usize>n * NODE_BYTES;
  const word = load<u32>(node, 8);
  const flags = word >>> 24;
  const link = load<u32>(node, 12);
  if (flags & F_LEAF) {
    const lin = load<u32>(node);
    if (lin != NO_LINEAR && lin >= <u32>f.numLinear) return E_BAD_LINEAR;
    if (link != <u32>n || (word & FEATURE_MASK) != 0 || (flags & ~F_LEAF) != 0) return E_BAD_NODE;
    if (load<u32>(node, 4) != 0x7ff80000) return E_BAD_NODE;
    return OK;
  }
  // Children strictly after the parent: no cycles, every walk terminates.
  if (link <= <u32>n || link >= <u32>(f.numNodes - 1)) return E_BAD_NODE;
  if ((word & FEATURE_MASK) >= <u32>f.numFeatures) return E_BAD_FEATURE;
  if (flags & (F_CAT_LIGHTGBM | F_CAT_XGBOOST)) {
    const off = load<u32>(node);
    const count = load<u32>(node, 4);
    if (off > <u32>f.numCatWords || count > <u32>f.numCatWords - off) return E_BAD_CATEGORY;
  }
  return OK;
}

// The explanations' bias per output: the same sum, in the same order, that
// a walk adds to every row (the base score, then w * the root's mean per
// tree), done once: it does not depend on the row.
function sumBias(f: Forest): void {
  f.explainBias = heap.alloc(<usize>f.numOutputs << 3);
  for (let j = 0; j < f.numOutputs; j++) {
    let b = load<f64>(f.baseScore + (<usize>j << 3));
    if (f.flags & MODEL_SUM_F32) b = <f64>(<f32>b);
    store<f64>(f.explainBias + (<usize>j << 3), b);
  }
  for (let t = 0; t < f.numTrees; t++) {
    const root = load<u32>(f.treeRoot + (<usize>t << 2));
    const at = f.explainBias + (<usize>load<u32>(f.treeGroup + (<usize>t << 2)) << 3);
    store<f64>(at, load<f64>(at) + load<f64>(f.treeWeight + (<usize>t << 3)) * load<f64>(f.nodeValue + (<usize>root << 3)));
  }
}

// Height (steps to the deepest leaf) and shortest path (steps to the
// nearest leaf) of every node, children before parents (they have larger
// indices), then read off at the roots.
function measureDepths(f: Forest): void {
  const height = heap.alloc(<usize>f.numNodes << 3);
  for (let n = f.numNodes - 1; n >= 0; n--) {
    const node = f.nodes + <usize>n * NODE_BYTES;
    let h: u32 = 0;
    let s: u32 = 0;
    if (!((load<u32>(node, 8) >>> 24) & F_LEAF)) {
      const c = height + (<usize>load<u32>(node, 12) << 3);
      h = max(load<u32>(c), load<u32>(c, 8)) + 1;
      s = min(load<u32>(c, 4), load<u32>(c, 12)) + 1;
    }
    store<u32>(height + (<usize>n << 3), h);
    store<u32>(height + (<usize>n << 3), s, 4);
  }
  f.treeDepth = heap.alloc(<usize>f.numTrees << 3);
  for (let t = 0; t < f.numTrees; t++) {
    const root = load<u32>(f.treeRoot + (<usize>t << 2));
    store<u64>(f.treeDepth + (<usize>t << 3), load<u64>(height + (<usize>root << 3)));
    f.maxDepth = max(f.maxDepth, load<u32>(height + (<usize>root << 3)));
  }
  heap.free(height);
}
