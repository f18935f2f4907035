// The fraud-feature exports (docs/ABI.md, "Fraud features"). The host writes a
// batch of events as columns into the module's buffers (featuresColumn) and
// calls featuresRun once per batch, which updates the per-entity state and
// writes one row of NUM_FEATURES f64 per purchase, point-in-time, wherever the
// caller says: featuresOutPtr(), or the scorer's inputPtr() to score in place.

import { OK, E_NO_MEMORY, E_BAD_ARGUMENT, E_NO_BATCH, E_FEATURES_BAD_TYPE, E_FEATURES_BAD_TIMESTAMP, E_FEATURES_BAD_AMOUNT, E_FEATURES_BAD_CODE, E_FEATURES_BAD_OUTPUT } from "../status";
import { Clock, MAX_LATENESS_MS } from "./clock";
import { tsInRange } from "../limits";
import {
  Ev, decode, reserveColumns, columnPtr, columnCapacity, NUM_COLUMNS, NUM_EVENT_TYPES, EV_PURCHASE,
  COL_TYPE, COL_TS, COL_AMOUNT, COL_SOURCE, COL_BROWSER, COL_SEX, COL_USER, COL_DEVICE, COL_IP, COL_PAYMENT, COL_COUNTRY, COL_IP_NUM,
} from "./columns";
import { reserveRanges, loadRanges, rangeOf, rangeCountry, rangeCount } from "./ipcountry";
import { writeRow } from "./extract";
import { applyEvent } from "./update";
import { clearAll, sweepAll, stateBytes, evictions, tableCount, tableBytes, NUM_TABLES, users, devices, ips, userWindows, deviceWindows, ipWindows, userDevices, userIps, userCountries, userPayments, deviceIps } from "./state";
import { pairKey } from "./entity";
import { NUM_FEATURES, NAMES_HASH } from "./names";

const ROW_BYTES: usize = <usize>NUM_FEATURES << 3;

let out: usize = 0; // the default output buffer, capacity rows
let statuses: usize = 0; // i32 per event of the last batch: OK, or why it was skipped
let badEvent: i32 = -1;
let rejected: i32 = 0;

let touched: f64 = 0; // what touchGroup read, kept so the loads stay

// featuresRun touches the state of events in groups of GROUP: the index
// slots of the group two ahead, and the records of the group one ahead (their
// slots are in cache by then), so that the misses of a whole group are in
// flight at once, not only the few of one event (bench/results/2026-11-25-to-12-07-benchmarks-log.md, "Fraud
// features": 14% on the benchmark's warm stream over touching one event four
// ahead, the pairs and the IP country included).
const GROUP: i32 = 8;

// The slots stage also looks up each event's IP country, which the event
// then takes from this ring: a power of two that holds at least 3 groups (the
// stage runs two groups ahead of the event being processed).
const RING: i32 = 4 * GROUP;
const ipCountryAhead = new StaticArray<u64>(RING);

// Touches, for events from..to-1, the home index slots (`slots`) or the
// slots and records' first lines of the user's, device's and IP's profile
// and window tables. The slots stage also touches the five pairs' slots,
// which hold their records (pairs.ts), and looks up the IP's country (the
// user-country pair's key needs it) into ipCountryAhead.
function touchGroup(from: i32, to: i32, slots: bool): void {
  const users_ = columnPtr(COL_USER);
  const devices_ = columnPtr(COL_DEVICE);
  const ips_ = columnPtr(COL_IP);
  const ipNums_ = columnPtr(COL_IP_NUM);
  const countries_ = columnPtr(COL_COUNTRY);
  const payments_ = columnPtr(COL_PAYMENT);
  let t: f64 = 0;
  for (let j = from; j < to; j++) {
    const j8 = <usize>j << 3;
    const user = load<u64>(users_ + j8);
    const device = load<u64>(devices_ + j8);
    const ip = load<u64>(ips_ + j8);
    if (!slots) {
      t += users.touch(user) + userWindows.touch(user) + devices.touch(device) + deviceWindows.touch(device) + ips.touch(ip) + ipWindows.touch(ip);
      continue;
    }
    const k = rangeOf(load<f64>(ipNums_ + j8));
    const ipCountry: u64 = k >= 0 ? rangeCountry(k) : 0;
    unchecked((ipCountryAhead[j & (RING - 1)] = ipCountry));
    const geo = ipCountry != 0 ? ipCountry : load<u64>(countries_ + j8);
    const pay = load<u64>(payments_ + j8);
    t += users.touchSlot(user) + userWindows.touchSlot(user) + devices.touchSlot(device) + deviceWindows.touchSlot(device) + ips.touchSlot(ip) + ipWindows.touchSlot(ip);
    if (user != 0) {
      if (device != 0) t += userDevices.touch(pairKey(user, device));
      if (ip != 0) t += userIps.touch(pairKey(user, ip));
      if (geo != 0) t += userCountries.touch(pairKey(user, geo));
      if (pay != 0) t += userPayments.touch(pairKey(user, pay));
    }
    if (device != 0 && ip != 0) t += deviceIps.touch(pairKey(device, ip));
  }
  touched += t;
}

