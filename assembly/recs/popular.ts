// The most popular items (time-decayed interaction weight), for the
// fallback of new users and items. A fixed list of POPULAR_MAX items; stored
// popularity only grows (forward decay, decay.ts), so the cached weakest is
// a lower bound: a candidate at or below it is rightly turned away.

import { item } from "./items";
import { grab, drop } from "./mem";

export const POPULAR_MAX: u32 = 512;

export class Popular {
  static list: usize = 0;
  static len: u32 = 0;
  static minPos: i32 = -1;
  static minPop: f64 = 0;
}

/** Offers item i after its popularity grew. Called per interaction. */
export function offerPopular(i: u32): void {
  if (Popular.list == 0) Popular.list = grab(<usize>POPULAR_MAX << 2);
  const r = item(i);
  if (load<u32>(r, 56) != 0) return;
  const pop = load<f64>(r, 8);
  if (Popular.len < POPULAR_MAX) {
    store<u32>(Popular.list + (<usize>Popular.len << 2), i);
    Popular.len++;
    store<u32>(r, 1, 56);
    Popular.minPos = -1;
    return;
  }
  if (Popular.minPos >= 0 && pop <= Popular.minPop) return;
  let minP = Infinity;
  let minN: i32 = 0;
  for (let n: u32 = 0; n < POPULAR_MAX; n++) {
    const q = load<f64>(item(load<u32>(Popular.list + (<usize>n << 2))), 8);
    if (q < minP) {
      minP = q;
      minN = <i32>n;
    }
  }
  if (pop <= minP) {
    Popular.minPos = minN;
    Popular.minPop = minP;
    return;
  }
  const e = Popular.list + (<usize>minN << 2);
  store<u32>(item(load<u32>(e)), 0, 56);
  store<u32>(e, i);
  store<u32>(r, 1, 56);
  Popular.minPos = -1;
}

/** Drops the list. */
export function clearPopular(): void {
  drop(Popular.list, <usize>POPULAR_MAX << 2);
  Popular.list = 0;
  Popular.len = 0;
  Popular.minPos = -1;
}
