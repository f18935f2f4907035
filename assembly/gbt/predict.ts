// Batch traversal: rows are scored in blocks, and each tree is walked for
// every row of a block before the next tree, so a tree's nodes stay in cache
// while the block passes through it. Per row the trees are still summed in
// model order, which keeps the sums bit-identical to LightGBM and XGBoost.

import { Forest } from "./forest";
import { NAN_COLUMN } from "./fast";
import { outcome7 } from "./table";
import {
  NODE_BYTES, FEATURE_MASK, NO_LINEAR, F_LEAF, F_SPECIAL, F_ZERO_MISSING, F_DEFAULT_LEFT,
  F_CAT_LIGHTGBM, F_CAT_XGBOOST, F_LT32, F_NAN_RIGHT, MODEL_SUM_F32,
} from "./layout";

// LightGBM's kZeroThreshold (a float literal, 1e-35f, promoted to double).
const ZERO_THRESHOLD: f64 = <f64>(<f32>1e-35);
// XGBoost's largest valid category (src/common/categorical.h OutOfRangeCat).
const XGB_MAX_CAT: f32 = 16777216.0;

// Rows per pass over the trees: large enough that each tree's set-up is
// spread over many rows, small enough that a block's rows (with the fast
// layout's extra columns) stay in L2. Measured in bench/results/2026-11-25-to-12-07-benchmarks-log.md.
const DEFAULT_BLOCK_ROWS: i32 = 512;
let blockRows: i32 = DEFAULT_BLOCK_ROWS;

// Trees whose nearest leaf is within this many steps of the deepest walk
// every row the full depth without checking whether it has stopped.
const SHALLOW_SLACK: u32 = 2;

/** Sets how many rows share one pass over the trees (1 = row by row; 0 = the default). Called by the debug build (debug.ts) for benchmarks and tests. */
export function setBlockRows(n: i32): void {
  blockRows = n == 0 ? DEFAULT_BLOCK_ROWS : n < 1 ? 1 : n;
}

let fastLayout = true;
let tableLayout = true;

/** Turns the table layout (table.ts) on or off for models that have one (off: they walk the fast layout). Called by the debug build (debug.ts) for tests and benchmarks. */
export function setTableLayout(on: bool): void {
  tableLayout = on;
}

/** Whether model `f` is scored and explained on its table layout. */
export function usesTable(f: Forest): bool {
  return fastLayout && tableLayout && f.tableSplits != 0;
}

/** Turns the fast layout (fast.ts) on or off for models that have one. Called by the debug build (debug.ts) for tests and benchmarks to compare the two walks. */
export function setFastLayout(on: bool): void {
  fastLayout = on;
}

// A block's extended copy (fast layout) is kept under this many bytes, so a
// model with very many features scores in smaller blocks rather than
// allocating rows x features twice over.
const EXTENDED_MAX_BYTES: i32 = 8 << 20;

/** Rows per block for model `f`: the set block size, capped for wide rows on the fast layout. Called by score() per batch. */
export function blockRowsFor(f: Forest): i32 {
  if (!fastLayout || f.fastNodes == 0 || f.negCount == 0) return blockRows;
  return max(1, min(blockRows, EXTENDED_MAX_BYTES / <i32>fastStride(f)));
}

/** Bytes per row of the rows the fast layout walks (fastRows): the features, then the negated columns. */
// @ts-ignore: decorator
@inline export function fastStride(f: Forest): usize {
  return <usize>(f.numFeatures + f.negCount) << 3;
}

// Zero-as-missing, categorical splits and thresholds no single double can
// stand for: rare, so kept off the fast path. Returns 1 to go right.
export function slowSplit(node: usize, flags: u32, x: f64, catWords: usize): u32 {
  if (flags & F_ZERO_MISSING) {
    // LightGBM NumericalDecision: NaN counts as 0, and 0 is missing.
    // https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/tree.h (NumericalDecision)
    if (x != x || (x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD)) return (flags & F_DEFAULT_LEFT) ? 0 : 1;
    // Not `x > t`: a NaN threshold sends every x right in LightGBM.
    return x <= load<f64>(node) ? 0 : 1;
  }
  if (flags & F_CAT_LIGHTGBM) return lightgbmCategory(node, x, catWords);
  if (flags & F_CAT_XGBOOST) return xgboostCategory(node, flags, x, catWords);
  // A literal comparison (the threshold is NaN or -Infinity).
  if (x != x) return (flags & F_NAN_RIGHT) ? 1 : 0;
  const t = load<f64>(node);
  if (flags & F_LT32) return <f32>x < <f32>t ? 0 : 1;
  if (x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD) x = 0;
  return x <= t ? 0 : 1;
}

