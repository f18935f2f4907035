// Moves a forward-decay landmark (decay.ts): every stored value on that
// clock is multiplied by 2^-halvings at once. Rare: once per 40 half-lives
// for co-occurrence, 500 for popularity.

import { Items, item, listEntry, setListCount } from "./items";
import { pairSlots, slotAt } from "./pairs";
import { coDecay, popDecay } from "./decay";

/** Scales pair counts, norms and list counts down by 2^-halvings. */
export function rescaleCo(halvings: f64): void {
  const f = Math.pow(2.0, -halvings);
  const slots = pairSlots();
  for (let i: u32 = 0; i < slots; i++) {
    const s = slotAt(i);
    if (load<u64>(s) != 0) store<f32>(s, <f32>(<f64>load<f32>(s, 8) * f), 8);
  }
  for (let i: u32 = 0; i < Items.capacity; i++) {
    const r = item(i);
    store<f64>(r, load<f64>(r) * f);
    const len = load<u32>(r, 20);
    for (let n: u32 = 0; n < len; n++) setListCount(r, n, <f32>(<f64>load<f32>(listEntry(r, n), 4) * f));
    store<i32>(r, -1, 28);
  }
  coDecay.moved(halvings);
}

/** Scales popularity down by 2^-halvings. */
export function rescalePop(halvings: f64): void {
  const f = Math.pow(2.0, -halvings);
  for (let i: u32 = 0; i < Items.capacity; i++) {
    const r = item(i);
    store<f64>(r, load<f64>(r, 8) * f, 8);
  }
  popDecay.moved(halvings);
}
