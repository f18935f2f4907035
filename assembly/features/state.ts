// All per-entity state of the fraud features: one table per entity kind and
// tier (profiles, windows, pairs). Created empty; a table allocates on its
// first insert.

import { Table } from "./hashtable";
import { PairTable } from "./pairs";
import { PROFILE_BYTES, USER_BYTES, WINDOW_BYTES, USER_WINDOW_BYTES } from "./entity";

export const users = new Table(USER_BYTES, false);
export const devices = new Table(PROFILE_BYTES, false);
export const ips = new Table(PROFILE_BYTES, false);

export const userWindows = new Table(USER_WINDOW_BYTES, true);
export const deviceWindows = new Table(WINDOW_BYTES, true);
export const ipWindows = new Table(WINDOW_BYTES, true);
export const countryWindows = new Table(WINDOW_BYTES, true);

export const userDevices = new PairTable();
export const userIps = new PairTable();
export const userCountries = new PairTable();
export const userPayments = new PairTable();
export const deviceIps = new PairTable();

const NUM_TABLES = 12;
const NUM_RECORD_TABLES = 7; // the Tables above; then the 5 PairTables

/** Table k, 0 <= k < 7, in the order above. */
function tableAt(k: i32): Table {
  switch (k) {
    case 0: return users;
    case 1: return devices;
    case 2: return ips;
    case 3: return userWindows;
    case 4: return deviceWindows;
    case 5: return ipWindows;
    default: return countryWindows;
  }
}

/** Pair table k, 7 <= k < 12, in the order above. */
function pairsAt(k: i32): PairTable {
  switch (k) {
    case 7: return userDevices;
    case 8: return userIps;
    case 9: return userCountries;
    case 10: return userPayments;
    default: return deviceIps;
  }
}

/** Entries in table k, 0 <= k < 12, in the order above (featuresStat reports them in it). */
export function tableCount(k: i32): u32 {
  return k < NUM_RECORD_TABLES ? tableAt(k).count : pairsAt(k).count;
}

/** Bytes held by table k, 0 <= k < 12. */
export function tableBytes(k: i32): f64 {
  return k < NUM_RECORD_TABLES ? tableAt(k).bytes() : pairsAt(k).bytes();
}

/** Sweeps every table a little. Called once per batch. */
export function sweepAll(slots: u32): void {
  for (let k = 0; k < NUM_RECORD_TABLES; k++) tableAt(k).sweep(slots);
  for (let k = NUM_RECORD_TABLES; k < NUM_TABLES; k++) pairsAt(k).sweep(slots);
}

/** Drops all state. */
export function clearAll(): void {
  for (let k = 0; k < NUM_RECORD_TABLES; k++) tableAt(k).clear();
  for (let k = NUM_RECORD_TABLES; k < NUM_TABLES; k++) pairsAt(k).clear();
}

/** Bytes held by all tables. */
export function stateBytes(): f64 {
  let b: f64 = 0;
  for (let k = 0; k < NUM_TABLES; k++) b += tableBytes(k);
  return b;
}

/** Records evicted from all tables. */
export function evictions(): f64 {
  let n: f64 = 0;
  for (let k = 0; k < NUM_RECORD_TABLES; k++) n += tableAt(k).evictions;
  for (let k = NUM_RECORD_TABLES; k < NUM_TABLES; k++) n += pairsAt(k).evictions;
  return n;
}

export { NUM_TABLES };