// LightGBM CategoricalDecision: NaN and negative go right, a category in the
// bitset goes left. The int cast truncates; out of range it saturates, which
// lands outside any bitset, as the x86 cast in LightGBM does.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/tree.h (CategoricalDecision)
function lightgbmCategory(node: usize, x: f64, catWords: usize): u32 {
  if (x != x) return 1;
  const c = <i32>x;
  if (c < 0) return 1;
  const w = <u32>c >>> 5;
  if (w >= load<u32>(node, 4)) return 1;
  const words = catWords + (<usize>load<u32>(node) << 2);
  return ((load<u32>(words + (<usize>w << 2)) >>> (<u32>c & 31)) & 1) ^ 1;
}

// XGBoost common::Decision: the value is a float32; negative, past the
// largest category, or not in the set goes left; in the set goes right.
// https://github.com/dmlc/xgboost/blob/v2.1.3/src/common/categorical.h
function xgboostCategory(node: usize, flags: u32, x: f64, catWords: usize): u32 {
  if (x != x) return (flags & F_DEFAULT_LEFT) ? 0 : 1;
  const xf = <f32>x;
  if (xf < 0 || xf >= XGB_MAX_CAT) return 0;
  const c = <u32>(<i32>xf);
  const w = c >>> 5;
  if (w >= load<u32>(node, 4)) return 0;
  const words = catWords + (<usize>load<u32>(node) << 2);
  return (load<u32>(words + (<usize>w << 2)) >>> (c & 31)) & 1;
}

// A linear leaf (LightGBM linear_tree): constant plus coefficients times
// features, or the plain leaf value when any of its features is NaN.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/tree.h (Tree::Predict)
function linearLeaf(f: Forest, l: u32, value: f64, row: usize): f64 {
  let out = load<f64>(f.linConst + (<usize>l << 3));
  const start = load<u32>(f.linStart + (<usize>l << 2));
  const end = load<u32>(f.linStart + (<usize>(l + 1) << 2));
  for (let i = start; i < end; i++) {
    let x = load<f64>(row + (<usize>load<u32>(f.linFeature + (<usize>i << 2)) << 3));
    if (x != x) return value;
    // LightGBM's dense row reader drops |x| <= kZeroThreshold, so they read as 0.
    if (x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD) x = 0;
    out += load<f64>(f.linCoeff + (<usize>i << 3)) * x;
  }
  return out;
}

/** One step down a tree; a leaf steps to itself. Called per node per row. */
// @ts-ignore: decorator
@inline function step(nodes: usize, n: u32, row: usize, catWords: usize, special: bool = true): u32 {
  const node = nodes + (<usize>n << 4);
  const word = load<u32>(node, 8);
  const x = load<f64>(row + (<usize>(word & FEATURE_MASK) << 3));
  let right: u32;
  // `special` is a constant where this is inlined: false for models without slow-path nodes.
  if (special && (word & (F_SPECIAL << 24))) {
    right = slowSplit(node, word >>> 24, x, catWords);
  } else {
    // x > t goes right; NaN compares false, so it follows F_NAN_RIGHT.
    right = <u32>(x > load<f64>(node)) | (<u32>(x != x) & ((word >>> 25) & 1));
  }
  return load<u32>(node, 12) + right;
}

/** One step in the fast layout (fast.ts): x > t goes to the second child. Called per node per row. */
// @ts-ignore: decorator
@inline export function stepFast(nodes: usize, n: u32, row: usize): u32 {
  const node = nodes + (<usize>n << 4);
  const x = load<f64>(row + <usize>load<u32>(node, 8));
  return load<u32>(node, 12) + <u32>(x > load<f64>(node));
}

