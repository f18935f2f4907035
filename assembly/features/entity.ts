// Record layouts. Every record starts with lastSeen (f64), which the hash
// table reads to expire it. Byte counts are per record; the index adds 16
// bytes per slot at a load of 3/16 to 1/2 (docs/FEATURES.md, "Memory").

import { SET_BYTES } from "./sketch";

// Profile of a device or an IP (40 bytes); a user's profile extends it.
export const P_LAST_SEEN: usize = 0; // f64
export const P_FIRST_SEEN: usize = 8; // f64
export const P_LAST_PURCHASE: usize = 16; // f64, NaN if none
export const P_PURCHASES: usize = 24; // u32
export const P_OTHERS: usize = 28; // u32: signups, views, carts
export const P_DISTINCT_A: usize = 32; // u32: users (device, ip) or devices (user)
export const P_DISTINCT_B: usize = 36; // u32: ips (device, user) or devices (ip)
export const PROFILE_BYTES: usize = 40;

// User profile (112 bytes).
export const U_DISTINCT_COUNTRIES: usize = 40; // u32
export const U_DISTINCT_PAYMENTS: usize = 44; // u32
export const U_AMOUNT_N: usize = 48; // u32: purchases with an amount
export const U_SIGNUP_DEVICE: usize = 52; // u32 fingerprint, 0 if none
export const U_SIGNUP_IP: usize = 56; // u32 fingerprint, 0 if none
export const U_SIGNUP_SEX: usize = 60; // u8 code
export const U_SIGNUP_SOURCE: usize = 61; // u8 code
export const U_SIGNUP_BROWSER: usize = 62; // u8 code
export const U_AMOUNT_MEAN: usize = 64; // f64 (Welford)
export const U_AMOUNT_M2: usize = 72; // f64 (Welford)
export const U_AMOUNT_MIN: usize = 80; // f64
export const U_AMOUNT_MAX: usize = 88; // f64
export const U_SIGNUP_TS: usize = 96; // f64, NaN if none
export const U_SIGNUP_AGE: usize = 104; // f64, NaN if none
export const USER_BYTES: usize = 112;

// Pair of entities, e.g. user-device (24 bytes, kept in its table's slot: pairs.ts).
export const PAIR_LAST_SEEN: usize = 0; // f64
export const PAIR_FIRST_SEEN: usize = 8; // f64
export const PAIR_PURCHASES: usize = 16; // u32
export const PAIR_BYTES: usize = 24;

// Window record of a device, IP or country (504 bytes): a ring of 13
// five-minute buckets and a ring of 25 hourly buckets (window.ts), each with
// a mask of the buckets that hold an event, and two distinct sets
// (sketch.ts). A user's (608 bytes) has the five-minute amounts too, at the
// end: only users' rows sum amounts over the 5-minute ring.
export const W_LAST_SEEN: usize = 0; // f64
export const W_HEAD_5M: usize = 8; // i32: newest 5-minute bucket held
export const W_HEAD_1H: usize = 12; // i32: newest hourly bucket held
export const W_MASK_5M: usize = 16; // u32: bit s set if slot s of the 5-minute ring holds an event
export const W_MASK_1H: usize = 20; // u32: the same for the hourly ring
export const W_AMOUNT_1H: usize = 24; // f64[25]
export const W_PURCHASES_5M: usize = 224; // u16[13]
export const W_OTHERS_5M: usize = 250; // u16[13]
export const W_PURCHASES_1H: usize = 276; // u16[25]
export const W_OTHERS_1H: usize = 326; // u16[25]
export const W_SET_A: usize = 376; // users (device, ip) or devices (user)
export const W_SET_B: usize = W_SET_A + SET_BYTES; // ips (user, device) or devices (ip)
export const WINDOW_BYTES: usize = W_SET_B + SET_BYTES;
export const W_AMOUNT_5M: usize = WINDOW_BYTES; // f64[13], users only
export const USER_WINDOW_BYTES: usize = W_AMOUNT_5M + 13 * 8;

/** Initialises a new profile record (lastSeen is already set). */
export function initProfile(r: usize, ts: f64): void {
  store<f64>(r + P_FIRST_SEEN, ts);
  store<f64>(r + P_LAST_PURCHASE, NaN);
}

/** Initialises a new user profile record. */
export function initUser(r: usize, ts: f64): void {
  initProfile(r, ts);
  store<f64>(r + U_AMOUNT_MIN, NaN);
  store<f64>(r + U_AMOUNT_MAX, NaN);
  store<f64>(r + U_SIGNUP_TS, NaN);
  store<f64>(r + U_SIGNUP_AGE, NaN);
}

/** Initialises a new pair record. */
export function initPair(r: usize, ts: f64): void {
  store<f64>(r + PAIR_FIRST_SEEN, ts);
}

/** Initialises a new window record: both rings empty. */
export function initWindow(r: usize): void {
  store<i32>(r + W_HEAD_5M, i32.MIN_VALUE);
  store<i32>(r + W_HEAD_1H, i32.MIN_VALUE);
}

/** Counts one event into a profile: purchases and their latest time, or other events. */
export function touchProfile(r: usize, ts: f64, purchase: bool): void {
  if (ts < load<f64>(r + P_FIRST_SEEN)) store<f64>(r + P_FIRST_SEEN, ts);
  if (purchase) {
    store<u32>(r + P_PURCHASES, load<u32>(r + P_PURCHASES) + 1);
    const last = load<f64>(r + P_LAST_PURCHASE);
    if (!(ts <= last)) store<f64>(r + P_LAST_PURCHASE, ts); // also when last is NaN
  } else {
    store<u32>(r + P_OTHERS, load<u32>(r + P_OTHERS) + 1);
  }
}

/** Adds one to a u32 counter in a record. */
// @ts-ignore: decorator
@inline export function bump(p: usize): void {
  store<u32>(p, load<u32>(p) + 1);
}

/** Mixes two 64-bit ids into the key of their pair (murmur3's fmix64). */
// @ts-ignore: decorator
@inline export function pairKey(a: u64, b: u64): u64 {
  let k = a ^ (b * 0x9e3779b97f4a7c15);
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccd;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53;
  k ^= k >> 33;
  return k == 0 ? 1 : k;
}
