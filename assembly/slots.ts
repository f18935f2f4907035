// The open-addressing tables of the core (fraud-feature entities, recommender
// users and item pairs) share one slot layout: 16 bytes, a non-zero 64-bit
// key then 8 bytes of payload (32 bytes for the fraud pairs, whose payload is
// their record), linear probing from the key's Fibonacci hash, and deletion
// by shifting the probe run back (no tombstones).

/** The home slot of `key` in a table of 2^(64 - shift) slots. Called per lookup. */
// @ts-ignore: decorator
@inline export function homeSlot(key: u64, shift: u64): u32 {
  return <u32>((key * 0x9e3779b97f4a7c15) >> shift);
}

// Copies one slot of 2^slotLog bytes (16 or 32) from `from` to `to`.
// @ts-ignore: decorator
@inline function copySlot(to: usize, from: usize, slotLog: u32): void {
  for (let w: usize = 0; w < (<usize>1 << slotLog); w += 8) store<u64>(to + w, load<u64>(from + w));
}

/**
 * Empties slot `i` of the table at `index` (mask = slots - 1, slots of
 * 2^slotLog bytes: the key, then its payload) and moves back every entry
 * after it, up to the next empty slot, whose home is not between the hole
 * and itself, so every lookup still finds its key. Called by each table's
 * remove after it has freed what the entry owned.
 */
// @ts-ignore: decorator
@inline export function shiftBackSlots(index: usize, mask: u32, shift: u64, i: u32, slotLog: u32): void {
  let j = i;
  while (true) {
    j = (j + 1) & mask;
    const sj = index + (<usize>j << slotLog);
    const kj = load<u64>(sj);
    if (kj == 0) break;
    const h = homeSlot(kj, shift);
    if (i <= j ? i < h && h <= j : i < h || h <= j) continue;
    copySlot(index + (<usize>i << slotLog), sj, slotLog);
    i = j;
  }
  store<u64>(index + (<usize>i << slotLog), 0);
}

/** shiftBackSlots for the 16-byte slots. */
export function shiftBack(index: usize, mask: u32, shift: u64, i: u32): void {
  shiftBackSlots(index, mask, shift, i, 4);
}

/**
 * Moves every entry of the table at `old` (`oldSlots` slots of 2^slotLog
 * bytes) into the empty table at `index` (mask = slots - 1, `shift` its
 * homeSlot shift), each into the first free slot from its home. Called by
 * each table's growth, which frees `old` after.
 */
export function rehashSlots(old: usize, oldSlots: u32, index: usize, mask: u32, shift: u64, slotLog: u32): void {
  for (let i: u32 = 0; i < oldSlots; i++) {
    const s = old + (<usize>i << slotLog);
    const k = load<u64>(s);
    if (k == 0) continue;
    let j = homeSlot(k, shift);
    while (load<u64>(index + (<usize>j << slotLog)) != 0) j = (j + 1) & mask;
    copySlot(index + (<usize>j << slotLog), s, slotLog);
  }
}