/** The output of leaf `n` for `row`. Called once per tree per row. */
// @ts-ignore: decorator
@inline function leafOutput(f: Forest, n: u32, row: usize, linear: bool): f64 {
  const v = load<f64>(f.nodeValue + (<usize>n << 3));
  if (!linear) return v;
  const l = load<u32>(f.nodes + (<usize>n << 4));
  return l == NO_LINEAR ? v : linearLeaf(f, l, v, row);
}

// @ts-ignore: decorator
@inline export function add(out: usize, v: f64, weight: f64, sumF32: bool): void {
  if (sumF32) {
    // XGBoost accumulates predictions in a float32 vector.
    store<f64>(out, <f64>(<f32>load<f64>(out) + <f32>(v * weight)));
  } else {
    store<f64>(out, load<f64>(out) + v * weight);
  }
}

/**
 * Four rows walk each tree in lockstep, so their independent chains of loads
 * overlap. Leaves step to themselves: the walk ends when no row moved (at
 * most the tree's depth steps). Returns the first row not walked (the rest,
 * fewer than four, go one by one). Inlined twice: with and without the slow
 * path, so models without slow-path nodes skip its test at every step.
 */
// @ts-ignore: decorator
@inline function walk4(
  f: Forest, root: u32, sure: u32, depth: u32, row: usize, out: usize, r0: i32, r1: i32,
  stride: usize, outStride: usize, weight: f64, sumF32: bool, linear: bool, special: bool, fast: bool,
): i32 {
  const nodes = fast ? f.fastNodes : f.nodes;
  const catWords = f.catWords;
  let r = r0;
  for (; r + 4 <= r1; r += 4) {
    let a = root, b = root, c = root, d = root;
    const ra = row, rb = row + stride, rc = rb + stride, rd = rc + stride;
    let i: u32 = 0;
    for (; i < sure; i++) {
      a = fast ? stepFast(nodes, a, ra) : step(nodes, a, ra, catWords, special);
      b = fast ? stepFast(nodes, b, rb) : step(nodes, b, rb, catWords, special);
      c = fast ? stepFast(nodes, c, rc) : step(nodes, c, rc, catWords, special);
      d = fast ? stepFast(nodes, d, rd) : step(nodes, d, rd, catWords, special);
    }
    for (; i < depth; i++) {
      const a2 = fast ? stepFast(nodes, a, ra) : step(nodes, a, ra, catWords, special);
      const b2 = fast ? stepFast(nodes, b, rb) : step(nodes, b, rb, catWords, special);
      const c2 = fast ? stepFast(nodes, c, rc) : step(nodes, c, rc, catWords, special);
      const d2 = fast ? stepFast(nodes, d, rd) : step(nodes, d, rd, catWords, special);
      const moved = (a2 ^ a) | (b2 ^ b) | (c2 ^ c) | (d2 ^ d);
      a = a2; b = b2; c = c2; d = d2;
      if (!moved) break;
    }
    if (fast) {
      const values = f.fastValue;
      add(out, load<f64>(values + (<usize>a << 3)), weight, sumF32);
      add(out + outStride, load<f64>(values + (<usize>b << 3)), weight, sumF32);
      add(out + 2 * outStride, load<f64>(values + (<usize>c << 3)), weight, sumF32);
      add(out + 3 * outStride, load<f64>(values + (<usize>d << 3)), weight, sumF32);
    } else {
      add(out, leafOutput(f, a, ra, linear), weight, sumF32);
      add(out + outStride, leafOutput(f, b, rb, linear), weight, sumF32);
      add(out + 2 * outStride, leafOutput(f, c, rc, linear), weight, sumF32);
      add(out + 3 * outStride, leafOutput(f, d, rd, linear), weight, sumF32);
    }
    row += stride << 2;
    out += outStride << 2;
  }
  return r;
}

/**
 * Eight rows in lockstep on the fast layout, whose steps are short enough
 * that four chains of loads leave the core idle. Same contract as walk4.
 */
