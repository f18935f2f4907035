// Bounded pairs: when the pair table holds maxPairs pairs, the rarest go.
// The threshold is the median count of a sample of live pairs (rare pairs
// are most of them: most co-occur once), and every pair at or below it is
// dropped, repeated until at most 3/4 of the cap is left. A dropped pair that
// was in a neighbour list leaves the list (and the reverse list) too, so a
// list never refers to a pair that is gone. With decay on, counts are
// forward-decayed, so old pairs are the first to go.

import { Cfg } from "./config";
import { Pairs, pairSlots, slotAt, removeAt, IN_LOW, IN_HIGH } from "./pairs";
import { item, listFind, listRemoveAt, revRemove } from "./items";

const SAMPLE: u32 = 4096;

/** Drops the rarest pairs until at most 3/4 of maxPairs are left. Called when an insert finds the table full. */
export function prunePairs(): void {
  const target = <u32>(<u64>Cfg.maxPairs * 3 / 4);
  for (let round = 0; round < 64 && Pairs.count > target; round++) {
    const t = threshold();
    const slots = pairSlots();
    for (let i: u32 = 0; i < slots; ) {
      const s = slotAt(i);
      const k = load<u64>(s);
      if (k != 0 && load<f32>(s, 8) <= t) {
        unlist(k, load<u32>(s, 12));
        removeAt(i); // the slot may now hold a shifted pair: look again
      } else i++;
    }
  }
}

function threshold(): f32 {
  const slots = pairSlots();
  const step = max<u32>(1, slots / (SAMPLE * 2));
  const sample = new Float32Array(SAMPLE);
  let n = 0;
  for (let i: u32 = 0; i < slots && n < <i32>SAMPLE; i += step) {
    const s = slotAt(i);
    if (load<u64>(s) != 0) sample[n++] = load<f32>(s, 8);
  }
  if (n == 0) return Infinity;
  const live = sample.subarray(0, n);
  live.sort();
  return live[n >> 1];
}

function unlist(key: u64, flags: u32): void {
  const lo = <u32>(key >> 32);
  const hi = <u32>key;
  if (flags & IN_LOW) {
    const x = item(lo);
    const n = listFind(x, hi);
    if (n >= 0) listRemoveAt(lo, <u32>n);
    else revRemove(item(hi), lo);
  }
  if (flags & IN_HIGH) {
    const x = item(hi);
    const n = listFind(x, lo);
    if (n >= 0) listRemoveAt(hi, <u32>n);
    else revRemove(item(lo), hi);
  }
}
