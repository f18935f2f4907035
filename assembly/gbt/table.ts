// The table layout, for models of small trees (at most 7 splits each, e.g.
// LightGBM's num_leaves <= 8 or XGBoost's max_depth <= 3): a row is
// not walked down a tree. Every split of the tree is tested at once on the
// fast layout's columns (fast.ts: `x' > t`, NaN already on its side), the
// tests' bits index a table of the tree's leaves, and the leaf's value is
// added. The tests do not depend on each other, so one row's trees overlap
// in the core instead of waiting on a chain of loads (a 4-leaf tree is 3
// independent tests, against 2-3 dependent steps). Bits are unchanged: the
// table gives, for every outcome of the tests, the leaf the walk reaches
// (the tests off its path are ignored), and leaves are added in tree order
// with the same `add` as the walk.
//
// Each leaf also carries its path's credits for explanations (explain.ts):
// (feature, w * (value(child) - value(node))) per step, in path order, the
// very products the walk computes, so contributions are added in the same
// order with the same terms, bit for bit. On 3-test models every leaf has
// exactly 3 credits (a shorter path is padded with +0 credits to feature 0:
// a sum that starts at +0 is never -0, so adding +0 leaves it as it is), and
// the credit loop is unrolled.
//
// Trees are padded to the model's widest (3 or 7 tests): a pad test reads
// column 0 against NaN, which is always false, and no leaf depends on it.
//
// Layout (heap, owned by the Forest):
//   tableCol   u32 x S per tree: byte offset of each test's column in the extended row
//   tableThr   f64 x S per tree: each test's threshold
//   tableLeaf  u8 x 2^S per tree: local leaf index for each outcome
//   tableTree  per tree 4 u32: first global leaf, unused x 3
//   leafValue  f64 per global leaf
//   leafCredit u32 per global leaf + 1: first credit entry (credits of leaf l: [leafCredit[l], leafCredit[l+1]))
//   credits    16 bytes each: u32 byte offset of the feature's contribution, u32 unused, f64 amount

import { Forest } from "./forest";

/** The most splits a tree may have for the table layout. */
export const MAX_TABLE_SPLITS: u32 = 7;

// Whether fast node n is a leaf (a leaf steps to itself).
// @ts-ignore: decorator
@inline function isLeaf(nodes: usize, n: u32): bool {
  return load<u32>(nodes + (<usize>n << 4), 12) == n;
}

/**
 * Builds the table layout when the model has the fast layout and every tree
 * has at most MAX_TABLE_SPLITS splits; leaves f.tableSplits at 0 otherwise.
 * Called once per model load, after buildFast.
 */