/** Feature row width: the f64 values written per purchase. Called once at start-up. */
export function featuresCount(): i32 {
  return NUM_FEATURES;
}

/** FNV-1a hash of the feature names joined by "\n", checked by the host against its list at start-up. */
export function featuresNamesHash(): u32 {
  return NAMES_HASH;
}

/** Batch columns (docs/ABI.md). Called once at start-up to lay out the column writers. */
export function featuresNumColumns(): i32 {
  return NUM_COLUMNS;
}

/** Sets the allowed lateness (0..300000 ms) and the profile horizon (ms) and clears all state. Called once at start-up. */
export function featuresConfigure(latenessMs: f64, profileTtlMs: f64): i32 {
  if (!(latenessMs >= 0 && latenessMs <= MAX_LATENESS_MS) || !(profileTtlMs > 0 && profileTtlMs < Infinity)) return E_BAD_ARGUMENT;
  Clock.latenessMs = latenessMs;
  Clock.profileTtlMs = profileTtlMs;
  featuresReset();
  return OK;
}

/** Drops all per-entity state and counters (not the IP table or the buffers). Called by tests and replays. */
export function featuresReset(): void {
  clearAll();
  Clock.watermark = -Infinity;
  Clock.events = 0;
  Clock.late = 0;
  Clock.rows = 0;
  badEvent = -1;
  rejected = 0;
}

/** Makes room for batches of up to `events` events (columns and the default output). Called when a batch is larger than any before. */
export function featuresReserve(events: i32): i32 {
  if (events < 0) return E_BAD_ARGUMENT;
  if (events <= columnCapacity()) return OK;
  if (<u64>events * <u64>ROW_BYTES > 0x40000000 || !reserveColumns(events)) return E_NO_MEMORY;
  if (out != 0) heap.free(out);
  out = heap.alloc(<usize>events * ROW_BYTES);
  if (statuses != 0) heap.free(statuses);
  statuses = heap.alloc(<usize>events << 2);
  return OK;
}

/** Where column c of the batch starts. Re-read after featuresReserve. */
export function featuresColumn(c: i32): usize {
  return c < 0 || c >= NUM_COLUMNS ? 0 : columnPtr(c);
}

/** The default output buffer (room for one row per reserved event). Re-read after featuresReserve. */
export function featuresOutPtr(): usize {
  return out;
}

/**
 * Processes events 0..n-1 of the columns in order, each judged alone: an
 * event that fails its checks (featuresStatusPtr() holds each event's status)
 * is skipped, with no row and no change to the state, and the others go on.
 * Each valid purchase's row is written at `rowsAt` (row-major,
 * featuresCount() f64 per row, in event order) before the purchase updates
 * the state. Returns the rows written (= the valid purchases), or a negative
 * status for a bad call (nothing changed). Lateness is measured from the
 * watermark, the newest event so far, which is also what idle state expires
 * by: a host that reads several streams (Kafka partitions) hands their
 * events over merged in event-time order (docs/STATE.md). Called by the host
 * once per batch.
 */
