// Bucketed event-time windows inside a window record (layout in entity.ts).
// A ring of `len` buckets holds the newest bucket seen (the head) and the
// len - 1 before it; a bucket counts purchases and other events (u16,
// saturating at 65535) and sums purchase amounts (f64, in arrival order).
// The 1h window is the 12 five-minute buckets up to the event's, the 24h
// window the 24 hourly buckets up to the event's; each ring keeps one bucket
// more so that an event up to the allowed lateness (5 minutes at most)
// behind the newest still finds its whole window. A query sums the buckets
// from its start to the head: everything that arrived before it.

export const RING_5M: i32 = 13;
export const RING_1H: i32 = 25;

// @ts-ignore: decorator
@inline function slotOf(b: i32, len: i32): usize {
  const r = b % len;
  return <usize>(r < 0 ? r + len : r);
}

/** Counts an event into bucket b of a ring. Called per event per ring. */
export function ringAdd(rec: usize, headAt: usize, amountAt: usize, purchasesAt: usize, othersAt: usize, len: i32, b: i32, purchase: bool, amount: f64): void {
  const head = load<i32>(rec + headAt);
  if (b > head) {
    if (<i64>b - <i64>head >= <i64>len) {
      memory.fill(rec + amountAt, 0, <usize>len << 3);
      memory.fill(rec + purchasesAt, 0, <usize>len << 1);
      memory.fill(rec + othersAt, 0, <usize>len << 1);
    } else {
      for (let k = head + 1; k <= b; k++) {
        const s = slotOf(k, len);
        store<f64>(rec + amountAt + (s << 3), 0);
        store<u16>(rec + purchasesAt + (s << 1), 0);
        store<u16>(rec + othersAt + (s << 1), 0);
      }
    }
    store<i32>(rec + headAt, b);
  } else if (<i64>head - <i64>b >= <i64>len) {
    return; // older than the ring holds (cannot happen within the lateness)
  }
  const s = slotOf(b, len);
  const c = rec + (purchase ? purchasesAt : othersAt) + (s << 1);
  const n = load<u16>(c);
  if (n != 0xffff) store<u16>(c, n + 1);
  if (purchase && amount == amount) {
    const a = rec + amountAt + (s << 3);
    store<f64>(a, load<f64>(a) + amount);
  }
}

/** Sum of a u16 count over buckets from..head. Called per feature. */
export function ringCount(rec: usize, headAt: usize, countAt: usize, len: i32, from: i32): f64 {
  const head = load<i32>(rec + headAt);
  if (head == i32.MIN_VALUE) return 0;
  let b = max<i32>(from, head - len + 1);
  let n: i32 = 0;
  for (; b <= head; b++) n += <i32>load<u16>(rec + countAt + (slotOf(b, len) << 1));
  return <f64>n;
}

/** Sum of the amounts over buckets from..head, oldest first. Called per feature. */
export function ringAmount(rec: usize, headAt: usize, amountAt: usize, len: i32, from: i32): f64 {
  const head = load<i32>(rec + headAt);
  if (head == i32.MIN_VALUE) return 0;
  let b = max<i32>(from, head - len + 1);
  let sum: f64 = 0;
  for (; b <= head; b++) sum += load<f64>(rec + amountAt + (slotOf(b, len) << 3));
  return sum;
}