export function buildTable(f: Forest): void {
  if (f.fastNodes == 0 || f.numTrees == 0) return;
  const nodes = f.fastNodes;
  const values = f.fastValue;
  const numTrees = f.numTrees;
  // Splits and leaves per tree (a DFS from each root).
  const stack = heap.alloc(<usize>(MAX_TABLE_SPLITS * 2 + 2) << 2);
  let widest: u32 = 0;
  let numLeaves: u32 = 0;
  for (let t = 0; t < numTrees; t++) {
    let splits: u32 = 0;
    store<u32>(stack, load<u32>(f.treeRoot + (<usize>t << 2)));
    let sp = 1;
    while (sp > 0) {
      const n = load<u32>(stack + (<usize>(--sp) << 2));
      if (isLeaf(nodes, n)) {
        numLeaves++;
        continue;
      }
      if (++splits > MAX_TABLE_SPLITS) {
        heap.free(stack);
        return;
      }
      const c = load<u32>(nodes + (<usize>n << 4), 12);
      store<u32>(stack + (<usize>(sp++) << 2), c);
      store<u32>(stack + (<usize>(sp++) << 2), c + 1);
    }
    widest = max(widest, splits);
  }
  const S: u32 = widest <= 3 ? 3 : MAX_TABLE_SPLITS;
  // Credits: one per step of each leaf's path (at most the deepest tree's
  // depth), exactly 3 a leaf on 3-test models.
  const numCredits = numLeaves * (S == 3 ? 3 : f.maxDepth);
  const outcomes: u32 = 1 << S;
  f.tableSplits = <i32>S;
  f.tableCol = heap.alloc(<usize>numTrees * S << 2);
  f.tableThr = heap.alloc(<usize>numTrees * S << 3);
  f.tableLeaf = heap.alloc(<usize>numTrees * outcomes);
  f.tableTree = heap.alloc(<usize>numTrees << 4);
  f.leafValue = heap.alloc(<usize>max<u32>(numLeaves, 1) << 3);
  f.leafCredit = heap.alloc(<usize>(numLeaves + 1) << 2);
  f.credits = heap.alloc(<usize>max<u32>(numCredits, 1) << 4);
  // Per tree: the split index of each of its nodes (by DFS), then the table.
  const splitOf = heap.alloc(<usize>f.numNodes << 2);
  const leafOf = heap.alloc(<usize>f.numNodes << 2);
  let leafBase: u32 = 0;
  let credit: u32 = 0;
  store<u32>(f.leafCredit, 0);
  for (let t = 0; t < numTrees; t++) {
    const root = load<u32>(f.treeRoot + (<usize>t << 2));
    const w = load<f64>(f.treeWeight + (<usize>t << 3));
    const col = f.tableCol + (<usize>t * S << 2);
    const thr = f.tableThr + (<usize>t * S << 3);
    for (let k: u32 = 0; k < S; k++) {
      store<u32>(col + (<usize>k << 2), 0);
      store<f64>(thr + (<usize>k << 3), NaN);
    }
    let splits: u32 = 0;
    let leaves: u32 = 0;
    store<u32>(stack, root);
    let sp = 1;
    while (sp > 0) {
      const n = load<u32>(stack + (<usize>(--sp) << 2));
      const node = nodes + (<usize>n << 4);
      if (isLeaf(nodes, n)) {
        store<u32>(leafOf + (<usize>n << 2), leaves);
        store<f64>(f.leafValue + (<usize>(leafBase + leaves) << 3), load<f64>(values + (<usize>n << 3)));
        leaves++;
        continue;
      }
      store<u32>(splitOf + (<usize>n << 2), splits);
      store<u32>(col + (<usize>splits << 2), load<u32>(node, 8));
      store<f64>(thr + (<usize>splits << 3), load<f64>(node));
      splits++;
      const c = load<u32>(node, 12);
      // Pushed right first, so leaves are numbered left to right.
      store<u32>(stack + (<usize>(sp++) << 2), c + 1);
      store<u32>(stack + (<usize>(sp++) << 2), c);
    }
    // The table: for every outcome, the leaf the walk reaches.
    const table = f.tableLeaf + <usize>t * outcomes;
    for (let p: u32 = 0; p < outcomes; p++) {
      let n = root;
      while (!isLeaf(nodes, n)) n = load<u32>(nodes + (<usize>n << 4), 12) + ((p >>> load<u32>(splitOf + (<usize>n << 2))) & 1);
      store<u8>(table + p, <u8>load<u32>(leafOf + (<usize>n << 2)));
    }
    // Credits of each leaf, in leaf order: find its path by the outcome that
    // reaches it with every other test false (the first p in the table).
    for (let l: u32 = 0; l < leaves; l++) {
      let p: u32 = 0;
      while (<u32>load<u8>(table + p) != l) p++;
      let n = root;
      while (!isLeaf(nodes, n)) {
        const node = nodes + (<usize>n << 4);
        const next = load<u32>(node, 12) + ((p >>> load<u32>(splitOf + (<usize>n << 2))) & 1);
        const feat = load<u32>(f.colFeature + (<usize>(load<u32>(node, 8) >>> 3) << 2));
        const e = f.credits + (<usize>credit << 4);
        store<u32>(e, feat << 3);
        store<u32>(e, 0, 4);
        store<f64>(e, w * (load<f64>(values + (<usize>next << 3)) - load<f64>(values + (<usize>n << 3))), 8);
        credit++;
        n = next;
      }
      for (; S == 3 && credit < (leafBase + l + 1) * 3; credit++) {
        const e = f.credits + (<usize>credit << 4);
        store<u32>(e, 0);
        store<u32>(e, 0, 4);
        store<f64>(e, 0.0, 8);
      }
      store<u32>(f.leafCredit + (<usize>(leafBase + l + 1) << 2), credit);
    }
    store<u32>(f.tableTree + (<usize>t << 4), leafBase);
    leafBase += leaves;
  }
  heap.free(leafOf);
  heap.free(splitOf);
  heap.free(stack);
}

/** Frees what buildTable allocated. Called by modelFree. */
export function freeTable(f: Forest): void {
  if (f.tableSplits == 0) return;
  heap.free(f.tableCol);
  heap.free(f.tableThr);
  heap.free(f.tableLeaf);
  heap.free(f.tableTree);
  heap.free(f.leafValue);
  heap.free(f.leafCredit);
  heap.free(f.credits);
  f.tableSplits = 0;
}

// The outcome of a 7-test tree's tests for the row at `row` (`col`, `thr`:
// the tree's tests), unrolled. (3-test trees have theirs written out in
// walkTable, their columns and thresholds held in locals.)
// @ts-ignore: decorator
@inline export function outcome7(col: usize, thr: usize, row: usize): u32 {
  return <u32>(load<f64>(row + <usize>load<u32>(col)) > load<f64>(thr))
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 4)) > load<f64>(thr, 8)) << 1)
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 8)) > load<f64>(thr, 16)) << 2)
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 12)) > load<f64>(thr, 24)) << 3)
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 16)) > load<f64>(thr, 32)) << 4)
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 20)) > load<f64>(thr, 40)) << 5)
    | (<u32>(load<f64>(row + <usize>load<u32>(col, 24)) > load<f64>(thr, 48)) << 6);
}
