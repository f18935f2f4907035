// The pairs' tables (user-device, user-IP, user-country, user-payment,
// device-IP): open addressing like Table (hashtable.ts), but each 32-byte
// slot holds its record after the key, so a lookup reads one cache line and
// one page, not a slot and then a record elsewhere. Slot: key u64, then the
// pair record (entity.ts: lastSeen, firstSeen, purchases; 24 bytes). Linear
// probing from the key's Fibonacci hash, deletion by shifting the probe run
// back; a record older than the profile horizon is expired, which reads
// treat as absent, writes reset in place, and sweeps free. The address a
// lookup returns holds until the next upsert on the table (a growth moves
// every slot). A class of its own, not a mode of Table: one Table with the
// layout as a field, or as a type parameter, ran 20-26% slower on the
// features benchmark (bench/features-ab.ts).

import { Clock } from "./clock";
import { homeSlot, shiftBackSlots, rehashSlots } from "../slots";
import { PAIR_BYTES } from "./entity";

const MIN_SLOTS: u32 = 1024;
const SLOT: usize = 32; // the key, then the record (PAIR_BYTES), then padding

export class PairTable {
  index: usize = 0;
  mask: u32 = 0;
  shift: u64 = 64; // 64 - log2(slots)
  count: u32 = 0;
  cursor: u32 = 0; // where the incremental sweep goes on
  evictions: f64 = 0;
  /** Set by upsert: the record is new, or was expired and has been reset. */
  fresh: bool = false;

  // @ts-ignore: decorator
  @inline home(key: u64): u32 {
    return homeSlot(key, this.shift);
  }

  // @ts-ignore: decorator
  @inline slot(i: u32): usize {
    return this.index + (<usize>i << 5);
  }

  /** Loads `key`'s home slot (its record too, if the key is there); returns what it read. Called per event, ahead of it. */
  touch(key: u64): f64 {
    if (key == 0 || this.index == 0) return 0;
    return load<f64>(this.slot(this.home(key)), 8);
  }

  /** The live record of `key`, or 0 if absent or expired. Called per feature row. */
  get(key: u64): usize {
    if (key == 0 || this.index == 0) return 0;
    const mask = this.mask;
    let i = this.home(key);
    while (true) {
      const s = this.slot(i);
      const k = load<u64>(s);
      if (k == key) return load<f64>(s, 8) < Clock.profileCutoff() ? 0 : s + 8;
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
    if (this.index == 0) this.allocate(MIN_SLOTS);
    const mask = this.mask;
    let i = this.home(key);
    while (true) {
      const s = this.slot(i);
      const k = load<u64>(s);
      if (k == key) {
        const r = s + 8;
        const last = load<f64>(r);
        if (last < Clock.profileCutoff()) {
          memory.fill(r, 0, PAIR_BYTES);
          store<f64>(r, ts);
          this.fresh = true;
        } else {
          if (ts > last) store<f64>(r, ts);
          this.fresh = false;
        }
        return r;
      }
      if (k == 0) {
        if ((this.count + 1) << 1 > this.mask + 1) {
          this.makeRoom();
          return this.upsert(key, ts);
        }
        store<u64>(s, key);
        this.count++;
        const r = s + 8;
        memory.fill(r, 0, PAIR_BYTES);
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
    const cut = Clock.profileCutoff();
    const mask = this.mask;
    for (let n: u32 = 0; n < slots && this.count > 0; n++) {
      const s = this.slot(this.cursor);
      if (load<u64>(s) != 0 && load<f64>(s, 8) < cut) {
        this.remove(this.cursor); // the slot may now hold a shifted entry: look again
      } else {
        this.cursor = (this.cursor + 1) & mask;
      }
    }
  }

  /** Bytes held. */
  bytes(): f64 {
    return this.index == 0 ? 0 : <f64>(this.mask + 1) * <f64>SLOT;
  }

  /** Drops everything and returns the memory. */
  clear(): void {
    if (this.index != 0) heap.free(this.index);
    this.index = 0;
    this.mask = 0;
    this.shift = 64;
    this.count = 0;
    this.cursor = 0;
    this.evictions = 0;
  }

  private allocate(slots: u32): void {
    const bytes = <usize>slots * SLOT;
    this.index = heap.alloc(bytes);
    memory.fill(this.index, 0, bytes);
    this.mask = slots - 1;
    this.shift = 64 - <u64>ctz(slots);
  }

  // Full sweep; double the table only if live entries still fill 3/8 of it,
  // so a sweep that frees little is not repeated on the next insert.
  private makeRoom(): void {
    const slots = this.mask + 1;
    const cut = Clock.profileCutoff();
    for (let i: u32 = 0; i < slots; ) {
      const s = this.slot(i);
      if (load<u64>(s) != 0 && load<f64>(s, 8) < cut) this.remove(i);
      else i++;
    }
    this.cursor = 0;
    if (<u64>this.count * 8 < <u64>slots * 3) return;
    const old = this.index;
    this.allocate(slots << 1);
    rehashSlots(old, slots, this.index, this.mask, this.shift, 5); // keys and their records
    heap.free(old);
  }

  // Removes the entry at slot i and shifts back the entries after it whose
  // home slot is not between the hole and themselves.
  private remove(i: u32): void {
    this.count--;
    this.evictions++;
    shiftBackSlots(this.index, this.mask, this.shift, i, 5);
  }
}