// @ts-ignore: decorator
@inline function walk8Fast(
  f: Forest, root: u32, sure: u32, depth: u32, row: usize, out: usize, r0: i32, r1: i32,
  stride: usize, outStride: usize, weight: f64, sumF32: bool,
): i32 {
  const nodes = f.fastNodes;
  const values = f.fastValue;
  let r = r0;
  for (; r + 8 <= r1; r += 8) {
    let a = root, b = root, c = root, d = root, e = root, g = root, h = root, k = root;
    const ra = row, rb = ra + stride, rc = rb + stride, rd = rc + stride;
    const re = rd + stride, rg = re + stride, rh = rg + stride, rk = rh + stride;
    let i: u32 = 0;
    for (; i < sure; i++) {
      a = stepFast(nodes, a, ra); b = stepFast(nodes, b, rb);
      c = stepFast(nodes, c, rc); d = stepFast(nodes, d, rd);
      e = stepFast(nodes, e, re); g = stepFast(nodes, g, rg);
      h = stepFast(nodes, h, rh); k = stepFast(nodes, k, rk);
    }
    for (; i < depth; i++) {
      const a2 = stepFast(nodes, a, ra), b2 = stepFast(nodes, b, rb);
      const c2 = stepFast(nodes, c, rc), d2 = stepFast(nodes, d, rd);
      const e2 = stepFast(nodes, e, re), g2 = stepFast(nodes, g, rg);
      const h2 = stepFast(nodes, h, rh), k2 = stepFast(nodes, k, rk);
      const moved = (a2 ^ a) | (b2 ^ b) | (c2 ^ c) | (d2 ^ d) | (e2 ^ e) | (g2 ^ g) | (h2 ^ h) | (k2 ^ k);
      a = a2; b = b2; c = c2; d = d2; e = e2; g = g2; h = h2; k = k2;
      if (!moved) break;
    }
    add(out, load<f64>(values + (<usize>a << 3)), weight, sumF32);
    add(out + outStride, load<f64>(values + (<usize>b << 3)), weight, sumF32);
    add(out + 2 * outStride, load<f64>(values + (<usize>c << 3)), weight, sumF32);
    add(out + 3 * outStride, load<f64>(values + (<usize>d << 3)), weight, sumF32);
    add(out + 4 * outStride, load<f64>(values + (<usize>e << 3)), weight, sumF32);
    add(out + 5 * outStride, load<f64>(values + (<usize>g << 3)), weight, sumF32);
    add(out + 6 * outStride, load<f64>(values + (<usize>h << 3)), weight, sumF32);
    add(out + 7 * outStride, load<f64>(values + (<usize>k << 3)), weight, sumF32);
    row += stride << 3;
    out += outStride << 3;
  }
  return r;
}

// Rows of the current block with the fast layout's negated columns
// appended (fast.ts); grown when a block needs more, never shrunk.
let extended: usize = 0;
let extendedBytes: usize = 0;

/** Whether score() and explain() use the fast layout of a model that has one. */
export function fastLayoutOn(): bool {
  return fastLayout;
}

/**
 * The rows [r0, r1) of `input` as the fast layout walks them (fastStride(f)
 * bytes a row): the input's own when the model has no negated columns, else
 * a copy with them appended to each row. Called per block by score() and
 * explain() on the fast and table layouts.
 */
export function fastRows(f: Forest, input: usize, r0: i32, r1: i32): usize {
  const width = <usize>f.numFeatures << 3;
  if (f.negCount == 0) return input + <usize>r0 * width;
  const stride = fastStride(f);
  const bytes = <usize>(r1 - r0) * stride;
  if (bytes > extendedBytes) {
    if (extended != 0) heap.free(extended);
    extended = heap.alloc(bytes);
    extendedBytes = bytes;
  }
  const neg = f.negFeature;
  const negCount = <usize>f.negCount;
  let src = input + <usize>r0 * width;
  let dst = extended;
  for (let r = r0; r < r1; r++) {
    memory.copy(dst, src, width);
    for (let j: usize = 0; j < negCount; j++) {
      const c = load<u32>(neg + (j << 2));
      const x = load<f64>(src + (<usize>(c & ~NAN_COLUMN) << 3));
      store<f64>(dst + width + (j << 3), c & NAN_COLUMN ? (x != x ? NaN : 0) : -x);
    }
    src += width;
    dst += stride;
  }
  return extended;
}

