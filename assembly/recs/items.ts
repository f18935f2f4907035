// Per-item state, indexed by the host's dense item index (0..capacity-1).
// A record is 64 bytes:
//   0 norm f64     sum over users of weight^2 (forward-decayed)
//   8 pop f64      interaction weight (popularity decay)
//  16 list u32     neighbour list: entries (item u32, count f32), at most K
//  20 len u32, 24 cap u32
//  28 minPos i32   where the weakest neighbour was at the last scan (-1: unknown)
//  32 minSim f64   its similarity then
//  40 rev u32      reverse list: the items whose neighbour list holds this one,
//                  entries (item u32, position u32 of this one in that item's list)
//  44 revLen u32, 48 revCap u32
//  52 rejects u32  candidates turned away since the last scan
//  56 inPopular u32 (1: in the popular list), 60 unused
// Lists grow by doubling from 4 entries, so an item holds what it uses.

import { grab, drop, regrow } from "./mem";
import { findPair, pairKey, setSlotPos, IN_LOW, IN_HIGH } from "./pairs";

export const ITEM_BYTES: usize = 64;

export class Items {
  static recs: usize = 0;
  static capacity: u32 = 0;
  /** Scratch for scoring: f64 score, u32 mark, u32 touched list, per item. */
  static score: usize = 0;
  static mark: usize = 0;
  static touched: usize = 0;
}

// @ts-ignore: decorator
@inline export function item(i: u32): usize {
  return Items.recs + <usize>i * ITEM_BYTES;
}

/** Makes room for items 0..n-1; false if out of memory. */
export function reserveItems(n: u32): bool {
  if (n <= Items.capacity) return true;
  let cap = Items.capacity == 0 ? <u32>1024 : Items.capacity;
  while (cap < n) cap <<= 1;
  const old = <usize>Items.capacity;
  const grown = <usize>cap;
  if (grown * (ITEM_BYTES + 16) > 0x60000000) return false;
  Items.recs = regrow(Items.recs, old * ITEM_BYTES, grown * ITEM_BYTES);
  memory.fill(Items.recs + old * ITEM_BYTES, 0, (grown - old) * ITEM_BYTES);
  for (let i = old; i < grown; i++) store<i32>(Items.recs + i * ITEM_BYTES, -1, 28);
  Items.score = regrow(Items.score, old << 3, grown << 3);
  memory.fill(Items.score + (old << 3), 0, (grown - old) << 3);
  Items.mark = regrow(Items.mark, old << 2, grown << 2);
  memory.fill(Items.mark + (old << 2), 0, (grown - old) << 2);
  Items.touched = regrow(Items.touched, old << 2, grown << 2);
  Items.capacity = cap;
  return true;
}

/** Frees every list and record. */
export function clearItems(): void {
  for (let i: u32 = 0; i < Items.capacity; i++) {
    const r = item(i);
    drop(<usize>load<u32>(r, 16), <usize>load<u32>(r, 24) << 3);
    drop(<usize>load<u32>(r, 40), <usize>load<u32>(r, 48) << 3);
  }
  const cap = <usize>Items.capacity;
  drop(Items.recs, cap * ITEM_BYTES);
  drop(Items.score, cap << 3);
  drop(Items.mark, cap << 2);
  drop(Items.touched, cap << 2);
  Items.recs = 0;
  Items.score = 0;
  Items.mark = 0;
  Items.touched = 0;
  Items.capacity = 0;
}

/** Appends (j, c) to item x's neighbour list, growing it (up to k entries). */
export function listAppend(x: usize, j: u32, c: f32, k: u32): void {
  let len = load<u32>(x, 20);
  let cap = load<u32>(x, 24);
  if (len == cap) {
    const next = min(k, max<u32>(4, cap << 1));
    store<u32>(x, <u32>regrow(<usize>load<u32>(x, 16), <usize>cap << 3, <usize>next << 3), 16);
    store<u32>(x, next, 24);
  }
  const e = <usize>load<u32>(x, 16) + (<usize>len << 3);
  store<u32>(e, j);
  store<f32>(e, c, 4);
  store<u32>(x, len + 1, 20);
}

/** Index of j in item x's neighbour list, or -1. */
export function listFind(x: usize, j: u32): i32 {
  const p = <usize>load<u32>(x, 16);
  const len = load<u32>(x, 20);
  for (let n: u32 = 0; n < len; n++) if (load<u32>(p + (<usize>n << 3)) == j) return <i32>n;
  return -1;
}

/** Removes entry n of item xi's neighbour list (the last one takes its place; its reverse entry and pair slot follow it). */
export function listRemoveAt(xi: u32, n: u32): void {
  const x = item(xi);
  const p = <usize>load<u32>(x, 16);
  const last = load<u32>(x, 20) - 1;
  if (n != last) {
    const moved = load<u32>(p + (<usize>last << 3));
    store<u64>(p + (<usize>n << 3), load<u64>(p + (<usize>last << 3)));
    revSetPos(item(moved), xi, n);
    const s = findPair(pairKey(xi, moved));
    if (s != 0) setSlotPos(s, xi < moved ? IN_LOW : IN_HIGH, n);
  }
  store<u32>(x, last, 20);
  store<i32>(x, -1, 28);
}

/** Adds (j, pos) to item x's reverse list: x is at position pos of j's neighbour list. */
export function revAdd(x: usize, j: u32, pos: u32): void {
  let len = load<u32>(x, 44);
  let cap = load<u32>(x, 48);
  if (len == cap) {
    const next = max<u32>(4, cap << 1);
    store<u32>(x, <u32>regrow(<usize>load<u32>(x, 40), <usize>cap << 3, <usize>next << 3), 40);
    store<u32>(x, next, 48);
  }
  const e = <usize>load<u32>(x, 40) + (<usize>len << 3);
  store<u32>(e, j);
  store<u32>(e, pos, 4);
  store<u32>(x, len + 1, 44);
}

/** Sets the position recorded with j in item x's reverse list. */
function revSetPos(x: usize, j: u32, pos: u32): void {
  const p = <usize>load<u32>(x, 40);
  const len = load<u32>(x, 44);
  for (let n: u32 = 0; n < len; n++) {
    const e = p + (<usize>n << 3);
    if (load<u32>(e) == j) {
      store<u32>(e, pos, 4);
      return;
    }
  }
}

/** Removes j from item x's reverse list. */
export function revRemove(x: usize, j: u32): void {
  const p = <usize>load<u32>(x, 40);
  const len = load<u32>(x, 44);
  for (let n: u32 = 0; n < len; n++) {
    const e = p + (<usize>n << 3);
    if (load<u32>(e) == j) {
      store<u64>(e, load<u64>(p + (<usize>(len - 1) << 3)));
      store<u32>(x, len - 1, 44);
      return;
    }
  }
}

/** Bytes held by item records, lists and scratch (also counted in Mem). */
export function itemBytesPerRecord(): usize {
  return ITEM_BYTES + 16;
}