export function featuresRun(n: i32, rowsAt: usize): i32 {
  if (n < 0) return E_BAD_ARGUMENT;
  if (n > columnCapacity()) return E_NO_BATCH;
  const purchases = validate(n);
  if (purchases > 0 && (rowsAt == 0 || <u64>rowsAt + <u64>purchases * <u64>ROW_BYTES > (<u64>memory.size() << 16))) return E_FEATURES_BAD_OUTPUT;
  let row = rowsAt;
  touchGroup(0, min(2 * GROUP, n), true);
  touchGroup(0, min(GROUP, n), false);
  for (let i = 0; i < n; i++) {
    if (i % GROUP == 0) {
      touchGroup(min(i + 2 * GROUP, n), min(i + 3 * GROUP, n), true);
      touchGroup(min(i + GROUP, n), min(i + 2 * GROUP, n), false);
    }
    if (rejected != 0 && load<i32>(statuses + (<usize>i << 2)) != OK) continue;
    decode(i);
    const ts = Ev.ts;
    const late = ts < Clock.watermark - Clock.latenessMs;
    if (late) Clock.late++;
    else if (ts > Clock.watermark) Clock.watermark = ts;
    Ev.ipCountry = unchecked(ipCountryAhead[i & (RING - 1)]);
    Ev.geo = Ev.ipCountry != 0 ? Ev.ipCountry : Ev.country;
    if (Ev.type == EV_PURCHASE) {
      writeRow(row);
      row += ROW_BYTES;
    }
    if (!late) applyEvent();
  }
  Clock.events += n - rejected;
  Clock.rows += purchases;
  sweepAll(<u32>(n << 1) + 8);
  return purchases;
}

// Judges each event of the batch before anything changes: writes its status
// (OK or why it is skipped) and returns the valid purchases.
function validate(n: i32): i32 {
  const types = columnPtr(COL_TYPE);
  const times = columnPtr(COL_TS);
  const amounts = columnPtr(COL_AMOUNT);
  const sources = columnPtr(COL_SOURCE);
  const browsers = columnPtr(COL_BROWSER);
  const sexes = columnPtr(COL_SEX);
  let purchases = 0;
  badEvent = -1;
  rejected = 0;
  for (let i = 0; i < n; i++) {
    const i4 = <usize>i << 2;
    const i8 = <usize>i << 3;
    const type = load<i32>(types + i4);
    let status = OK;
    if (<u32>type >= <u32>NUM_EVENT_TYPES) status = E_FEATURES_BAD_TYPE;
    else if (!tsInRange(load<f64>(times + i8))) status = E_FEATURES_BAD_TIMESTAMP;
    else if (load<f64>(amounts + i8) < 0) status = E_FEATURES_BAD_AMOUNT;
    else if ((<u32>load<i32>(sources + i4) | <u32>load<i32>(browsers + i4) | <u32>load<i32>(sexes + i4)) > 255) status = E_FEATURES_BAD_CODE;
    store<i32>(statuses + i4, status);
    if (status != OK) {
      if (badEvent < 0) badEvent = i;
      rejected++;
    } else if (type == EV_PURCHASE) purchases++;
  }
  return purchases;
}

/** Index in the last batch of the first event featuresRun skipped, or -1. Called after a run with featuresRejected() > 0. */
export function featuresBadEvent(): i32 {
  return badEvent;
}

/** Events the last featuresRun skipped (their statuses are at featuresStatusPtr()). Called by the host after each run. */
export function featuresRejected(): i32 {
  return rejected;
}

/** Each event's status in the last batch, i32 per event (OK or why it was skipped). Re-read after featuresReserve. */
export function featuresStatusPtr(): usize {
  return statuses;
}

/**
 * A counter: 0 events, 1 late events, 2 rows written, 3 watermark (ms),
 * 4 state bytes, 5 records evicted, 6 IP ranges; 100 + t live records and
 * 200 + t bytes of table t (0 users, 1 devices, 2 ips, 3-6 user/device/ip/
 * country windows, 7-11 user-device/user-ip/user-country/user-payment/
 * device-ip pairs). NaN for an unknown k. Called by metrics and tests.
 */
export function featuresStat(k: i32): f64 {
  switch (k) {
    case 0: return Clock.events;
    case 1: return Clock.late;
    case 2: return Clock.rows;
    case 3: return Clock.watermark;
    case 4: return stateBytes();
    case 5: return evictions();
    case 6: return <f64>rangeCount();
  }
  if (k >= 100 && k < 100 + NUM_TABLES) return <f64>tableCount(k - 100);
  if (k >= 200 && k < 200 + NUM_TABLES) return tableBytes(k - 200);
  return NaN;
}

/** Room for n IP ranges (16 bytes each: lo u32, hi u32, country hash u64), 0 if n is too large. Called once per table load. */
export function ipRangesReserve(n: i32): usize {
  return reserveRanges(n);
}

/** Validates the n ranges written (sorted, disjoint) and installs them; a status. Called once per table load. */
export function ipRangesLoad(n: i32): i32 {
  return loadRanges(n);
}

/** Index of the range holding an IPv4 address (integer as f64), or -1. Called by tests and the host's lookups. */
export function ipRangeOf(ip: f64): i32 {
  return rangeOf(ip);
}
