// Path attribution (Saabas; XGBoost's approx_contribs): walking a row down a
// tree, each split moves the expected output from the node's mean to the
// child's; that change is credited to the split's feature. Per output the
// credits plus the bias (base score and root means) sum to the margin. Costs
// one extra load per step over scoring, so every scored event can carry its
// reasons.

import { Forest } from "./forest";
import { F_LEAF, F_SPECIAL, FEATURE_MASK } from "./layout";
import { slowSplit, stepFast, fastRows, fastStride, fastLayoutOn, blockRowsFor, groupDepth, usesTable, tableBlock } from "./predict";

/** Zeroes the contributions of rows [0, rows) at `out` and writes each row's bias. */
export function initContributions(f: Forest, out: usize, rows: i32): void {
  const k = f.numOutputs;
  const width = f.numFeatures + 1;
  memory.fill(out, 0, <usize>rows * k * width << 3);
  for (let r = 0; r < rows; r++) {
    const base = out + (<usize>r * k * width << 3);
    // The bias is the same for every row: summed once at load (sumBias).
    for (let j = 0; j < k; j++) store<f64>(base + ((<usize>j * width + f.numFeatures) << 3), load<f64>(f.explainBias + (<usize>j << 3)));
  }
}

/**
 * Writes contributions for rows [0, rows) of `input` to `out`: per row and
 * output, numFeatures + 1 f64 (the last is the bias). Called by explain().
 */
export function explainRows(f: Forest, input: usize, out: usize, rows: i32): void {
  const k = f.numOutputs;
  const width = f.numFeatures + 1;
  const stride = <usize>f.numFeatures << 3;
  const nodes = f.nodes;
  const values = f.nodeValue;
  initContributions(f, out, rows);
  if (fastLayoutOn() && f.fastNodes != 0) {
    explainFast(f, input, out, rows);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = input + <usize>r * stride;
    const base = out + (<usize>r * k * width << 3);
    for (let t = 0; t < f.numTrees; t++) {
      let n = load<u32>(f.treeRoot + (<usize>t << 2));
      const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
      const w = load<f64>(f.treeWeight + (<usize>t << 3));
      const contrib = base + (group * width << 3);
      let node = nodes + (<usize>n << 4);
      let word = load<u32>(node, 8);
      while (!(word & (F_LEAF << 24))) {
        const feat = <usize>(word & FEATURE_MASK);
        const x = load<f64>(row + (feat << 3));
        let right: u32;
        if (word & (F_SPECIAL << 24)) right = slowSplit(node, word >>> 24, x, f.catWords);
        else right = <u32>(x > load<f64>(node)) | (<u32>(x != x) & ((word >>> 25) & 1));
        const next = load<u32>(node, 12) + right;
        const delta = load<f64>(values + (<usize>next << 3)) - load<f64>(values + (<usize>n << 3));
        const c = contrib + (feat << 3);
        store<f64>(c, load<f64>(c) + w * delta);
        n = next;
        node = nodes + (<usize>n << 4);
        word = load<u32>(node, 8);
      }
    }
  }
}

/**
 * One step of a row down a tree of the fast layout, crediting the change of
 * the expected output to the split's model feature. A leaf steps to itself
 * and credits w * 0, which leaves every sum as it was.
 */
// @ts-ignore: decorator
@inline function creditStep(nodes: usize, values: usize, cols: usize, n: u32, row: usize, contrib: usize, w: f64): u32 {
  const next = stepFast(nodes, n, row);
  const off = load<u32>(nodes + (<usize>n << 4), 8);
  const feat = <usize>load<u32>(cols + (<usize>(off >>> 3) << 2));
  const delta = load<f64>(values + (<usize>next << 3)) - load<f64>(values + (<usize>n << 3));
  const c = contrib + (feat << 3);
  store<f64>(c, load<f64>(c) + w * delta);
  return next;
}

// explainRows on the fast layout: four rows walk each tree in lockstep, so
// their chains of loads and of sums overlap. Each row's sums take the same
// terms in the same order as the one-row walk above, so the bits are the
// same.
function explainFast(f: Forest, input: usize, out: usize, rows: i32): void {
  const k = f.numOutputs;
  const width = <usize>(f.numFeatures + 1);
  const rowOut = <usize>k * width << 3;
  const block = blockRowsFor(f);
  // Locals, not fields: the sums are stores to memory, after which the
  // compiler would load a field again.
  const nodes = f.fastNodes;
  const values = f.fastValue;
  const cols = f.colFeature;
  const numTrees = f.numTrees;
  const stride = fastStride(f);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = min(rows, r0 + block);
    // The last rows (fewer than four) go after the tree loop, one row with
    // several trees in lockstep.
    const lockstepEnd = r0 + ((r1 - r0) & ~3);
    const rowsPtr = fastRows(f, input, r0, r1);
    if (usesTable(f)) {
      tableBlock(f, rowsPtr, stride, r1 - r0, 0, out + <usize>r0 * rowOut, rowOut, width);
      continue;
    }
    for (let t = 0; t < (lockstepEnd > r0 ? numTrees : 0); t++) {
      const root = load<u32>(f.treeRoot + (<usize>t << 2));
      const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
      const w = load<f64>(f.treeWeight + (<usize>t << 3));
      const depth = load<u32>(f.treeDepth + (<usize>t << 3));
      let row = rowsPtr;
      let contrib = out + <usize>r0 * rowOut + (group * width << 3);
      for (let r = r0; r < lockstepEnd; r += 4) {
        const ra = row, rb = ra + stride, rc = rb + stride, rd = rc + stride;
        const ca = contrib, cb = ca + rowOut, cc = cb + rowOut, cd = cc + rowOut;
        let a = root, b = root, c = root, d = root;
        for (let i: u32 = 0; i < depth; i++) {
          const a2 = creditStep(nodes, values, cols, a, ra, ca, w);
          const b2 = creditStep(nodes, values, cols, b, rb, cb, w);
          const c2 = creditStep(nodes, values, cols, c, rc, cc, w);
          const d2 = creditStep(nodes, values, cols, d, rd, cd, w);
          const moved = (a2 ^ a) | (b2 ^ b) | (c2 ^ c) | (d2 ^ d);
          a = a2; b = b2; c = c2; d = d2;
          if (!moved) break;
        }
        row += stride << 2;
        contrib += rowOut << 2;
      }
    }
    for (let r = lockstepEnd; r < r1; r++) {
      explainRowByTrees(f, rowsPtr + <usize>(r - r0) * stride, out + <usize>r * rowOut, width);
    }
  }
}

