// Recommendations for a user: each of the user's most recent profileItems
// history items i (all of the history is excluded), weighted by
// its strength, x sessionBoost if it is in the current session, x a
// recency decay, votes for the items j that hold i among their K
// neighbours (i's reverse list) with sim(i, j). This is item-kNN's
// "neighbourhood of the candidate" rule, as the batch reference
// (host/recs/reference.ts). Excluded items (seen, or bought) are marked
// first; the best k are kept by insertion into a sorted array; popularity
// fills the rest, with scores below every similarity score.
// Output: (item u32, score f32) pairs at the output buffer.

import { Cfg, EXCLUDE_SEEN, EXCLUDE_BOUGHT, MAX_K } from "./config";
import { Items, item, listEntry, REV_ENTRY } from "./items";
import { simOf } from "./neighbours";
import { Popular } from "./popular";
import { findUser, ENTRY_BYTES, ITEM_MASK } from "./users";
import { grab } from "./mem";

const PURCHASED: u32 = 4 << 28;

export class Out {
  static ptr: usize = 0;
  static scores: usize = 0; // f64 x MAX_K, the ranking in full precision
  static epoch: u32 = 0;
}

function ensureOut(): void {
  if (Out.ptr != 0) return;
  Out.ptr = grab(<usize>MAX_K << 3);
  Out.scores = grab(<usize>MAX_K << 3);
}

function nextEpoch(): u32 {
  Out.epoch++;
  if (Out.epoch == 0) {
    memory.fill(Items.mark, 0, <usize>Items.capacity << 2);
    Out.epoch = 1;
  }
  return Out.epoch;
}

// @ts-ignore: decorator
@inline function marked(j: u32, epoch: u32): bool {
  return load<u32>(Items.mark + (<usize>j << 2)) == epoch;
}

// @ts-ignore: decorator
@inline function markItem(j: u32, epoch: u32): void {
  store<u32>(Items.mark + (<usize>j << 2), epoch);
}

// Fills up to k with the most popular unmarked items, scored below `floor`.
function fillPopular(n: i32, k: i32, epoch: u32): i32 {
  if (n >= k || Popular.len == 0) return n;
  const start = n;
  const floor = n > 0 ? load<f64>(Out.scores + (<usize>(n - 1) << 3)) * 0.5 : 1.0;
  let top: f64 = 0;
  for (let m: u32 = 0; m < Popular.len; m++) top = max(top, load<f64>(item(load<u32>(Popular.list + (<usize>m << 2))), 8));
  if (!(top > 0)) return n;
  // Insertion into the tail of the output, best popularity first.
  let filled = 0;
  for (let m: u32 = 0; m < Popular.len; m++) {
    const j = load<u32>(Popular.list + (<usize>m << 2));
    if (marked(j, epoch)) continue;
    const s = floor * load<f64>(item(j), 8) / top;
    const before = start + filled;
    const after = insertTopFrom(start, before, k - start, j, s);
    filled = after - start;
  }
  return start + filled;
}

// Inserts (j, s) into the sorted run [start, n) of capacity cap (ties: lower item first); returns the new end.
// Inlined: most candidates fall at or below a full run's last, and only the
// ones that enter it pay for the call that shifts the run.
// @ts-ignore: decorator
@inline function insertTopFrom(start: i32, n: i32, cap: i32, j: u32, s: f64): i32 {
  const end = start + cap;
  if (n == end && s <= load<f64>(Out.scores + (<usize>(end - 1) << 3))) return n;
  return shiftInto(start, n, end, j, s);
}

// insertTopFrom's insertion proper: (j, s) belongs in the run [start, n) of end `end`.
function shiftInto(start: i32, n: i32, end: i32, j: u32, s: f64): i32 {
  let p = n < end ? n : end - 1;
  while (p > start) {
    const prev = load<f64>(Out.scores + (<usize>(p - 1) << 3));
    if (prev > s || (prev == s && load<u32>(Out.ptr + (<usize>(p - 1) << 3)) < j)) break;
    store<f64>(Out.scores + (<usize>p << 3), prev);
    store<u32>(Out.ptr + (<usize>p << 3), load<u32>(Out.ptr + (<usize>(p - 1) << 3)));
    p--;
  }
  store<f64>(Out.scores + (<usize>p << 3), s);
  store<u32>(Out.ptr + (<usize>p << 3), j);
  return n < end ? n + 1 : n;
}

