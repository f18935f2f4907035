// IPv4 ranges to country, looked up by binary search. The host writes the
// ranges sorted by lower bound, 16 bytes each: lo u32, hi u32 (inclusive),
// and the 64-bit hash of the country's name (so it compares with the hashed
// billingCountry and country fields of events). A new table is staged and
// validated before it replaces the old one.

import { OK, E_FEATURES_BAD_RANGES } from "../status";

let table: usize = 0;
let count: i32 = 0;
let staged: usize = 0;
let stagedCount: i32 = 0;

/** Room for n ranges to be written; 0 if n is out of range. Called once per table load. */
export function reserveRanges(n: i32): usize {
  if (n < 0 || n > 0x1000000) return 0;
  if (staged != 0) heap.free(staged);
  staged = heap.alloc(max<usize>(16, <usize>n << 4));
  stagedCount = n;
  return staged;
}

/** Validates the staged ranges (sorted, disjoint, lo <= hi) and makes them current. */
export function loadRanges(n: i32): i32 {
  if (staged == 0 || n < 0 || n > stagedCount) return E_FEATURES_BAD_RANGES;
  let prevHi: i64 = -1;
  for (let k = 0; k < n; k++) {
    const r = staged + (<usize>k << 4);
    const lo = load<u32>(r);
    const hi = load<u32>(r, 4);
    if (lo > hi || <i64>lo <= prevHi) return E_FEATURES_BAD_RANGES;
    prevHi = <i64>hi;
  }
  if (table != 0) heap.free(table);
  table = staged;
  count = n;
  staged = 0;
  stagedCount = 0;
  return OK;
}

/** Ranges in the current table. */
export function rangeCount(): i32 {
  return count;
}

/** Index of the range holding ip (an integer 0..2^32-1 as f64), or -1. Called once per event. */
export function rangeOf(ip: f64): i32 {
  if (!(ip >= 0 && ip <= 4294967295.0) || count == 0) return -1;
  const x = <u32>ip;
  // The last range whose lower bound is <= x.
  let lo = 0;
  let hi = count - 1;
  if (load<u32>(table) > x) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (load<u32>(table + (<usize>mid << 4)) <= x) lo = mid;
    else hi = mid - 1;
  }
  return x <= load<u32>(table + (<usize>lo << 4), 4) ? lo : -1;
}

/** The country hash of range k (from rangeOf). */
// @ts-ignore: decorator
@inline export function rangeCountry(k: i32): u64 {
  return load<u64>(table + (<usize>k << 4), 8);
}