/** Sets the margins of rows [r0, r1) at `output` to the base scores, as a sum over the trees starts. */
export function initOutputs(f: Forest, output: usize, r0: i32, r1: i32): void {
  const k = f.numOutputs;
  const sumF32 = (f.flags & MODEL_SUM_F32) != 0;
  for (let r = r0; r < r1; r++) {
    const out = output + (<usize>r * k << 3);
    for (let j = 0; j < k; j++) {
      let b = load<f64>(f.baseScore + (<usize>j << 3));
      if (sumF32) b = <f64>(<f32>b);
      store<f64>(out + (<usize>j << 3), b);
    }
  }
}

/** Sums the trees of `f` for rows [r0, r1) of `input` into `output`. Called by score() per block. */
export function sumBlock(f: Forest, input: usize, output: usize, r0: i32, r1: i32): void {
  const k = f.numOutputs;
  const sumF32 = (f.flags & MODEL_SUM_F32) != 0;
  const linear = f.numLinear > 0;
  const fast = fastLayout && f.fastNodes != 0;
  initOutputs(f, output, r0, r1);
  const stride = fast ? fastStride(f) : <usize>f.numFeatures << 3;
  const rows = fast ? fastRows(f, input, r0, r1) : input + <usize>r0 * stride;
  const outStride = <usize>k << 3;
  if (usesTable(f)) {
    tableBlock(f, rows, stride, r1 - r0, output + (<usize>r0 * k << 3), 0, 0, 0);
    return;
  }
  const nodes = fast ? f.fastNodes : f.nodes;
  const catWords = f.catWords;
  const lockstepEnd = r0 + ((r1 - r0) & ~3);
  // With the fast layout and fewer than four rows, only sumRowByTrees below has work.
  const treeLoop = fast && lockstepEnd == r0 ? 0 : f.numTrees;
  for (let t = 0; t < treeLoop; t++) {
    const root = load<u32>(f.treeRoot + (<usize>t << 2));
    const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
    const weight = load<f64>(f.treeWeight + (<usize>t << 3));
    const depth = load<u32>(f.treeDepth + (<usize>t << 3));
    // No row can reach a leaf in fewer steps than the nearest leaf is deep:
    // those steps need no check for the end of the walk.
    const nearest = load<u32>(f.treeDepth + (<usize>t << 3), 4);
    // Past that, checking costs more than the few self-steps of rows that
    // have stopped when the tree's leaves are all nearly as deep.
    const sure = depth - nearest <= SHALLOW_SLACK ? depth : nearest;
    let row = rows;
    let out = output + ((<usize>r0 * k + group) << 3);
    let r = r0;
    // Four rows walk in lockstep, so their independent chains of loads
    // overlap. Leaves step to themselves: the walk ends when no row moved
    // (at most the tree's depth steps).
    if (fast) {
      // The last rows (fewer than four) go after the tree loop, one row with
      // several trees in lockstep.
      r = walk8Fast(f, root, sure, depth, row, out, r0, lockstepEnd, stride, outStride, weight, sumF32);
      const done = <usize>(r - r0);
      r = walk4(f, root, sure, depth, row + done * stride, out + done * outStride, r, lockstepEnd, stride, outStride, weight, sumF32, false, false, true);
      continue;
    }
    else if (f.anySpecial) r = walk4(f, root, sure, depth, row, out, r0, r1, stride, outStride, weight, sumF32, linear, true, false);
    else r = walk4(f, root, sure, depth, row, out, r0, r1, stride, outStride, weight, sumF32, linear, false, false);
    row += <usize>(r - r0) * stride;
    out += <usize>(r - r0) * outStride;
    for (; r < r1; r++) {
      let n = root;
      for (let i: u32 = 0; i < depth; i++) {
        const next = step(nodes, n, row, catWords);
        if (next == n) break;
        n = next;
      }
      add(out, leafOutput(f, n, row, linear), weight, sumF32);
      row += stride;
      out += outStride;
    }
  }
  if (fast) {
    for (let r = lockstepEnd; r < r1; r++) {
      sumRowByTrees(f, rows + <usize>(r - r0) * stride, output + (<usize>r * k << 3), sumF32);
    }
  }
}