// Per tree of a 4-tree group, the nodes its walk passed: (maxDepth + 1) u32 each.
let paths: usize = 0;
let pathsBytes: usize = 0;

/**
 * One row of the fast layout, four trees walked in lockstep (each a separate
 * chain of loads), each recording the nodes it passes; then every tree's
 * credits are added in tree order and path order, as the one-tree walk adds
 * them, so each sum is the same. Called for the last rows of a block and for
 * every row of a 1-row batch.
 */
function explainRowByTrees(f: Forest, row: usize, base: usize, width: usize): void {
  const nodes = f.fastNodes;
  const values = f.fastValue;
  const cols = f.colFeature;
  const numTrees = f.numTrees;
  const lane = <usize>(f.maxDepth + 1) << 2;
  if (lane * 4 > pathsBytes) {
    if (paths != 0) heap.free(paths);
    pathsBytes = lane * 4;
    paths = heap.alloc(pathsBytes);
  }
  const pa = paths, pb = pa + lane, pc = pb + lane, pd = pc + lane;
  let t = 0;
  for (; t + 4 <= numTrees; t += 4) {
    const roots = f.treeRoot + (<usize>t << 2);
    let a = load<u32>(roots), b = load<u32>(roots, 4), c = load<u32>(roots, 8), d = load<u32>(roots, 12);
    const depth = groupDepth(f, t);
    store<u32>(pa, a); store<u32>(pb, b); store<u32>(pc, c); store<u32>(pd, d);
    let i: u32 = 0;
    for (; i < depth; i++) {
      a = stepFast(nodes, a, row); b = stepFast(nodes, b, row);
      c = stepFast(nodes, c, row); d = stepFast(nodes, d, row);
      const at = <usize>(i + 1) << 2;
      store<u32>(pa + at, a); store<u32>(pb + at, b); store<u32>(pc + at, c); store<u32>(pd + at, d);
    }
    creditPath(f, t, pa, i, nodes, values, cols, base, width);
    creditPath(f, t + 1, pb, i, nodes, values, cols, base, width);
    creditPath(f, t + 2, pc, i, nodes, values, cols, base, width);
    creditPath(f, t + 3, pd, i, nodes, values, cols, base, width);
  }
  for (; t < numTrees; t++) {
    let n = load<u32>(f.treeRoot + (<usize>t << 2));
    const depth = load<u32>(f.treeDepth + (<usize>t << 3));
    store<u32>(pa, n);
    let i: u32 = 0;
    for (; i < depth; i++) {
      n = stepFast(nodes, n, row);
      store<u32>(pa + (<usize>(i + 1) << 2), n);
    }
    creditPath(f, t, pa, i, nodes, values, cols, base, width);
  }
}

// Adds tree t's path credits (`steps` steps recorded at `path`; a
// leaf's self-steps end it) to the row's sums at `base`.
// @ts-ignore: decorator
@inline function creditPath(
  f: Forest, t: i32, path: usize, steps: u32, nodes: usize, values: usize, cols: usize, base: usize, width: usize,
): void {
  const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
  const w = load<f64>(f.treeWeight + (<usize>t << 3));
  const contrib = base + (group * width << 3);
  let n = load<u32>(path);
  for (let i: u32 = 1; i <= steps; i++) {
    const next = load<u32>(path + (<usize>i << 2));
    if (next == n) break;
    const off = load<u32>(nodes + (<usize>n << 4), 8);
    const c = contrib + (<usize>load<u32>(cols + (<usize>(off >>> 3) << 2)) << 3);
    store<f64>(c, load<f64>(c) + w * (load<f64>(values + (<usize>next << 3)) - load<f64>(values + (<usize>n << 3))));
    n = next;
  }
}

/**
 * Scores and explains rows [r0, r1) of `input` of a table-layout model in
 * one pass: each row's leaf per tree is found once, its value added to the
 * margins at `output` (initialised, as sumBlock leaves them) and its credits
 * to the contributions at `out` (initialised by initContributions). Called
 * by scoreExplain() per block.
 */
export function scoreExplainBlock(f: Forest, input: usize, output: usize, out: usize, r0: i32, r1: i32): void {
  const k = f.numOutputs;
  const width = <usize>(f.numFeatures + 1);
  const rowOut = <usize>k * width << 3;
  tableBlock(f, fastRows(f, input, r0, r1), fastStride(f), r1 - r0, output + (<usize>r0 * k << 3), out + <usize>r0 * rowOut, rowOut, width);
}
