// Per-item state, indexed by the host's dense item index (0..capacity-1).
// A record is 64 bytes:
//   0 norm f64     sum over users of weight^2 (forward-decayed)
//   8 pop f64      interaction weight (popularity decay)
//  16 list u32     neighbour list: entries (item u32, count f32, position u32
//                  of the entry's mirror in that item's reverse list), at most K
//  20 len u32, 24 cap u32
//  28 minPos i32   where the weakest neighbour was at the last scan (-1: unknown)
//  32 minSim f64   its similarity then
//  40 rev u32      reverse list: the items whose neighbour list holds this one,
//                  entries (item u32, position u32 of this one in that item's
//                  list, the count f32 of that list entry, mirrored: a user's
//                  scoring reads it here, in sequence, not from the list)
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
    drop(<usize>load<u32>(r, 16), <usize>load<u32>(r, 24) * LIST_ENTRY);
    drop(<usize>load<u32>(r, 40), <usize>load<u32>(r, 48) * REV_ENTRY);
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

/** Bytes of a neighbour-list entry: item u32, count f32, position u32 of its mirror in that item's reverse list. */
export const LIST_ENTRY: usize = 12;
/** Bytes of a reverse-list entry: item j u32, position u32 of this item in j's list, the count f32 (the list entry's, mirrored). */
export const REV_ENTRY: usize = 12;

/** Entry n of the neighbour list of item record x. */
// @ts-ignore: decorator
@inline export function listEntry(x: usize, n: u32): usize {
  return <usize>load<u32>(x, 16) + <usize>n * LIST_ENTRY;
}

/** Entry q of the reverse list of item record x. */
// @ts-ignore: decorator
@inline export function revEntry(x: usize, q: u32): usize {
  return <usize>load<u32>(x, 40) + <usize>q * REV_ENTRY;
}

/**
 * Sets the count of entry n of item record x's list, and its mirror in the
 * reverse list of the entry's item (what recommendUser reads).
 */
// @ts-ignore: decorator
@inline export function setListCount(x: usize, n: u32, c: f32): void {
  const e = listEntry(x, n);
  store<f32>(e, c, 4);
  store<f32>(revEntry(item(load<u32>(e)), load<u32>(e, 8)), c, 8);
}

/** Writes entry n of item xi's list as (j, c) and mirrors it in j's reverse list. n is at most the list's length. */
function link(xi: u32, n: u32, j: u32, c: f32): void {
  const x = item(xi);
  const e = listEntry(x, n);
  store<u32>(e, j);
  store<f32>(e, c, 4);
  store<u32>(e, revAdd(item(j), xi, n, c), 8);
}

/** Appends (j, c) to item xi's neighbour list, growing it (up to k entries), with its reverse entry. */
export function listAppend(xi: u32, j: u32, c: f32, k: u32): void {
  const x = item(xi);
  const len = load<u32>(x, 20);
  const cap = load<u32>(x, 24);
  if (len == cap) {
    const next = min(k, max<u32>(4, cap << 1));
    store<u32>(x, <u32>regrow(<usize>load<u32>(x, 16), <usize>cap * LIST_ENTRY, <usize>next * LIST_ENTRY), 16);
    store<u32>(x, next, 24);
  }
  link(xi, len, j, c);
  store<u32>(x, len + 1, 20);
}

/** Replaces entry n of item xi's list by (j, c): the old item's reverse entry goes, j's comes. */
export function listReplace(xi: u32, n: u32, j: u32, c: f32): void {
  const e = listEntry(item(xi), n);
  revRemoveAt(item(load<u32>(e)), load<u32>(e, 8));
  link(xi, n, j, c);
}

/** Index of j in item x's neighbour list, or -1. */
export function listFind(x: usize, j: u32): i32 {
  const len = load<u32>(x, 20);
  for (let n: u32 = 0; n < len; n++) if (load<u32>(listEntry(x, n)) == j) return <i32>n;
  return -1;
}

/** Removes entry n of item xi's neighbour list and its reverse entry (the last one takes its place; its reverse entry and pair slot follow it). */
export function listRemoveAt(xi: u32, n: u32): void {
  const x = item(xi);
  const e = listEntry(x, n);
  revRemoveAt(item(load<u32>(e)), load<u32>(e, 8));
  const last = load<u32>(x, 20) - 1;
  if (n != last) {
    const l = listEntry(x, last);
    const moved = load<u32>(l);
    store<u64>(e, load<u64>(l));
    store<u32>(e, load<u32>(l, 8), 8);
    store<u32>(revEntry(item(moved), load<u32>(e, 8)), n, 4);
    const s = findPair(pairKey(xi, moved));
    if (s != 0) setSlotPos(s, xi < moved ? IN_LOW : IN_HIGH, n);
  }
  store<u32>(x, last, 20);
  store<i32>(x, -1, 28);
}

/** Adds (j, pos, c) to item record x's reverse list: x is at position pos of j's neighbour list, count c. Returns the entry's index. */
function revAdd(x: usize, j: u32, pos: u32, c: f32): u32 {
  const len = load<u32>(x, 44);
  const cap = load<u32>(x, 48);
  if (len == cap) {
    const next = max<u32>(4, cap << 1);
    store<u32>(x, <u32>regrow(<usize>load<u32>(x, 40), <usize>cap * REV_ENTRY, <usize>next * REV_ENTRY), 40);
    store<u32>(x, next, 48);
  }
  const e = revEntry(x, len);
  store<u32>(e, j);
  store<u32>(e, pos, 4);
  store<f32>(e, c, 8);
  store<u32>(x, len + 1, 44);
  return len;
}

/** Removes entry q of item record x's reverse list (the last one takes its place, and its list entry learns where). */
function revRemoveAt(x: usize, q: u32): void {
  const last = load<u32>(x, 44) - 1;
  if (q != last) {
    const e = revEntry(x, q);
    const l = revEntry(x, last);
    const j = load<u32>(l);
    store<u64>(e, load<u64>(l));
    store<f32>(e, load<f32>(l, 8), 8);
    store<u32>(listEntry(item(j), load<u32>(e, 4)), q, 8);
  }
  store<u32>(x, last, 44);
}

/** Removes j from item record x's reverse list, if it is there (for a list entry that is not: a state the checks would call dangling). */
export function revRemove(x: usize, j: u32): void {
  const len = load<u32>(x, 44);
  for (let q: u32 = 0; q < len; q++) {
    if (load<u32>(revEntry(x, q)) == j) {
      revRemoveAt(x, q);
      return;
    }
  }
}

/** Bytes held by item records, lists and scratch (also counted in Mem). */
export function itemBytesPerRecord(): usize {
  return ITEM_BYTES + 16;
}