/**
 * One row of the fast layout, four trees walked in lockstep (one row has a
 * single chain of loads per tree; four trees give four), their leaves then
 * added in tree order, so each output's sum is the one-tree-at-a-time sum.
 * Called for the last rows of a block, and for every row of a 1-row batch.
 */
function sumRowByTrees(f: Forest, row: usize, out: usize, sumF32: bool): void {
  const nodes = f.fastNodes;
  const values = f.fastValue;
  const numTrees = f.numTrees;
  let t = 0;
  for (; t + 4 <= numTrees; t += 4) {
    const roots = f.treeRoot + (<usize>t << 2);
    let a = load<u32>(roots), b = load<u32>(roots, 4), c = load<u32>(roots, 8), d = load<u32>(roots, 12);
    const depth = groupDepth(f, t);
    for (let i: u32 = 0; i < depth; i++) {
      const a2 = stepFast(nodes, a, row), b2 = stepFast(nodes, b, row);
      const c2 = stepFast(nodes, c, row), d2 = stepFast(nodes, d, row);
      const moved = (a2 ^ a) | (b2 ^ b) | (c2 ^ c) | (d2 ^ d);
      a = a2; b = b2; c = c2; d = d2;
      if (!moved) break;
    }
    addLeaf(f, t, a, values, out, sumF32);
    addLeaf(f, t + 1, b, values, out, sumF32);
    addLeaf(f, t + 2, c, values, out, sumF32);
    addLeaf(f, t + 3, d, values, out, sumF32);
  }
  for (; t < numTrees; t++) {
    let n = load<u32>(f.treeRoot + (<usize>t << 2));
    const depth = load<u32>(f.treeDepth + (<usize>t << 3));
    for (let i: u32 = 0; i < depth; i++) {
      const next = stepFast(nodes, n, row);
      if (next == n) break;
      n = next;
    }
    addLeaf(f, t, n, values, out, sumF32);
  }
}

/** The deepest of trees t..t+3: how many steps a 4-tree lockstep walk takes. */
// @ts-ignore: decorator
@inline export function groupDepth(f: Forest, t: i32): u32 {
  const depths = f.treeDepth + (<usize>t << 3);
  return max(max(load<u32>(depths), load<u32>(depths, 8)), max(load<u32>(depths, 16), load<u32>(depths, 24)));
}

// Adds tree t's leaf n (fast layout) to its output of the row at `out`.
// @ts-ignore: decorator
@inline function addLeaf(f: Forest, t: i32, n: u32, values: usize, out: usize, sumF32: bool): void {
  const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
  add(out + (group << 3), load<f64>(values + (<usize>n << 3)), load<f64>(f.treeWeight + (<usize>t << 3)), sumF32);
}

/**
 * walkTable for a block: `scores` (margins, or 0 for none) and `contrib`
 * (contributions, `rowOut` bytes a row and `width` f64 per output, or 0 for
 * none) as walkTable takes them. The test count, float32 summing and which
 * of the two are wanted are made constants, so each inlined copy does only
 * its own work. Called by sumBlock and by explain.ts.
 */
export function tableBlock(f: Forest, rows: usize, stride: usize, n: i32, scores: usize, contrib: usize, rowOut: usize, width: usize): void {
  const wide = f.tableSplits != 3;
  if ((f.flags & MODEL_SUM_F32) != 0) {
    if (wide) tableUse(f, rows, stride, n, scores, contrib, rowOut, width, true, true);
    else tableUse(f, rows, stride, n, scores, contrib, rowOut, width, false, true);
  } else {
    if (wide) tableUse(f, rows, stride, n, scores, contrib, rowOut, width, true, false);
    else tableUse(f, rows, stride, n, scores, contrib, rowOut, width, false, false);
  }
}

