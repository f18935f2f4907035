// An open-addressing hash table from a 64-bit key to a fixed-size record.
// The index is linear-probed 16-byte slots (key u64, record number u32, and
// the minute of the record's lastSeen, i32); records live in a separate pool
// with a free list, so a slot move or a rehash never copies records. Sweeps
// judge a record by the minute in its slot (expired if the whole minute is
// before the cutoff), so they walk the index without a miss into the pool a
// slot; a record that expired within the cutoff's minute waits for a later
// sweep, and reads judge by the record itself. The home slot is the key's
// Fibonacci hash (the top bits of key * 2^64/phi), so keys that are not well
// mixed, such as sequential numbers from an embedder, do not pile into one
// probe run; key 0 marks an empty slot. Every record starts with its
// lastSeen (f64): a record older than the table's cutoff is expired, which
// reads treat as absent and writes reset in place; sweeps free expired
// records, and a table sweeps itself fully before it grows, so it grows only
// with live entities.
// Deletion shifts the following probe run back (no tombstones).

import { Clock } from "./clock";
import { homeSlot, shiftBack } from "../slots";

const MIN_SLOTS: u32 = 1024;
const MIN_RECORDS: u32 = 256;
const NONE: u32 = 0xffffffff;
const MS_MINUTE: f64 = 60_000;

// The minute of a lastSeen, kept in its index slot (|ts| <= 1e14 fits i32).
// @ts-ignore: decorator
@inline function minuteOf(ts: f64): i32 {
  return <i32>Math.floor(ts / MS_MINUTE);
}

// True if every time in the slot's minute is before `cut`: its record has surely expired.
// @ts-ignore: decorator
@inline function slotExpired(s: usize, cut: f64): bool {
  return (<f64>load<i32>(s, 12) + 1) * MS_MINUTE <= cut;
}

export class Table {
  index: usize = 0;
  mask: u32 = 0;
  shift: u64 = 64; // 64 - log2(slots)
  count: u32 = 0;
  pool: usize = 0;
  poolRecords: u32 = 0;
  used: u32 = 0; // record numbers handed out so far
  free: u32 = NONE; // free list, linked through each free record's first 4 bytes
  cursor: u32 = 0; // where the incremental sweep goes on
  evictions: f64 = 0;
  recordBytes: usize;
  isWindow: bool;
  /** Set by upsert: the record is new, or was expired and has been reset. */
  fresh: bool = false;

  constructor(recordBytes: usize, isWindow: bool) {
    this.recordBytes = recordBytes;
    this.isWindow = isWindow;
  }

  // @ts-ignore: decorator
  @inline cutoff(): f64 {
    return this.isWindow ? Clock.windowCutoff() : Clock.profileCutoff();
  }

  // @ts-ignore: decorator
  @inline home(key: u64): u32 {
    return homeSlot(key, this.shift);
  }

  // @ts-ignore: decorator
  @inline record(ref: u32): usize {
    return this.pool + <usize>ref * this.recordBytes;
  }

  /**
   * Loads `key`'s home slot and, if the key is there, its record's first
   * line, so that the misses of an event a few ahead overlap the work on
   * this one; returns what it read (for the caller to keep). Called per
   * event per table, ahead of it.
   */
  touch(key: u64): f64 {
    if (key == 0 || this.index == 0) return 0;
    const s = this.index + (<usize>this.home(key) << 4);
    return load<u64>(s) == key ? load<f64>(this.record(load<u32>(s, 8))) : 0;
  }

  /** Loads `key`'s home slot only (the first step of touch, a group of events ahead); returns what it read. */
  touchSlot(key: u64): f64 {
    if (key == 0 || this.index == 0) return 0;
    return <f64>load<u32>(this.index + (<usize>this.home(key) << 4), 8);
  }

  /** The live record of `key`, or 0 if absent or expired. Called per feature row. */
  get(key: u64): usize {
    if (key == 0 || this.index == 0) return 0;
    const mask = this.mask;
    let i = this.home(key);
    while (true) {
      const s = this.index + (<usize>i << 4);
      const k = load<u64>(s);
      if (k == key) {
        const r = this.record(load<u32>(s, 8));
        return load<f64>(r) < this.cutoff() ? 0 : r;
      }
      if (k == 0) return 0;
      i = (i + 1) & mask;
    }
  }

