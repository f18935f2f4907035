// Item-pair co-occurrence: one open-addressing table keyed by the pair
// (low item << 32 | high item; never 0 since high > low >= 0). A slot is 16
// bytes: key u64, count f32 (forward-decayed, decay.ts), flags u32 (bit 0:
// the high item is in the low item's neighbour list, bit 1: the other way;
// bits 2-12 and 13-23: the entry's position in that list, so an update finds
// it without a scan; neighbours <= 2047).
// Linear probing from the Fibonacci hash; deletion shifts the probe run back
// (no tombstones). The table doubles up to 2 x maxPairs slots, then stays:
// at maxPairs live pairs, prune.ts drops the rarest.

import { grab, drop } from "./mem";
import { homeSlot, shiftBack, rehashSlots } from "../slots";

export const IN_LOW: u32 = 1; // high item is in low item's list
export const IN_HIGH: u32 = 2; // low item is in high item's list
const POS_MASK: u32 = 0x7ff;

// @ts-ignore: decorator
@inline function posShift(bit: u32): u32 {
  return bit == IN_LOW ? 2 : 13;
}

/** The list position stored in a slot's flags for `bit` (IN_LOW or IN_HIGH). */
// @ts-ignore: decorator
@inline export function slotPos(flags: u32, bit: u32): u32 {
  return (flags >> posShift(bit)) & POS_MASK;
}

/** Sets `bit` and its list position in the slot's flags. */
// @ts-ignore: decorator
@inline export function setSlotPos(slot: usize, bit: u32, pos: u32): void {
  const sh = posShift(bit);
  store<u32>(slot, (load<u32>(slot, 12) & ~(POS_MASK << sh)) | bit | (pos << sh), 12);
}

const MIN_SLOTS: u32 = 1 << 14;

export class Pairs {
  static index: usize = 0;
  static mask: u32 = 0;
  static shift: u64 = 64;
  static count: u32 = 0;
  static pruned: f64 = 0;
}

// @ts-ignore: decorator
@inline export function pairKey(a: u32, b: u32): u64 {
  return a < b ? (<u64>a << 32) | <u64>b : (<u64>b << 32) | <u64>a;
}

// @ts-ignore: decorator
@inline function home(key: u64): u32 {
  return homeSlot(key, Pairs.shift);
}

/** The slot of a pair, or 0 if absent. Called per neighbour at recommendation time. */
export function findPair(key: u64): usize {
  if (Pairs.index == 0) return 0;
  const mask = Pairs.mask;
  let i = home(key);
  while (true) {
    const s = Pairs.index + (<usize>i << 4);
    const k = load<u64>(s);
    if (k == key) return s;
    if (k == 0) return 0;
    i = (i + 1) & mask;
  }
}

/** The pair's count (0 if absent). */
export function pairCount(key: u64): f32 {
  const s = findPair(key);
  return s == 0 ? 0 : load<f32>(s, 8);
}

/**
 * The slot of a pair, created with count 0 if absent. The caller makes room
 * first (needsRoom/prune): this only grows the index while under the cap.
 * Slots stay put until the next insert or prune. Called per pair update.
 */
export function upsertPair(key: u64, maxPairs: u32): usize {
  if (Pairs.index == 0) allocate(MIN_SLOTS);
  let i = home(key);
  while (true) {
    const s = Pairs.index + (<usize>i << 4);
    const k = load<u64>(s);
    if (k == key) return s;
    if (k == 0) {
      if ((Pairs.count + 1) << 1 > Pairs.mask + 1 && <u64>(Pairs.mask + 1) < (<u64>maxPairs << 1)) {
        grow();
        return upsertPair(key, maxPairs);
      }
      store<u64>(s, key);
      store<f32>(s, 0, 8);
      store<u32>(s, 0, 12);
      Pairs.count++;
      return s;
    }
    i = (i + 1) & Pairs.mask;
  }
}

/** Slots in the index (a power of two). */
export function pairSlots(): u32 {
  return Pairs.index == 0 ? 0 : Pairs.mask + 1;
}

/** Slot i's address. */
// @ts-ignore: decorator
@inline export function slotAt(i: u32): usize {
  return Pairs.index + (<usize>i << 4);
}

/** Removes the pair at slot i and shifts back the probe run after it. */
export function removeAt(i: u32): void {
  const mask = Pairs.mask;
  const idx = Pairs.index;
  Pairs.count--;
  Pairs.pruned++;
  shiftBack(idx, mask, Pairs.shift, i);
}

/** Drops every pair. */
export function clearPairs(): void {
  if (Pairs.index != 0) drop(Pairs.index, (<usize>Pairs.mask + 1) << 4);
  Pairs.index = 0;
  Pairs.mask = 0;
  Pairs.shift = 64;
  Pairs.count = 0;
  Pairs.pruned = 0;
}

function allocate(slots: u32): void {
  const bytes = <usize>slots << 4;
  Pairs.index = grab(bytes);
  memory.fill(Pairs.index, 0, bytes);
  Pairs.mask = slots - 1;
  Pairs.shift = 64 - <u64>ctz(slots);
}

function grow(): void {
  const old = Pairs.index;
  const slots = Pairs.mask + 1;
  allocate(slots << 1);
  rehashSlots(old, slots, Pairs.index, Pairs.mask, Pairs.shift, 4);
  drop(old, <usize>slots << 4);
}
