// The recommendation exports (docs/ABI.md, "Recommendations"). The host
// hashes user ids (host/core/hash.ts) and maps item ids to dense indices
// (host/recs/engine.ts); a batch of interactions is written as 24-byte rows
// at recsInputPtr() and applied by recsRun. Recommendations are written as
// (item u32, score f32) pairs at recsOutPtr().

import { OK, E_NO_MEMORY, E_BAD_ARGUMENT, E_NO_BATCH, E_RECS_BAD_INTERACTION, E_RECS_BAD_TIMESTAMP, E_RECS_BAD_ITEM, E_RECS_BAD_USER } from "../status";
import { Cfg, NUM_PARAMS, MAX_K, applyParams, P_VIEW_WEIGHT, P_CART_WEIGHT, P_PURCHASE_WEIGHT, P_SESSION_GAP_MS, P_NEIGHBOURS, P_MAX_PAIRS, P_SIMILARITY, P_SHRINK, P_HALF_LIFE_MS, P_MAX_HISTORY, P_EXCLUDE, P_SESSION_BOOST, P_HISTORY_HALF_LIFE_MS, P_USER_TTL_MS, P_CROSS_SESSION_WEIGHT, P_POPULARITY_HALF_LIFE_MS, P_PROFILE_ITEMS } from "./config";
import { Items, item, listEntry, revEntry, reserveItems, clearItems } from "./items";
import { Pairs, clearPairs, pairCount, pairKey, pairSlots, findPair, slotPos, IN_LOW, IN_HIGH } from "./pairs";
import { Now, simOf } from "./neighbours";
import { clearPopular } from "./popular";
import { Users, findUser, sweepUsers, clearUsers } from "./users";
import { Counters, applyInteraction } from "./update";
import { Out, recommendUser, similarItems, popularItems } from "./recommend";
import { coDecay, popDecay } from "./decay";
import { Mem, grab, drop } from "./mem";
import { MAX_TS, tsInRange } from "../limits";

const ROW: usize = 24;

let params: usize = 0;
let input: usize = 0;
let inputRows: i32 = 0;
let badRow: i32 = -1;
let rejected: i32 = 0;

/** Where the host writes the settings: recsNumParams() f64, pre-filled with the ones in force. Called once at start-up. */
export function recsParamsPtr(): usize {
  if (params == 0) params = grab(<usize>NUM_PARAMS << 3);
  store<f64>(params, Cfg.weight0, P_VIEW_WEIGHT << 3);
  store<f64>(params, Cfg.weight1, P_CART_WEIGHT << 3);
  store<f64>(params, Cfg.weight2, P_PURCHASE_WEIGHT << 3);
  store<f64>(params, Cfg.sessionGapMs, P_SESSION_GAP_MS << 3);
  store<f64>(params, <f64>Cfg.neighbours, P_NEIGHBOURS << 3);
  store<f64>(params, <f64>Cfg.maxPairs, P_MAX_PAIRS << 3);
  store<f64>(params, <f64>Cfg.similarity, P_SIMILARITY << 3);
  store<f64>(params, Cfg.shrink, P_SHRINK << 3);
  store<f64>(params, Cfg.halfLifeMs, P_HALF_LIFE_MS << 3);
  store<f64>(params, <f64>Cfg.maxHistory, P_MAX_HISTORY << 3);
  store<f64>(params, <f64>Cfg.exclude, P_EXCLUDE << 3);
  store<f64>(params, Cfg.sessionBoost, P_SESSION_BOOST << 3);
  store<f64>(params, Cfg.historyHalfLifeMs, P_HISTORY_HALF_LIFE_MS << 3);
  store<f64>(params, Cfg.userTtlMs, P_USER_TTL_MS << 3);
  store<f64>(params, Cfg.crossSessionWeight, P_CROSS_SESSION_WEIGHT << 3);
  store<f64>(params, Cfg.popularityHalfLifeMs, P_POPULARITY_HALF_LIFE_MS << 3);
  store<f64>(params, <f64>Cfg.profileItems, P_PROFILE_ITEMS << 3);
  return params;
}

/** The number of settings at recsParamsPtr(). */
export function recsNumParams(): i32 {
  return NUM_PARAMS;
}

/** Checks and applies the settings at recsParamsPtr(), then drops all state. Called once at start-up. */
export function recsConfigure(): i32 {
  if (params == 0 || !applyParams(params)) return E_BAD_ARGUMENT;
  recsReset();
  return OK;
}

