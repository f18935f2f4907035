// One interaction: session bookkeeping, then the co-occurrence update. The
// user's strength on an item is its strongest interaction's weight; when it
// rises from a to b, the item's norm gains b^2 - a^2 and its count with each
// item j in the user's history gains (b - a) * w_j (times the
// cross-session weight if j was last touched in an earlier session): the
// exact increments of a weighted cosine over all users, so with no pruning,
// no decay, a cross-session weight of 1 and a history long enough, the
// counts equal a batch computation's.

import { Cfg, weightOf } from "./config";
import { item } from "./items";
import { Pairs, findPair, upsertPair, pairKey, IN_LOW, IN_HIGH } from "./pairs";
import { prunePairs } from "./prune";
import { offer } from "./neighbours";
import { offerPopular } from "./popular";
import { coDecay, popDecay } from "./decay";
import { rescaleCo, rescalePop } from "./rescale";
import { upsertUser, historyRoom, Users, ENTRY_BYTES, ITEM_MASK } from "./users";

export class Counters {
  static interactions: f64 = 0;
  static sessions: f64 = 0;
}

/** Applies one interaction (type 0 view, 1 cart, 2 purchase). Called per event by recsRun. */
export function applyInteraction(key: u64, i: u32, type: u32, ts: f64): void {
  if (ts > Users.watermark) Users.watermark = ts;
  const u = upsertUser(key);
  const last = load<f64>(u);
  if (Users.fresh || ts - last >= Cfg.sessionGapMs) {
    store<f64>(u, ts, 8);
    store<u32>(u, load<u32>(u, 28) + 1, 28);
    Counters.sessions++;
  }
  if (Users.fresh || ts > last) store<f64>(u, ts);
  const sessionStart = load<f64>(u, 8);
  const w = weightOf(type);

  let h = <usize>load<u32>(u, 16);
  const len = load<u32>(u, 20);
  let pos: i32 = -1;
  for (let n: u32 = 0; n < len; n++) {
    if ((load<u32>(h + <usize>n * ENTRY_BYTES) & ITEM_MASK) == i) {
      pos = <i32>n;
      break;
    }
  }
  const a: f64 = pos >= 0 ? <f64>load<f32>(h + <usize>pos * ENTRY_BYTES, 4) : 0;
  if (w > a) {
    const over = coDecay.overflow(ts);
    if (over > 0) rescaleCo(over);
    const g = coDecay.scale(ts);
    const x = item(i);
    store<f64>(x, load<f64>(x) + (w * w - a * a) * g);
    const d = (w - a) * g;
    for (let n: u32 = 0; n < len; n++) {
      if (<i32>n == pos) continue;
      const e = h + <usize>n * ENTRY_BYTES;
      const cross = load<f64>(e, 8) >= sessionStart ? 1.0 : Cfg.crossSessionWeight;
      if (cross > 0) addPair(i, load<u32>(e) & ITEM_MASK, d * <f64>load<f32>(e, 4) * cross);
    }
  }
  const overPop = popDecay.overflow(ts);
  if (overPop > 0) rescalePop(overPop);
  const r = item(i);
  store<f64>(r, load<f64>(r, 8) + w * popDecay.scale(ts), 8);
  offerPopular(i);

  // The history: this item moves to the end (most recent), the oldest drops when full.
  let types: u32 = 1 << (28 + type);
  let strength = w;
  if (pos >= 0) {
    const e = h + <usize>pos * ENTRY_BYTES;
    types |= load<u32>(e) & ~ITEM_MASK;
    strength = max(a, w);
    memory.copy(e, e + ENTRY_BYTES, <usize>(len - 1 - <u32>pos) * ENTRY_BYTES);
    store<u32>(u, len - 1, 20);
  } else if (len >= Cfg.maxHistory) {
    memory.copy(h, h + ENTRY_BYTES, <usize>(len - 1) * ENTRY_BYTES);
    store<u32>(u, len - 1, 20);
  }
  h = historyRoom(u);
  const n = load<u32>(u, 20);
  const e = h + <usize>n * ENTRY_BYTES;
  store<u32>(e, i | types);
  store<f32>(e, <f32>strength, 4);
  store<f64>(e, ts, 8);
  store<u32>(u, n + 1, 20);
  Counters.interactions++;
}

function addPair(i: u32, j: u32, delta: f64): void {
  const key = pairKey(i, j);
  let s = findPair(key);
  if (s == 0) {
    if (Pairs.count >= Cfg.maxPairs) prunePairs();
    s = upsertPair(key, Cfg.maxPairs);
  }
  const c = <f32>(<f64>load<f32>(s, 8) + delta);
  store<f32>(s, c, 8);
  const lo = min(i, j);
  const hi = max(i, j);
  offer(lo, hi, c, s, IN_LOW);
  offer(hi, lo, c, s, IN_HIGH);
}
