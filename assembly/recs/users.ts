// Per-user state: an open-addressing table from the user's 64-bit id hash
// (host/core/hash.ts) to a 32-byte record in a pool with a free list:
//   0 lastTs f64, 8 sessionStart f64, 16 history u32 (pointer),
//   20 len u32, 24 cap u32, 28 sessions u32
// The history holds the user's last maxHistory distinct items, oldest first,
// 16 bytes each: item u32 (low 28 bits; bits 28..30 the interaction types
// seen: 1 view, 2 cart, 4 purchase), weight f32 (the strongest interaction),
// ts f64 (the latest). A user idle longer than the TTL is expired: reads
// treat it as absent, sweeps free it (a few slots per batch, and all before
// the index grows). Index slots are 16 bytes: key u64, record u32, pad.

import { Cfg } from "./config";
import { grab, drop, regrow } from "./mem";
import { homeSlot, shiftBack, rehashSlots } from "../slots";

export const USER_BYTES: usize = 32;
export const ENTRY_BYTES: usize = 16;
export const ITEM_MASK: u32 = 0x0fffffff;
const NONE: u32 = 0xffffffff;
const MIN_SLOTS: u32 = 1024;

export class Users {
  static index: usize = 0;
  static mask: u32 = 0;
  static shift: u64 = 64;
  static count: u32 = 0;
  static pool: usize = 0;
  static poolRecords: u32 = 0;
  static used: u32 = 0;
  static free: u32 = NONE;
  static cursor: u32 = 0;
  static watermark: f64 = -Infinity;
  static expired: f64 = 0;
  /** Set by upsertUser: the record is new (or was expired and reset). */
  static fresh: bool = false;
}

// @ts-ignore: decorator
@inline function home(key: u64): u32 {
  return homeSlot(key, Users.shift);
}

// @ts-ignore: decorator
@inline function record(ref: u32): usize {
  return Users.pool + <usize>ref * USER_BYTES;
}

// @ts-ignore: decorator
@inline function cutoff(): f64 {
  return Users.watermark - Cfg.userTtlMs;
}

/** The live record of a user, or 0. Called per recommendation. */
export function findUser(key: u64): usize {
  if (key == 0 || Users.index == 0) return 0;
  let i = home(key);
  while (true) {
    const s = Users.index + (<usize>i << 4);
    const k = load<u64>(s);
    if (k == key) {
      const r = record(load<u32>(s, 8));
      return load<f64>(r) < cutoff() ? 0 : r;
    }
    if (k == 0) return 0;
    i = (i + 1) & Users.mask;
  }
}

/** The record of a user, created (or reset if expired). Valid until the next upsert. Called per interaction. */
export function upsertUser(key: u64): usize {
  if (Users.index == 0) allocate(MIN_SLOTS, 256);
  let i = home(key);
  while (true) {
    const s = Users.index + (<usize>i << 4);
    const k = load<u64>(s);
    if (k == key) {
      const r = record(load<u32>(s, 8));
      if (load<f64>(r) < cutoff()) {
        resetRecord(r);
        Users.fresh = true;
      } else Users.fresh = false;
      return r;
    }
    if (k == 0) {
      if ((Users.count + 1) << 1 > Users.mask + 1) {
        makeRoom();
        return upsertUser(key);
      }
      const ref = newRecord();
      store<u64>(s, key);
      store<u32>(s, ref, 8);
      Users.count++;
      const r = record(ref);
      memory.fill(r, 0, USER_BYTES);
      Users.fresh = true;
      return r;
    }
    i = (i + 1) & Users.mask;
  }
}

// An expired record keeps its history block, emptied.
function resetRecord(r: usize): void {
  store<f64>(r, 0);
  store<f64>(r, 0, 8);
  store<u32>(r, 0, 20);
  store<u32>(r, 0, 28);
}

