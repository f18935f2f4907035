// The fast layout: a second copy of a forest's nodes in which every step is
// one load of x, one `x > t` and one load of the child, with no NaN test.
//
// A fast-path node of the blob goes right when `x > T`, or when x is NaN and
// F_NAN_RIGHT is set. A NaN-right node is rewritten on "the negated
// feature": x <= T is -x >= -T, which for every non-NaN double is
// -x > nextDown(-T); NaN fails that as it fails any comparison, so with the
// node's two children swapped (the left subtree first) NaN lands in the right
// subtree, as the blob says. A NaN-right node whose T is +Infinity or NaN
// (only NaN goes right) reads a column that is 0, or NaN for a NaN x,
// against -1 instead. The host's rows stay as they are: each block is
// copied with these columns appended. Bits are unchanged: only the
// comparison's form moves, never which child a row takes.
//
// Built at load for models whose nodes are all fast-path (no categorical,
// zero-as-missing or literal-float32 splits) and that have no linear leaves;
// other models keep the blob's walk (predict.ts). Costs 24 bytes per node.

import { Forest } from "./forest";
import { NODE_BYTES, FEATURE_MASK, F_LEAF, F_NAN_RIGHT } from "./layout";

/** Marks an extended column that holds 0, or NaN where x is NaN, instead of -x. */
export const NAN_COLUMN: u32 = 0x80000000;

// Whether a NaN-right node sends every non-NaN x left, so that only a NaN
// goes right: no finite -x threshold says that for x = +Infinity.
// @ts-ignore: decorator
@inline function isNanTest(t: f64): bool {
  return t != t || t == Infinity;
}

// The largest double below v (v not NaN or -Infinity). -0 and +0 both step
// to the negative smallest subnormal.
function nextDown(v: f64): f64 {
  if (v == 0) return reinterpret<f64>(0x8000000000000001);
  const bits = reinterpret<u64>(v);
  return reinterpret<f64>(v > 0 ? bits - 1 : bits + 1);
}

/**
 * Builds f.fastNodes, f.fastValue and the negated-column list when the model
 * qualifies; leaves f.fastNodes at 0 otherwise. Called once per model load,
 * after validation.
 */
export function buildFast(f: Forest): void {
  if (f.anySpecial || f.numLinear > 0 || f.numNodes == 0) return;
  const nodes = f.nodes;
  const numNodes = f.numNodes;
  // Which features need a negated column (x <= T for a finite T), which an
  // "is it NaN" column (x <= +Infinity, or a NaN T: every non-NaN x goes
  // left): their slots in the extended row, 2 per feature.
  const slots = heap.alloc(<usize>f.numFeatures << 3);
  memory.fill(slots, 0xff, <usize>f.numFeatures << 3);
  let negCount: u32 = 0;
  for (let n = 0; n < numNodes; n++) {
    const node = nodes + <usize>n * NODE_BYTES;
    const flags = load<u32>(node, 8) >>> 24;
    if ((flags & F_LEAF) || !(flags & F_NAN_RIGHT)) continue;
    const slot = slots + (<usize>(load<u32>(node, 8) & FEATURE_MASK) << 3) + (isNanTest(load<f64>(node)) ? 4 : 0);
    if (load<u32>(slot) == 0xffffffff) store<u32>(slot, negCount++);
  }
  f.negCount = <i32>negCount;
  f.negFeature = heap.alloc(<usize>max<u32>(negCount, 1) << 2);
  for (let j = 0; j < f.numFeatures; j++) {
    const s = load<u32>(slots + (<usize>j << 3));
    if (s != 0xffffffff) store<u32>(f.negFeature + (<usize>s << 2), <u32>j);
    const z = load<u32>(slots + (<usize>j << 3), 4);
    if (z != 0xffffffff) store<u32>(f.negFeature + (<usize>z << 2), <u32>j | NAN_COLUMN);
  }
  f.colFeature = heap.alloc(<usize>(f.numFeatures + <i32>negCount) << 2);
  for (let j = 0; j < f.numFeatures; j++) store<u32>(f.colFeature + (<usize>j << 2), <u32>j);
  for (let j: u32 = 0; j < negCount; j++) {
    store<u32>(f.colFeature + (<usize>(<u32>f.numFeatures + j) << 2), load<u32>(f.negFeature + (<usize>j << 2)) & ~NAN_COLUMN);
  }
  // A swapped parent's children trade places: where each node goes.
  const place = heap.alloc(<usize>numNodes << 2);
  for (let n = 0; n < numNodes; n++) store<u32>(place + (<usize>n << 2), <u32>n);
  for (let n = 0; n < numNodes; n++) {
    const node = nodes + <usize>n * NODE_BYTES;
    const flags = load<u32>(node, 8) >>> 24;
    if ((flags & F_LEAF) || !(flags & F_NAN_RIGHT)) continue;
    const c = load<u32>(node, 12);
    store<u32>(place + (<usize>c << 2), c + 1);
    store<u32>(place + (<usize>(c + 1) << 2), c);
  }
  f.fastNodes = heap.alloc(<usize>numNodes << 4);
  f.fastValue = heap.alloc(<usize>numNodes << 3);
  const numFeatures = <u32>f.numFeatures;
  for (let n = 0; n < numNodes; n++) {
    const node = nodes + <usize>n * NODE_BYTES;
    const word = load<u32>(node, 8);
    const flags = word >>> 24;
    const at = load<u32>(place + (<usize>n << 2));
    const dst = f.fastNodes + (<usize>at << 4);
    store<f64>(f.fastValue + (<usize>at << 3), load<f64>(f.nodeValue + (<usize>n << 3)));
    if (flags & F_LEAF) {
      // x > NaN is false for every x: a leaf steps to itself.
      store<f64>(dst, NaN);
      store<u32>(dst, 0, 8);
      store<u32>(dst, at, 12);
      continue;
    }
    const feature = word & FEATURE_MASK;
    if (flags & F_NAN_RIGHT) {
      const t = load<f64>(node);
      if (isNanTest(t)) {
        // The column is 0, or NaN for a NaN x: 0 > -1 sends every other x left.
        store<f64>(dst, -1.0);
        store<u32>(dst, (numFeatures + load<u32>(slots + (<usize>feature << 3), 4)) << 3, 8);
      } else {
        store<f64>(dst, nextDown(-t));
        store<u32>(dst, (numFeatures + load<u32>(slots + (<usize>feature << 3))) << 3, 8);
      }
    } else {
      store<f64>(dst, load<f64>(node));
      store<u32>(dst, feature << 3, 8);
    }
    // The pair starts at the same index either way; only its order differs.
    store<u32>(dst, load<u32>(node, 12), 12);
  }
  heap.free(place);
  heap.free(slots);
}

/** Frees what buildFast allocated. Called by modelFree. */
export function freeFast(f: Forest): void {
  if (f.fastNodes == 0) return;
  heap.free(f.fastNodes);
  heap.free(f.fastValue);
  heap.free(f.negFeature);
  heap.free(f.colFeature);
  f.fastNodes = 0;
}
