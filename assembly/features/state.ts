// All per-entity state of the fraud features: one table per entity kind and
// tier (profiles, windows, pairs). Created empty; a table allocates on its
// first insert.

import { Table } from "./hashtable";
import { PROFILE_BYTES, USER_BYTES, PAIR_BYTES, WINDOW_BYTES, USER_WINDOW_BYTES } from "./entity";

export const users = new Table(USER_BYTES, false);
export const devices = new Table(PROFILE_BYTES, false);
export const ips = new Table(PROFILE_BYTES, false);

export const userWindows = new Table(USER_WINDOW_BYTES, true);
export const deviceWindows = new Table(WINDOW_BYTES, true);
export const ipWindows = new Table(WINDOW_BYTES, true);
export const countryWindows = new Table(WINDOW_BYTES, true);

export const userDevices = new Table(PAIR_BYTES, false);
export const userIps = new Table(PAIR_BYTES, false);
export const userCountries = new Table(PAIR_BYTES, false);
export const userPayments = new Table(PAIR_BYTES, false);
export const deviceIps = new Table(PAIR_BYTES, false);

const NUM_TABLES = 12;

/** Table k, 0 <= k < 12, in the order above (featuresStat reports them in it). */
export function tableAt(k: i32): Table {
  switch (k) {
    case 0: return users;
    case 1: return devices;
    case 2: return ips;
    case 3: return userWindows;
    case 4: return deviceWindows;
    case 5: return ipWindows;
    case 6: return countryWindows;
    case 7: return userDevices;
    case 8: return userIps;
    case 9: return userCountries;
    case 10: return userPayments;
    default: return deviceIps;
  }
}

/** Sweeps every table a little. Called once per batch. */
export function sweepAll(slots: u32): void {
  for (let k = 0; k < NUM_TABLES; k++) tableAt(k).sweep(slots);
}

/** Drops all state. */
export function clearAll(): void {
  for (let k = 0; k < NUM_TABLES; k++) tableAt(k).clear();
}

/** Bytes held by all tables. */
export function stateBytes(): f64 {
  let b: f64 = 0;
  for (let k = 0; k < NUM_TABLES; k++) b += tableAt(k).bytes();
  return b;
}

/** Records evicted from all tables. */
export function evictions(): f64 {
  let n: f64 = 0;
  for (let k = 0; k < NUM_TABLES; k++) n += tableAt(k).evictions;
  return n;
}

export { NUM_TABLES };