/** Frees up to `slots` slots' worth of expired users. Called once per batch. */
export function sweepUsers(slots: u32): void {
  if (Users.index == 0) return;
  const cut = cutoff();
  for (let n: u32 = 0; n < slots && Users.count > 0; n++) {
    const s = Users.index + (<usize>Users.cursor << 4);
    if (load<u64>(s) != 0 && load<f64>(record(load<u32>(s, 8))) < cut) remove(Users.cursor);
    else Users.cursor = (Users.cursor + 1) & Users.mask;
  }
}

/** Drops every user. */
export function clearUsers(): void {
  if (Users.index != 0) {
    for (let i: u32 = 0; i <= Users.mask; i++) {
      const s = Users.index + (<usize>i << 4);
      if (load<u64>(s) != 0) freeHistory(record(load<u32>(s, 8)));
    }
    drop(Users.index, (<usize>Users.mask + 1) << 4);
    drop(Users.pool, <usize>Users.poolRecords * USER_BYTES);
  }
  Users.index = 0;
  Users.mask = 0;
  Users.shift = 64;
  Users.count = 0;
  Users.pool = 0;
  Users.poolRecords = 0;
  Users.used = 0;
  Users.free = NONE;
  Users.cursor = 0;
  Users.watermark = -Infinity;
  Users.expired = 0;
}

/** Makes room for one more history entry of user r (growing the block up to maxHistory); returns the history pointer. */
export function historyRoom(r: usize): usize {
  const len = load<u32>(r, 20);
  const cap = load<u32>(r, 24);
  if (len < cap) return <usize>load<u32>(r, 16);
  const next = min(Cfg.maxHistory, max<u32>(4, cap << 1));
  if (next <= cap) return <usize>load<u32>(r, 16);
  const p = regrow(<usize>load<u32>(r, 16), <usize>cap * ENTRY_BYTES, <usize>next * ENTRY_BYTES);
  store<u32>(r, <u32>p, 16);
  store<u32>(r, next, 24);
  return p;
}

function freeHistory(r: usize): void {
  drop(<usize>load<u32>(r, 16), <usize>load<u32>(r, 24) * ENTRY_BYTES);
  store<u32>(r, 0, 16);
  store<u32>(r, 0, 24);
  store<u32>(r, 0, 20);
}

function allocate(slots: u32, records: u32): void {
  const bytes = <usize>slots << 4;
  Users.index = grab(bytes);
  memory.fill(Users.index, 0, bytes);
  Users.mask = slots - 1;
  Users.shift = 64 - <u64>ctz(slots);
  if (Users.pool == 0) {
    Users.pool = grab(<usize>records * USER_BYTES);
    Users.poolRecords = records;
  }
}

function newRecord(): u32 {
  if (Users.free != NONE) {
    const ref = Users.free;
    Users.free = load<u32>(record(ref));
    return ref;
  }
  if (Users.used == Users.poolRecords) {
    const records = Users.poolRecords << 1;
    Users.pool = regrow(Users.pool, <usize>Users.poolRecords * USER_BYTES, <usize>records * USER_BYTES);
    Users.poolRecords = records;
  }
  return Users.used++;
}

// Full sweep; double the index only if live users still fill 3/8 of it.
function makeRoom(): void {
  const slots = Users.mask + 1;
  const cut = cutoff();
  for (let i: u32 = 0; i < slots; ) {
    const s = Users.index + (<usize>i << 4);
    if (load<u64>(s) != 0 && load<f64>(record(load<u32>(s, 8))) < cut) remove(i);
    else i++;
  }
  Users.cursor = 0;
  if (<u64>Users.count * 8 < <u64>slots * 3) return;
  const old = Users.index;
  allocate(slots << 1, 0);
  rehashSlots(old, slots, Users.index, Users.mask, Users.shift, 4);
  drop(old, <usize>slots << 4);
}

// Frees the user at slot i (history and record) and shifts the probe run back.
function remove(i: u32): void {
  const mask = Users.mask;
  const idx = Users.index;
  const ref = load<u32>(idx + (<usize>i << 4), 8);
  const r = record(ref);
  freeHistory(r);
  store<u32>(r, Users.free);
  Users.free = ref;
  Users.count--;
  Users.expired++;
  shiftBack(idx, mask, Users.shift, i);
}