/** Drops every user, item and pair (keeps the settings and buffers). Called by tests and evaluations. */
export function recsReset(): void {
  clearUsers();
  clearPairs();
  clearPopular();
  clearItems();
  coDecay.reset(Cfg.halfLifeMs);
  popDecay.reset(Cfg.popularityHalfLifeMs);
  Counters.interactions = 0;
  Counters.sessions = 0;
  Now.coScale = 1;
  badRow = -1;
}

/** Makes room for item indices 0..n-1. Called by the host when it assigns an index at or beyond the last capacity. */
export function recsItemsReserve(n: i32): i32 {
  if (n < 0 || n > 0x0fffffff) return E_BAD_ARGUMENT;
  return reserveItems(<u32>n) ? OK : E_NO_MEMORY;
}

/** Item indices the engine has room for. */
export function recsItemsCapacity(): i32 {
  return <i32>Items.capacity;
}

/** Makes room for batches of up to n interactions. Called when a batch is larger than any before. */
export function recsReserve(n: i32): i32 {
  if (n < 0 || n > 10_000_000) return E_BAD_ARGUMENT;
  if (n <= inputRows) return OK;
  drop(input, <usize>inputRows * ROW);
  input = grab(<usize>n * ROW);
  inputRows = n;
  return input == 0 ? E_NO_MEMORY : OK;
}

/** Where to write interaction rows (24 bytes: user hash lo u32, hi u32, ts f64, item u32, type u32). Re-read after recsReserve. */
export function recsInputPtr(): usize {
  return input;
}

/**
 * Applies interactions 0..n-1 of the input, in order, each judged alone: a
 * row that fails its checks is skipped (nothing of it applied; recsRejected
 * counts them, recsBadInteraction names the first) and the others are
 * applied. Returns the rows applied, or a negative status for a bad call
 * (nothing applied). Called by the host once per batch.
 */
export function recsRun(n: i32): i32 {
  if (n < 0) return E_BAD_ARGUMENT;
  if (n > inputRows) return E_NO_BATCH;
  badRow = -1;
  rejected = 0;
  for (let r = 0; r < n; r++) {
    const p = input + <usize>r * ROW;
    if (check(p) != OK) {
      if (badRow < 0) badRow = r;
      rejected++;
      continue;
    }
    applyInteraction(load<u64>(p), load<u32>(p, 16), load<u32>(p, 20), load<f64>(p, 8));
  }
  Now.coScale = coDecay.scale(Users.watermark);
  sweepUsers(<u32>(n << 1) + 8);
  return n - rejected;
}

/** The status of input row r of the last batch (OK, or why recsRun skipped it). Called by the host after a run that skipped rows. */
export function recsRowStatus(r: i32): i32 {
  return r < 0 || r >= inputRows ? E_BAD_ARGUMENT : check(input + <usize>r * ROW);
}

function check(p: usize): i32 {
  if (load<u64>(p) == 0) return E_RECS_BAD_USER;
  if (!tsInRange(load<f64>(p, 8))) return E_RECS_BAD_TIMESTAMP;
  if (load<u32>(p, 16) >= Items.capacity) return E_RECS_BAD_ITEM;
  if (load<u32>(p, 20) > 2) return E_RECS_BAD_INTERACTION;
  return OK;
}

/** Rows the last recsRun skipped. Called by the host after each run. */
export function recsRejected(): i32 {
  return rejected;
}

/** The first row the last recsRun skipped, or -1. */
export function recsBadInteraction(): i32 {
  return badRow;
}

/**
 * Writes up to k (1..1000) recommendations for the user (hash lo, hi) at
 * recsOutPtr() and returns how many; `nowMs` is the time the recency decay
 * counts from. Called per user whose session changed, and by evaluations.
 */
export function recsRecommend(lo: u32, hi: u32, k: i32, nowMs: f64): i32 {
  if (k < 1 || k > MAX_K || !(nowMs >= -MAX_TS && nowMs <= MAX_TS)) return E_BAD_ARGUMENT;
  return recommendUser((<u64>hi << 32) | <u64>lo, k, nowMs);
}

/** Writes up to k (1..1000) items most similar to item i at recsOutPtr(); returns how many. Called per touched item. */
export function recsSimilar(i: i32, k: i32): i32 {
  if (k < 1 || k > MAX_K || i < 0) return E_BAD_ARGUMENT;
  return similarItems(<u32>i, k);
}

