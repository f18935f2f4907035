// Bucketed event-time windows inside a window record (layout in entity.ts).
// A ring of `len` buckets holds the newest bucket seen (the head) and the
// len - 1 before it; a bucket counts purchases and other events (u16,
// saturating at 65535) and sums purchase amounts (f64, in arrival order).
// The 1h window is the 12 five-minute buckets up to the event's, the 24h
// window the 24 hourly buckets up to the event's; each ring keeps one bucket
// more so that an event up to the allowed lateness (5 minutes at most)
// behind the newest still finds its whole window. A query sums the buckets
// from its start to the head: everything that arrived before it; one pass
// (ringSums) answers all of a row's queries on a ring.

export const RING_5M: i32 = 13;
export const RING_1H: i32 = 25;

// @ts-ignore: decorator
@inline function slotOf(b: i32, len: i32): usize {
  const r = b % len;
  return <usize>(r < 0 ? r + len : r);
}

// A ring's slots are zero unless their bit in the ring's mask is set, so a
// head that moves on clears only the slots that hold something, and a query
// reads only those: an entity seen in two buckets of its 24 hours touches two
// slots of each array, not 24. Skipping empty buckets leaves every sum as it
// was, bit for bit (they add +0, and no bucket holds -0: it starts at +0 and
// amounts are not negative).

// @ts-ignore: decorator
@inline function clearSlot(rec: usize, amountAt: usize, purchasesAt: usize, othersAt: usize, s: usize, amounts: bool): void {
  if (amounts) store<f64>(rec + amountAt + (s << 3), 0);
  store<u16>(rec + purchasesAt + (s << 1), 0);
  store<u16>(rec + othersAt + (s << 1), 0);
}

/** Counts an event into bucket b of a ring (its amount too if the ring has `amounts`). Called per event per ring. */
export function ringAdd(rec: usize, headAt: usize, maskAt: usize, amountAt: usize, purchasesAt: usize, othersAt: usize, len: i32, b: i32, purchase: bool, amount: f64, amounts: bool): void {
  const head = load<i32>(rec + headAt);
  let mask = load<u32>(rec + maskAt);
  if (b > head) {
    if (<i64>b - <i64>head >= <i64>len) {
      // Every bucket leaves the ring.
      while (mask != 0) {
        clearSlot(rec, amountAt, purchasesAt, othersAt, <usize>ctz(mask), amounts);
        mask &= mask - 1;
      }
    } else {
      // Buckets head+1..b take the slots of the oldest ones.
      let s = slotOf(head + 1, len);
      for (let k = head + 1; k <= b; k++) {
        if (mask & (<u32>1 << <u32>s)) {
          clearSlot(rec, amountAt, purchasesAt, othersAt, s, amounts);
          mask &= ~(<u32>1 << <u32>s);
        }
        if (++s == <usize>len) s = 0;
      }
    }
    store<i32>(rec + headAt, b);
  } else if (<i64>head - <i64>b >= <i64>len) {
    return; // older than the ring holds (cannot happen within the lateness)
  }
  const s = slotOf(b, len);
  store<u32>(rec + maskAt, mask | (<u32>1 << <u32>s));
  const c = rec + (purchase ? purchasesAt : othersAt) + (s << 1);
  const n = load<u16>(c);
  if (n != 0xffff) store<u16>(c, n + 1);
  if (amounts && purchase && amount == amount) {
    const a = rec + amountAt + (s << 3);
    store<f64>(a, load<f64>(a) + amount);
  }
}

// The sums of one pass over a ring (ringSums): purchases, other events and
// amounts from two starts, the window's (`from`) and a later one (`near`).
export class RingSums {
  static purchases: f64 = 0;
  static others: f64 = 0;
  static amount: f64 = 0;
  static nearPurchases: f64 = 0;
  static nearOthers: f64 = 0;
  static nearAmount: f64 = 0;
}

/**
 * Sums a ring's purchases, other events and (if `amounts`) amounts over
 * buckets from..head and, in the same pass, over near..head (near >= from),
 * into RingSums, reading only the buckets that hold something; an amount sum
 * adds its buckets oldest first from 0, as a query of its own would. Without
 * `amounts` the amounts are not read and are 0. Called per feature row per
 * ring.
 */
// @ts-ignore: decorator
@inline export function ringSums(rec: usize, headAt: usize, maskAt: usize, amountAt: usize, purchasesAt: usize, othersAt: usize, len: i32, from: i32, near: i32, amounts: bool): void {
  let p: i32 = 0, o: i32 = 0, np: i32 = 0, no: i32 = 0;
  let a: f64 = 0, na: f64 = 0;
  const head = load<i32>(rec + headAt);
  if (head != i32.MIN_VALUE) {
    const b = max<i32>(from, head - len + 1);
    if (b <= head) {
      // The mask turned so that bit k is bucket b + k, cut to the buckets b..head.
      const s0 = <u32>slotOf(b, len);
      const count = <u32>(head - b + 1); // 1..len (< 32)
      const m = load<u32>(rec + maskAt);
      let bits = ((m >> s0) | (m << (<u32>len - s0))) & ((<u32>1 << count) - 1);
      const nearK = near - b;
      while (bits != 0) {
        const k = <i32>ctz(bits);
        bits &= bits - 1;
        let s = <usize>(<i32>s0 + k);
        if (s >= <usize>len) s -= <usize>len;
        const cp = <i32>load<u16>(rec + purchasesAt + (s << 1));
        const co = <i32>load<u16>(rec + othersAt + (s << 1));
        const ca = amounts ? load<f64>(rec + amountAt + (s << 3)) : 0;
        p += cp;
        o += co;
        a += ca;
        if (k >= nearK) {
          np += cp;
          no += co;
          na += ca;
        }
      }
    }
  }
  RingSums.purchases = <f64>p;
  RingSums.others = <f64>o;
  RingSums.amount = a;
  RingSums.nearPurchases = <f64>np;
  RingSums.nearOthers = <f64>no;
  RingSums.nearAmount = na;
}
