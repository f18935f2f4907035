// The top-K neighbour list of each item, kept up to date as pair counts
// change. A list stores (item, count) and similarities are computed from the
// stored count and the current norms whenever they are compared, so a norm
// that grew is always seen. Finding the weakest entry is a scan of the list;
// its result is cached, and a candidate at or below the cached weakest is
// turned away without a scan, except every REFRESH-th time, since entries
// weaken as their norms grow (the cache may be too high, never too low for
// long). Every list entry is mirrored in the other item's reverse list,
// with its position in the list (kept when entries move), which is what
// recommendation scoring walks (recommend.ts), and every count written to a
// list entry is written to its mirror in the reverse entry too, so that
// scoring reads the count in sequence with the item, no other load.

import { Cfg, SIM_JACCARD } from "./config";
import { item, listAppend, listEntry, listReplace, setListCount } from "./items";
import { findPair, pairKey, slotPos, setSlotPos, IN_LOW, IN_HIGH } from "./pairs";

const REFRESH: u32 = 8;

export class Now {
  /** The co-occurrence scale at the watermark (the shrinkage term is in its units). */
  static coScale: f64 = 1;
}

/** Similarity of two items from their norms and pair count (cosine or Jaccard, with shrinkage). */
// @ts-ignore: decorator
@inline export function simOf(nx: f64, ny: f64, c: f64): f64 {
  const s = Cfg.shrink * Now.coScale;
  if (Cfg.similarity == SIM_JACCARD) {
    const d = nx + ny - c + s;
    return d > 0 ? c / d : 0;
  }
  const d = Math.sqrt(nx * ny) + s;
  return d > 0 ? c / d : 0;
}

/**
 * Offers item y (pair count c, pair slot `slot`) to item x's list; `bit` is
 * the slot flag that says y is in x's list. Called twice per pair update.
 */
export function offer(xi: u32, yi: u32, c: f32, slot: usize, bit: u32): void {
  const x = item(xi);
  const flags = load<u32>(slot, 12);
  if (flags & bit) {
    const n = slotPos(flags, bit);
    setListCount(x, n, c);
    if (<i32>n == load<i32>(x, 28)) store<i32>(x, -1, 28);
    return;
  }
  const nx = load<f64>(x);
  const s = simOf(nx, load<f64>(item(yi)), <f64>c);
  if (!(s > 0)) return;
  const len = load<u32>(x, 20);
  if (len < Cfg.neighbours) {
    listAppend(xi, yi, c, Cfg.neighbours);
    setSlotPos(slot, bit, len);
    const mp = load<i32>(x, 28);
    if (len == 0 || (mp >= 0 && s < load<f64>(x, 32))) {
      store<i32>(x, <i32>len, 28);
      store<f64>(x, s, 32);
    }
    return;
  }
  if (load<i32>(x, 28) >= 0 && s <= load<f64>(x, 32)) {
    const r = load<u32>(x, 52);
    if (r < REFRESH) {
      store<u32>(x, r + 1, 52);
      return;
    }
  }
  let minS = Infinity;
  let minN: i32 = -1;
  let second = Infinity;
  let secondN: i32 = -1;
  for (let n: u32 = 0; n < len; n++) {
    const e = listEntry(x, n);
    const sj = simOf(nx, load<f64>(item(load<u32>(e))), <f64>load<f32>(e, 4));
    if (sj < minS) {
      second = minS;
      secondN = minN;
      minS = sj;
      minN = <i32>n;
    } else if (sj < second) {
      second = sj;
      secondN = <i32>n;
    }
  }
  store<u32>(x, 0, 52);
  if (s <= minS) {
    store<i32>(x, minN, 28);
    store<f64>(x, minS, 32);
    return;
  }
  const old = load<u32>(listEntry(x, <u32>minN));
  const os = findPair(pairKey(xi, old));
  if (os != 0) store<u32>(os, load<u32>(os, 12) & ~(xi < old ? IN_LOW : IN_HIGH), 12);
  listReplace(xi, <u32>minN, yi, c);
  setSlotPos(slot, bit, <u32>minN);
  if (s <= second) {
    store<i32>(x, minN, 28);
    store<f64>(x, s, 32);
  } else {
    store<i32>(x, secondN, 28);
    store<f64>(x, second, 32);
  }
}