/** Writes the k (1..1000) most popular items now at recsOutPtr(); returns how many. Called for the dashboard. */
export function recsPopular(k: i32): i32 {
  if (k < 1 || k > MAX_K) return E_BAD_ARGUMENT;
  return popularItems(k);
}

/** Where recsRecommend / recsSimilar / recsPopular wrote their (item u32, score f32) pairs. */
export function recsOutPtr(): usize {
  return Out.ptr;
}

/** The similarity of two items now (0 if they never co-occurred or were pruned). Called by tests. */
export function recsSimilarity(a: i32, b: i32): f64 {
  if (a < 0 || b < 0 || <u32>a >= Items.capacity || <u32>b >= Items.capacity || a == b) return 0;
  return simOf(load<f64>(item(<u32>a)), load<f64>(item(<u32>b)), <f64>pairCount(pairKey(<u32>a, <u32>b)));
}

/**
 * A counter: 0 interactions, 1 live users, 2 pairs, 3 pairs pruned, 4 bytes
 * held, 5 sessions started, 6 watermark (ms), 7 item capacity, 8 neighbour
 * entries, 9 users expired, 10 pair slots, 11 reverse-list entries,
 * 12 list entries whose pair is gone or not flagged (a consistency check: 0).
 * 8, 11 and 12 walk every item: for tests and reports, not per batch.
 */
export function recsStat(k: i32): f64 {
  switch (k) {
    case 0: return Counters.interactions;
    case 1: return <f64>Users.count;
    case 2: return <f64>Pairs.count;
    case 3: return Pairs.pruned;
    case 4: return Mem.bytes;
    case 5: return Counters.sessions;
    case 6: return Users.watermark;
    case 7: return <f64>Items.capacity;
    case 8: {
      let n: f64 = 0;
      for (let i: u32 = 0; i < Items.capacity; i++) n += <f64>load<u32>(item(i), 20);
      return n;
    }
    case 9: return Users.expired;
    case 10: return <f64>pairSlots();
    case 11: {
      let n: f64 = 0;
      for (let i: u32 = 0; i < Items.capacity; i++) n += <f64>load<u32>(item(i), 44);
      return n;
    }
    case 12: return dangling();
    default: return NaN;
  }
}

function dangling(): f64 {
  let bad: f64 = 0;
  for (let i: u32 = 0; i < Items.capacity; i++) {
    const r = item(i);
    const len = load<u32>(r, 20);
    for (let n: u32 = 0; n < len; n++) {
      const e = listEntry(r, n);
      const j = load<u32>(e);
      const s = findPair(pairKey(i, j));
      const bit = i < j ? IN_LOW : IN_HIGH;
      if (s == 0 || (load<u32>(s, 12) & bit) == 0 || slotPos(load<u32>(s, 12), bit) != n) bad++;
      // Its mirror: entry revPos of j's reverse list is (i, n, the same count).
      const q = load<u32>(e, 8);
      const rj = item(j);
      if (q >= load<u32>(rj, 44)) bad++;
      else {
        const m = revEntry(rj, q);
        if (load<u32>(m) != i || load<u32>(m, 4) != n || load<u32>(m, 8) != load<u32>(e, 4)) bad++;
      }
    }
    // Reverse entries: (j, pos, count) says this item is entry pos of j's list, with that count.
    const revLen = load<u32>(r, 44);
    for (let q: u32 = 0; q < revLen; q++) {
      const m = revEntry(r, q);
      const j = load<u32>(m);
      const pos = load<u32>(m, 4);
      const rj = item(j);
      if (pos >= load<u32>(rj, 20)) bad++;
      else {
        const e = listEntry(rj, pos);
        if (load<u32>(e) != i || load<u32>(e, 8) != q || load<u32>(e, 4) != load<u32>(m, 8)) bad++;
      }
    }
  }
  return bad;
}

/** A user's state: 0 sessions, 1 history length, 2 session start (ms), 3 last interaction (ms); NaN if unknown. Called by tests and the host. */
export function recsUserStat(lo: u32, hi: u32, k: i32): f64 {
  const u = findUser((<u64>hi << 32) | <u64>lo);
  if (u == 0) return NaN;
  switch (k) {
    case 0: return <f64>load<u32>(u, 28);
    case 1: return <f64>load<u32>(u, 20);
    case 2: return load<f64>(u, 8);
    case 3: return load<f64>(u);
    default: return NaN;
  }
}
