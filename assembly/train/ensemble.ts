// The trees grown so far, kept in a compact form for walking binned rows:
// the score updates of validation rows (and of out-of-bag rows) and the
// rescoring of the first k trees after early stopping. A node is six i32:
// feature, threshold bin, NaN bin (-1: none), NaN goes left, left, right.

import { realloc, bins, numRows, scores } from "./dataset";
import { numLeavesOf, f64At, i32At, T_LEAF_VALUE, T_FEATURE, T_THRESHOLD_BIN, T_DECISION, T_LEFT, T_RIGHT } from "./tree";
import { nanBinOf } from "./partition";

const NODE: usize = 24;

let nodes: usize = 0;
let values: usize = 0; // f64[trees * C]
let leafCounts: usize = 0; // i32[trees]
let treeCap: i32 = 0; // trees the buffers hold
let stride: i32 = 0; // C
export let numTrees: i32 = 0;

/** Starts an empty ensemble of trees of up to `leaves` leaves. Called by trainStart. */
export function resetEnsemble(leaves: i32): void {
  if (leaves != stride) treeCap = 0; // other sizes: regrow from scratch
  stride = leaves;
  numTrees = 0;
}

// Doubles the room (the trees so far are kept); false past 2 GiB. Growing
// as trees come, not by the --trees bound up front, keeps an early-stopped
// run small.
function grow(): bool {
  const cap = max(16, treeCap * 2);
  const n = <u64>cap * <u64>stride;
  if (n * <u64>NODE > 0x7fff0000) return false;
  nodes = treeCap == 0 ? realloc(nodes, <usize>(n * NODE)) : heap.realloc(nodes, <usize>(n * NODE));
  values = treeCap == 0 ? realloc(values, <usize>(n * 8)) : heap.realloc(values, <usize>(n * 8));
  leafCounts = treeCap == 0 ? realloc(leafCounts, <usize>cap << 2) : heap.realloc(leafCounts, <usize>cap << 2);
  treeCap = cap;
  return true;
}

/** Appends the tree in the output section (already shrunk); false when out of memory. Called once per tree. */
export function keepTree(): bool {
  if (numTrees == treeCap && !grow()) return false;
  const t = numTrees++;
  const leaves = numLeavesOf();
  store<i32>(leafCounts + (<usize>t << 2), leaves);
  const base = nodes + <usize>t * <usize>stride * NODE;
  for (let i = 0; i < leaves - 1; i++) {
    const p = base + <usize>i * NODE;
    const f = load<i32>(i32At(T_FEATURE, i));
    store<i32>(p, f);
    store<i32>(p, load<i32>(i32At(T_THRESHOLD_BIN, i)), 4);
    store<i32>(p, nanBinOf(f), 8);
    store<i32>(p, (load<i32>(i32At(T_DECISION, i)) >> 1) & 1, 12);
    store<i32>(p, load<i32>(i32At(T_LEFT, i)), 16);
    store<i32>(p, load<i32>(i32At(T_RIGHT, i)), 20);
  }
  memory.copy(values + (<usize>t * <usize>stride << 3), f64At(T_LEAF_VALUE, 0), <usize>leaves << 3);
  return true;
}

/** The output of tree t for binned row r. */
// @ts-ignore: decorator
@inline export function treeOutput(t: i32, r: i32): f64 {
  const base = nodes + <usize>t * <usize>stride * NODE;
  const row = bins + <usize>r;
  const column = <usize>numRows;
  let node = load<i32>(leafCounts + (<usize>t << 2)) > 1 ? 0 : -1;
  while (node >= 0) {
    const p = base + <usize>node * NODE;
    const b = <i32>load<u8>(row + <usize>load<i32>(p) * column);
    const left = b == load<i32>(p, 8) ? load<i32>(p, 12) != 0 : b <= load<i32>(p, 4);
    node = left ? load<i32>(p, 16) : load<i32>(p, 20);
  }
  return load<f64>(values + ((<usize>t * <usize>stride + <usize>(~node)) << 3));
}

/** Adds tree t's output to the scores of rows [r0, r1). */
export function addTree(t: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const p = scores + (<usize>r << 3);
    store<f64>(p, load<f64>(p) + treeOutput(t, r));
  }
}
