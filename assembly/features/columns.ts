// The batch columns the host writes events into: one module-owned buffer per
// column, sized once for the largest batch (reserveColumns), and the decoded
// current event the extractor and the updater read. Ids are 64-bit hashes
// written by the host as (lo, hi) u32 pairs, i.e. little-endian u64; 0 means
// absent. Column numbers and element sizes are part of the ABI (docs/ABI.md).

export const COL_TYPE: i32 = 0; // i32 event type (EV_*)
export const COL_TS: i32 = 1; // f64 epoch ms
export const COL_USER: i32 = 2; // u64 hash
export const COL_DEVICE: i32 = 3; // u64 hash
export const COL_IP: i32 = 4; // u64 hash of the IP's text
export const COL_COUNTRY: i32 = 5; // u64 hash: the event's country field
export const COL_BILLING: i32 = 6; // u64 hash: billingCountry
export const COL_PAYMENT: i32 = 7; // u64 hash: paymentMethod
export const COL_AMOUNT: i32 = 8; // f64, NaN if absent
export const COL_IP_NUM: i32 = 9; // f64: IPv4 as an integer 0..2^32-1, NaN if absent
export const COL_SOURCE: i32 = 10; // i32 code, 0 = absent
export const COL_BROWSER: i32 = 11; // i32 code, 0 = absent
export const COL_SEX: i32 = 12; // i32 code, 0 = absent
export const COL_AGE: i32 = 13; // f64, NaN if absent
export const NUM_COLUMNS: i32 = 14;

export const EV_SIGNUP: i32 = 0;
export const EV_PURCHASE: i32 = 1;
export const EV_VIEW: i32 = 2;
export const EV_CART: i32 = 3;
export const EV_SALE: i32 = 4;
export const EV_STOCK: i32 = 5;
export const EV_LABEL: i32 = 6;
export const NUM_EVENT_TYPES: i32 = 7;

const columns = new StaticArray<usize>(NUM_COLUMNS);
let capacity: i32 = 0;

/** Bytes per element of column c. */
// @ts-ignore: decorator
@inline export function columnWidth(c: i32): usize {
  return c == COL_TYPE || c == COL_SOURCE || c == COL_BROWSER || c == COL_SEX ? 4 : 8;
}

/** Makes room for `events` events per batch; keeps the buffers if they are big enough. */
export function reserveColumns(events: i32): bool {
  if (events <= capacity) return true;
  if (<u64>events * 8 > 0x10000000) return false;
  for (let c = 0; c < NUM_COLUMNS; c++) {
    const old = unchecked(columns[c]);
    if (old != 0) heap.free(old);
    unchecked((columns[c] = heap.alloc(<usize>events * columnWidth(c))));
  }
  capacity = events;
  return true;
}

/** Events a batch may hold. */
export function columnCapacity(): i32 {
  return capacity;
}

/** Where column c starts (0 before reserveColumns). */
export function columnPtr(c: i32): usize {
  return capacity == 0 ? 0 : unchecked(columns[c]);
}

/** The event being processed, decoded from the columns. */
export class Ev {
  static type: i32 = 0;
  static ts: f64 = 0;
  static user: u64 = 0;
  static device: u64 = 0;
  static ip: u64 = 0;
  static country: u64 = 0;
  static billing: u64 = 0;
  static payment: u64 = 0;
  static amount: f64 = NaN;
  static ipNum: f64 = NaN;
  static source: i32 = 0;
  static browser: i32 = 0;
  static sex: i32 = 0;
  static age: f64 = NaN;
  /** Country of the IP by the ranges table (its name's hash), 0 if unknown. */
  static ipCountry: u64 = 0;
  /** The IP's country, else the event's country field, 0 if neither. */
  static geo: u64 = 0;
}

/** Decodes event i into Ev. Called once per event. */
export function decode(i: i32): void {
  const i4 = <usize>i << 2;
  const i8 = <usize>i << 3;
  Ev.type = load<i32>(unchecked(columns[COL_TYPE]) + i4);
  Ev.ts = load<f64>(unchecked(columns[COL_TS]) + i8);
  Ev.user = load<u64>(unchecked(columns[COL_USER]) + i8);
  Ev.device = load<u64>(unchecked(columns[COL_DEVICE]) + i8);
  Ev.ip = load<u64>(unchecked(columns[COL_IP]) + i8);
  Ev.country = load<u64>(unchecked(columns[COL_COUNTRY]) + i8);
  Ev.billing = load<u64>(unchecked(columns[COL_BILLING]) + i8);
  Ev.payment = load<u64>(unchecked(columns[COL_PAYMENT]) + i8);
  Ev.amount = load<f64>(unchecked(columns[COL_AMOUNT]) + i8);
  Ev.ipNum = load<f64>(unchecked(columns[COL_IP_NUM]) + i8);
  Ev.source = load<i32>(unchecked(columns[COL_SOURCE]) + i4);
  Ev.browser = load<i32>(unchecked(columns[COL_BROWSER]) + i4);
  Ev.sex = load<i32>(unchecked(columns[COL_SEX]) + i4);
  Ev.age = load<f64>(unchecked(columns[COL_AGE]) + i8);
}