function finish(n: i32): i32 {
  for (let m = 0; m < n; m++) store<f32>(Out.ptr + (<usize>m << 3), <f32>load<f64>(Out.scores + (<usize>m << 3)), 4);
  return n;
}

/** Up to k items for a user at time `now`; returns how many were written. Called per changed user. */
export function recommendUser(key: u64, k: i32, now: f64): i32 {
  ensureOut();
  const epoch = nextEpoch();
  const u = findUser(key);
  let n = 0;
  if (u != 0 && Items.capacity > 0) {
    const h = <usize>load<u32>(u, 16);
    const len = load<u32>(u, 20);
    const sessionStart = load<f64>(u, 8);
    for (let m: u32 = 0; m < len; m++) {
      const t = load<u32>(h + <usize>m * ENTRY_BYTES);
      if (Cfg.exclude == EXCLUDE_SEEN || (Cfg.exclude == EXCLUDE_BOUGHT && (t & PURCHASED) != 0)) markItem(t & ITEM_MASK, epoch);
    }
    let touched: u32 = 0;
    const hhl = Cfg.historyHalfLifeMs;
    // The profile: the most recent profileItems of the history (it is oldest first).
    const from = len > Cfg.profileItems ? len - Cfg.profileItems : 0;
    for (let m: u32 = from; m < len; m++) {
      const e = h + <usize>m * ENTRY_BYTES;
      const i = load<u32>(e) & ITEM_MASK;
      const ts = load<f64>(e, 8);
      let w = <f64>load<f32>(e, 4);
      if (ts >= sessionStart) w *= Cfg.sessionBoost;
      if (hhl > 0 && now > ts) w *= Math.pow(2.0, -(now - ts) / hhl);
      const r = item(i);
      const ni = load<f64>(r);
      const rev = <usize>load<u32>(r, 40);
      const revEnd = rev + <usize>load<u32>(r, 44) * REV_ENTRY;
      for (let re = rev; re < revEnd; re += REV_ENTRY) {
        const j = load<u32>(re);
        if (marked(j, epoch)) continue;
        // The pair's count, mirrored from j's list entry for i (the same f32 as the pair table's).
        const c = load<f32>(re, 8);
        const s = simOf(load<f64>(item(j)), ni, <f64>c);
        if (!(s > 0)) continue;
        const sp = Items.score + (<usize>j << 3);
        const before = load<f64>(sp);
        if (before == 0) {
          store<u32>(Items.touched + (<usize>touched << 2), j);
          touched++;
        }
        store<f64>(sp, before + w * s);
      }
    }
    for (let m: u32 = 0; m < touched; m++) {
      const j = load<u32>(Items.touched + (<usize>m << 2));
      const sp = Items.score + (<usize>j << 3);
      n = insertTopFrom(0, n, k, j, load<f64>(sp));
      store<f64>(sp, 0);
    }
  }
  for (let m = 0; m < n; m++) markItem(load<u32>(Out.ptr + (<usize>m << 3)), epoch);
  return finish(fillPopular(n, k, epoch));
}

/** The k nearest neighbours of item i, best first; popularity fills the rest. Called per changed item. */
export function similarItems(i: u32, k: i32): i32 {
  ensureOut();
  const epoch = nextEpoch();
  let n = 0;
  if (i < Items.capacity) {
    markItem(i, epoch);
    const r = item(i);
    const ni = load<f64>(r);
    const len = load<u32>(r, 20);
    for (let m: u32 = 0; m < len; m++) {
      const e = listEntry(r, m);
      const j = load<u32>(e);
      const s = simOf(ni, load<f64>(item(j)), <f64>load<f32>(e, 4));
      if (s > 0) n = insertTopFrom(0, n, k, j, s);
    }
  }
  for (let m = 0; m < n; m++) markItem(load<u32>(Out.ptr + (<usize>m << 3)), epoch);
  return finish(fillPopular(n, k, epoch));
}

/** The k most popular items now. */
export function popularItems(k: i32): i32 {
  ensureOut();
  return finish(fillPopular(0, k, nextEpoch()));
}