// tableBlock's copies: scores only, contributions only, or both.
// @ts-ignore: decorator
@inline function tableUse(
  f: Forest, rows: usize, stride: usize, n: i32, scores: usize, contrib: usize, rowOut: usize, width: usize, wide: bool, sumF32: bool,
): void {
  if (contrib == 0) walkTable(f, rows, stride, n, wide, scores, sumF32, 0, 0, 0);
  else if (scores == 0) walkTable(f, rows, stride, n, wide, 0, sumF32, contrib, rowOut, width);
  else walkTable(f, rows, stride, n, wide, scores, sumF32, contrib, rowOut, width);
}

/**
 * The trees of the table layout (table.ts) for `n` rows at `rows`: per tree,
 * each row's tests give its leaf. With `scores` (not 0) the leaf's value is
 * added to the row's margin there, with the walk's `add`; with `contrib`
 * (not 0) the leaf's credits (its path's, in path order, the walk's very
 * products) go into the row's contributions there (`rowOut` bytes a row,
 * `width` f64 per output). Trees in model order, so each sum takes the
 * walk's terms in the walk's order. Called by sumBlock (scores only) and
 * by explain.ts (contributions, with or without the scores).
 */
// @ts-ignore: decorator
@inline function walkTable(
  f: Forest, rows: usize, stride: usize, n: i32, wide: bool, scores: usize, sumF32: bool, contrib: usize, rowOut: usize, width: usize,
): void {
  const S: usize = wide ? 7 : 3;
  const numTrees = f.numTrees;
  const trees = f.tableTree;
  const groups = f.treeGroup;
  const weights = f.treeWeight;
  const leafValue = f.leafValue;
  const leafCredit = f.leafCredit;
  const credits = f.credits;
  const outStride = <usize>f.numOutputs << 3;
  let col = f.tableCol;
  let thr = f.tableThr;
  let table = f.tableLeaf;
  for (let t = 0; t < numTrees; t++) {
    const firstLeaf = load<u32>(trees + (<usize>t << 4));
    const group = <usize>load<u32>(groups + (<usize>t << 2));
    const weight = load<f64>(weights + (<usize>t << 3));
    // Three tests: their columns and thresholds held in locals for the rows.
    const c0 = <usize>load<u32>(col), c1 = <usize>load<u32>(col, 4), c2 = <usize>load<u32>(col, 8);
    const t0 = load<f64>(thr), t1 = load<f64>(thr, 8), t2 = load<f64>(thr, 16);
    let score = scores + (group << 3);
    let sums = contrib + (group * width << 3);
    let row = rows;
    for (let r = 0; r < n; r++) {
      const p = wide
        ? outcome7(col, thr, row)
        : <u32>(load<f64>(row + c0) > t0) | (<u32>(load<f64>(row + c1) > t1) << 1) | (<u32>(load<f64>(row + c2) > t2) << 2);
      const leaf = firstLeaf + <u32>load<u8>(table + <usize>p);
      if (scores != 0) add(score, load<f64>(leafValue + (<usize>leaf << 3)), weight, sumF32);
      if (contrib != 0) {
        if (!wide) {
          // Exactly three credits per leaf (table.ts pads them with +0).
          const e = credits + <usize>leaf * 48;
          const s0 = sums + <usize>load<u32>(e);
          store<f64>(s0, load<f64>(s0) + load<f64>(e, 8));
          const s1 = sums + <usize>load<u32>(e, 16);
          store<f64>(s1, load<f64>(s1) + load<f64>(e, 24));
          const s2 = sums + <usize>load<u32>(e, 32);
          store<f64>(s2, load<f64>(s2) + load<f64>(e, 40));
        } else {
          const at = leafCredit + (<usize>leaf << 2);
          const end = load<u32>(at, 4);
          for (let i = load<u32>(at); i < end; i++) {
            const e = credits + (<usize>i << 4);
            const c = sums + <usize>load<u32>(e);
            store<f64>(c, load<f64>(c) + load<f64>(e, 8));
          }
        }
      }
      row += stride;
      score += outStride;
      sums += rowOut;
    }
    col += S << 2;
    thr += S << 3;
    table += <usize>1 << S;
  }
}
