// A small exact set for distinct counts in a window: up to K members, each a
// 32-bit fingerprint of its 64-bit id with the newest hour bucket it was seen
// in. The set keeps the K members seen most recently (a member older than all
// K is not let in), so "members seen since hour b" is exactly
// min(K, the true count) for every b. 8 bytes a member, 64 a set.

export const SET_K: i32 = 8;
export const SET_BYTES: usize = 64;

/** A non-zero 32-bit fingerprint of a 64-bit id (0 marks an empty member). */
// @ts-ignore: decorator
@inline export function fingerprint(key: u64): u32 {
  const f = <u32>(key ^ (key >> 32));
  return f == 0 ? 1 : f;
}

/** Records that member `fp` was seen in hour `b`. Called per event per set. */
export function setAdd(set: usize, fp: u32, b: i32): void {
  let oldest: usize = 0;
  let oldestHour: i32 = i32.MAX_VALUE;
  for (let i = 0; i < SET_K; i++) {
    const m = set + (<usize>i << 3);
    const f = load<u32>(m);
    if (f == fp) {
      if (b > load<i32>(m, 4)) store<i32>(m, b, 4);
      return;
    }
    if (f == 0) {
      // Members fill from the front and are never removed one by one.
      store<u32>(m, fp);
      store<i32>(m, b, 4);
      return;
    }
    const h = load<i32>(m, 4);
    if (h < oldestHour) {
      oldestHour = h;
      oldest = m;
    }
  }
  if (b > oldestHour) {
    store<u32>(oldest, fp);
    store<i32>(oldest, b, 4);
  }
}

/** Members seen in hour `from` or later. Called per feature row. */
export function setCountSince(set: usize, from: i32): i32 {
  let n = 0;
  for (let i = 0; i < SET_K; i++) {
    const m = set + (<usize>i << 3);
    if (load<u32>(m) == 0) break;
    if (load<i32>(m, 4) >= from) n++;
  }
  return n;
}