  /**
   * The record of `key`, created (zeroed) if absent and reset if expired, with
   * its lastSeen raised to `ts`; `fresh` says whether it is new. The address
   * holds until the next upsert on this table. Called per event.
   */
  upsert(key: u64, ts: f64): usize {
    if (this.index == 0) this.allocate(MIN_SLOTS, MIN_RECORDS);
    const mask = this.mask;
    let i = this.home(key);
    while (true) {
      const s = this.index + (<usize>i << 4);
      const k = load<u64>(s);
      if (k == key) {
        const r = this.record(load<u32>(s, 8));
        const last = load<f64>(r);
        if (last < this.cutoff()) {
          memory.fill(r, 0, this.recordBytes);
          store<f64>(r, ts);
          store<i32>(s, minuteOf(ts), 12);
          this.fresh = true;
        } else {
          if (ts > last) {
            store<f64>(r, ts);
            store<i32>(s, minuteOf(ts), 12);
          }
          this.fresh = false;
        }
        return r;
      }
      if (k == 0) {
        if ((this.count + 1) << 1 > this.mask + 1) {
          this.makeRoom();
          return this.upsert(key, ts);
        }
        const ref = this.newRecord();
        store<u64>(s, key);
        store<u32>(s, ref, 8);
        store<i32>(s, minuteOf(ts), 12);
        this.count++;
        const r = this.record(ref);
        memory.fill(r, 0, this.recordBytes);
        store<f64>(r, ts);
        this.fresh = true;
        return r;
      }
      i = (i + 1) & mask;
    }
  }

  /** Frees up to `slots` slots' worth of expired records. Called once per batch. */
  sweep(slots: u32): void {
    if (this.index == 0) return;
    const cut = this.cutoff();
    const mask = this.mask;
    for (let n: u32 = 0; n < slots && this.count > 0; n++) {
      const s = this.index + (<usize>this.cursor << 4);
      if (load<u64>(s) != 0 && slotExpired(s, cut)) {
        this.remove(this.cursor); // the slot may now hold a shifted entry: look again
      } else {
        this.cursor = (this.cursor + 1) & mask;
      }
    }
  }

  /** Bytes held: the index and the record pool. */
  bytes(): f64 {
    return this.index == 0 ? 0 : <f64>(this.mask + 1) * 16 + <f64>this.poolRecords * <f64>this.recordBytes;
  }

  /** Drops everything and returns the memory. */
  clear(): void {
    if (this.index != 0) {
      heap.free(this.index);
      heap.free(this.pool);
    }
    this.index = 0;
    this.pool = 0;
    this.mask = 0;
    this.shift = 64;
    this.count = 0;
    this.poolRecords = 0;
    this.used = 0;
    this.free = NONE;
    this.cursor = 0;
    this.evictions = 0;
  }

  private allocate(slots: u32, records: u32): void {
    const bytes = <usize>slots << 4;
    this.index = heap.alloc(bytes);
    memory.fill(this.index, 0, bytes);
    this.mask = slots - 1;
    this.shift = 64 - <u64>ctz(slots);
    this.pool = heap.alloc(<usize>records * this.recordBytes);
    this.poolRecords = records;
  }

  private newRecord(): u32 {
    if (this.free != NONE) {
      const ref = this.free;
      this.free = load<u32>(this.record(ref));
      return ref;
    }
    if (this.used == this.poolRecords) {
      const records = this.poolRecords << 1;
      const pool = heap.alloc(<usize>records * this.recordBytes);
      memory.copy(pool, this.pool, <usize>this.used * this.recordBytes);
      heap.free(this.pool);
      this.pool = pool;
      this.poolRecords = records;
    }
    return this.used++;
  }

  // Full sweep; double the index only if live entries still fill 3/8 of it,
  // so a sweep that frees little is not repeated on the next insert.
  private makeRoom(): void {
    const slots = this.mask + 1;
    const cut = this.cutoff();
    for (let i: u32 = 0; i < slots; ) {
      const s = this.index + (<usize>i << 4);
      if (load<u64>(s) != 0 && slotExpired(s, cut)) this.remove(i);
      else i++;
    }
    this.cursor = 0;
    if (<u64>this.count * 8 < <u64>slots * 3) return;
    const old = this.index;
    const bytes = <usize>slots << 5;
    this.index = heap.alloc(bytes);
    memory.fill(this.index, 0, bytes);
    this.mask = (slots << 1) - 1;
    this.shift = 64 - <u64>ctz(slots << 1);
    // rehashSlots (slots.ts) does the same, and the other tables call it;
    // here it made makeRoom small enough for binaryen to inline into upsert,
    // and the features about 1% slower (bench/features-ab.ts, five runs).
    for (let i: u32 = 0; i < slots; i++) {
      const s = old + (<usize>i << 4);
      const k = load<u64>(s);
      if (k == 0) continue;
      let j = this.home(k);
      while (load<u64>(this.index + (<usize>j << 4)) != 0) j = (j + 1) & this.mask;
      const d = this.index + (<usize>j << 4);
      store<u64>(d, k);
      store<u64>(d, load<u64>(s, 8), 8); // record number and minute
    }
    heap.free(old);
  }

  // Removes the entry at slot i and shifts back the entries after it whose
  // home slot is not between the hole and themselves.
  private remove(i: u32): void {
    const mask = this.mask;
    const idx = this.index;
    const ref = load<u32>(idx + (<usize>i << 4), 8);
    store<u32>(this.record(ref), this.free);
    this.free = ref;
    this.count--;
    this.evictions++;
    shiftBack(idx, mask, this.shift, i);
  }
}
