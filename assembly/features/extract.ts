// Writes the feature row of the current purchase from the state as it is,
// before the purchase itself is counted: point-in-time by construction. The
// definitions are in host/fraud/catalog.ts (and docs/FEATURES.md); the
// readable twin of this file is host/fraud/reference.ts.

import { Ev } from "./columns";
import { Clock, bucket5, bucketHour, since, hourOfDay, dayOfWeek } from "./clock";
import { fingerprint, setCountSince } from "./sketch";
import { ringSums, RingSums, RING_5M, RING_1H } from "./window";
import {
  P_FIRST_SEEN, P_LAST_PURCHASE, P_PURCHASES, P_OTHERS, P_DISTINCT_A, P_DISTINCT_B, P_LAST_SEEN,
  U_DISTINCT_COUNTRIES, U_DISTINCT_PAYMENTS, U_AMOUNT_N, U_SIGNUP_DEVICE, U_SIGNUP_IP, U_SIGNUP_SEX,
  U_SIGNUP_SOURCE, U_SIGNUP_BROWSER, U_AMOUNT_MEAN, U_AMOUNT_M2, U_AMOUNT_MIN, U_AMOUNT_MAX,
  U_SIGNUP_TS, U_SIGNUP_AGE, PAIR_FIRST_SEEN, PAIR_PURCHASES,
  W_HEAD_5M, W_HEAD_1H, W_MASK_5M, W_MASK_1H, W_AMOUNT_5M, W_AMOUNT_1H, W_PURCHASES_5M, W_OTHERS_5M, W_PURCHASES_1H, W_OTHERS_1H,
  W_SET_A, W_SET_B, pairKey,
} from "./entity";
import {
  users, devices, ips, userWindows, deviceWindows, ipWindows, countryWindows,
  userDevices, userIps, userCountries, userPayments,
} from "./state";
import * as F from "./names";

// @ts-ignore: decorator
@inline function put(row: usize, f: i32, v: f64): void {
  store<f64>(row + (<usize>f << 3), v);
}

// @ts-ignore: decorator
@inline function flag(b: bool): f64 {
  return b ? 1 : 0;
}

// 1 if two present hashes differ, 0 if equal, NaN if either is absent.
// @ts-ignore: decorator
@inline function mismatch(a: u64, b: u64): f64 {
  return a == 0 || b == 0 ? NaN : flag(a != b);
}

// An event code, else the signup's, as a feature (0 = absent = NaN).
// @ts-ignore: decorator
@inline function code(event: i32, user: usize, at: usize): f64 {
  const c = event != 0 ? event : user != 0 ? <i32>load<u8>(user + at) : 0;
  return c == 0 ? NaN : <f64>c;
}

// @ts-ignore: decorator
@inline function u32At(r: usize, at: usize): f64 {
  return r == 0 ? 0 : <f64>load<u32>(r + at);
}

// One pass over a window record's 5-minute ring: the 1h window (the purchase's
// bucket and the 11 before it) and, as the near sums, its own 5-minute bucket.
// Only users' records have 5-minute amounts (entity.ts: a device's, IP's or
// country's record ends before W_AMOUNT_5M), so `amounts` is for users only.
function sums5m(W: usize, q5: i32, amounts: bool): void {
  ringSums(W, W_HEAD_5M, W_MASK_5M, W_AMOUNT_5M, W_PURCHASES_5M, W_OTHERS_5M, RING_5M, q5 - 11, q5, amounts);
}

// One pass over the hourly ring: the 24h window (the purchase's hour and the
// 23 before it). Countries' rows have no amounts.
function sums24h(W: usize, qh: i32, amounts: bool): void {
  ringSums(W, W_HEAD_1H, W_MASK_1H, W_AMOUNT_1H, W_PURCHASES_1H, W_OTHERS_1H, RING_1H, qh - 23, qh - 23, amounts);
}

/** Writes the row of the current event (a purchase) at `row`. Called once per purchase. */
export function writeRow(row: usize): void {
  const ts = Ev.ts;
  const user = Ev.user;
  const device = Ev.device;
  const ip = Ev.ip;
  const q5 = bucket5(ts);
  const qh = bucketHour(ts);
  const U = users.get(user);

  // The event.
  const amount = Ev.amount;
  put(row, F.F_AMOUNT, amount);
  put(row, F.F_HOUR_OF_DAY, hourOfDay(ts));
  put(row, F.F_DAY_OF_WEEK, dayOfWeek(ts));
  put(row, F.F_AGE, Ev.age == Ev.age ? Ev.age : U != 0 ? load<f64>(U + U_SIGNUP_AGE) : NaN);
  put(row, F.F_SEX, code(Ev.sex, U, U_SIGNUP_SEX));
  put(row, F.F_SOURCE, code(Ev.source, U, U_SIGNUP_SOURCE));
  put(row, F.F_BROWSER, code(Ev.browser, U, U_SIGNUP_BROWSER));
  put(row, F.F_IP_MISSING, flag(ip == 0));
  put(row, F.F_IP_COUNTRY_KNOWN, ip == 0 ? NaN : flag(Ev.ipCountry != 0));
  put(row, F.F_IP_BILLING_COUNTRY_MISMATCH, mismatch(Ev.ipCountry, Ev.billing));
  put(row, F.F_IP_DECLARED_COUNTRY_MISMATCH, mismatch(Ev.ipCountry, Ev.country));
  put(row, F.F_BILLING_DECLARED_COUNTRY_MISMATCH, mismatch(Ev.billing, Ev.country));

  writeUser(row, ts, U, q5, qh);
  writeShared(row, F.F_DEVICE_SECONDS_SINCE_FIRST_SEEN, ts, device, devices.get(device), deviceWindows.get(device), q5, qh);
  writeShared(row, F.F_IP_SECONDS_SINCE_FIRST_SEEN, ts, ip, ips.get(ip), ipWindows.get(ip), q5, qh);

  const geo = Ev.geo;
  const C = countryWindows.get(geo);
  if (geo == 0) {
    put(row, F.F_COUNTRY_PURCHASES_1H, NaN);
    put(row, F.F_COUNTRY_PURCHASES_24H, NaN);
    put(row, F.F_COUNTRY_SIGNUPS_24H, NaN);
  } else if (C == 0) {
    put(row, F.F_COUNTRY_PURCHASES_1H, 0);
    put(row, F.F_COUNTRY_PURCHASES_24H, 0);
    put(row, F.F_COUNTRY_SIGNUPS_24H, 0);
  } else {
    sums5m(C, q5, false);
    put(row, F.F_COUNTRY_PURCHASES_1H, RingSums.purchases);
    sums24h(C, qh, false);
    put(row, F.F_COUNTRY_PURCHASES_24H, RingSums.purchases);
    put(row, F.F_COUNTRY_SIGNUPS_24H, RingSums.others);
  }
}

function writeUser(row: usize, ts: f64, U: usize, q5: i32, qh: i32): void {
  const user = Ev.user;
  if (user == 0) {
    for (let f = F.F_USER_SIGNUP_SEEN; f <= F.F_USER_DISTINCT_IPS_24H; f++) put(row, f, NaN);
    return;
  }
  const device = Ev.device;
  const ip = Ev.ip;
  const amount = Ev.amount;

  // Profile.
  const signupTs = U != 0 ? load<f64>(U + U_SIGNUP_TS) : NaN;
  put(row, F.F_USER_SIGNUP_SEEN, flag(signupTs == signupTs));
  put(row, F.F_USER_SECONDS_SINCE_SIGNUP, since(ts, signupTs));
  put(row, F.F_USER_SIGNUP_HOUR, hourOfDay(signupTs));
  put(row, F.F_USER_SIGNUP_DAY_OF_WEEK, dayOfWeek(signupTs));
  put(row, F.F_USER_SECONDS_SINCE_FIRST_SEEN, U != 0 ? since(ts, load<f64>(U + P_FIRST_SEEN)) : NaN);
  put(row, F.F_USER_SECONDS_SINCE_LAST_EVENT, U != 0 ? since(ts, load<f64>(U + P_LAST_SEEN)) : NaN);
  put(row, F.F_USER_SECONDS_SINCE_LAST_PURCHASE, U != 0 ? since(ts, load<f64>(U + P_LAST_PURCHASE)) : NaN);
  put(row, F.F_USER_PURCHASES_TOTAL, u32At(U, P_PURCHASES));
  put(row, F.F_USER_OTHER_EVENTS_TOTAL, u32At(U, P_OTHERS));
  const n = U != 0 ? load<u32>(U + U_AMOUNT_N) : 0;
  const mean = n > 0 ? load<f64>(U + U_AMOUNT_MEAN) : NaN;
  const std = n > 1 ? Math.sqrt(load<f64>(U + U_AMOUNT_M2) / <f64>n) : NaN;
  put(row, F.F_USER_AMOUNT_MEAN, mean);
  put(row, F.F_USER_AMOUNT_STD, std);
  put(row, F.F_USER_AMOUNT_MIN, n > 0 ? load<f64>(U + U_AMOUNT_MIN) : NaN);
  put(row, F.F_USER_AMOUNT_MAX, n > 0 ? load<f64>(U + U_AMOUNT_MAX) : NaN);
  put(row, F.F_USER_AMOUNT_ZSCORE, std > 0 ? (amount - mean) / std : NaN);
  put(row, F.F_USER_AMOUNT_RATIO_TO_MEAN, n > 0 && mean != 0 ? amount / mean : NaN);

  // Pairs.
  const UD = device != 0 ? userDevices.get(pairKey(user, device)) : 0;
  const UI = ip != 0 ? userIps.get(pairKey(user, ip)) : 0;
  const geo = Ev.geo;
  const UC = geo != 0 ? userCountries.get(pairKey(user, geo)) : 0;
  const pay = Ev.payment;
  const UP = pay != 0 ? userPayments.get(pairKey(user, pay)) : 0;
  put(row, F.F_USER_NEW_DEVICE, device == 0 ? NaN : flag(UD == 0));
  put(row, F.F_USER_NEW_IP, ip == 0 ? NaN : flag(UI == 0));
  put(row, F.F_USER_NEW_COUNTRY, geo == 0 ? NaN : flag(UC == 0));
  put(row, F.F_USER_NEW_PAYMENT_METHOD, pay == 0 ? NaN : flag(UP == 0));
  put(row, F.F_USER_DISTINCT_DEVICES_TOTAL, u32At(U, P_DISTINCT_A));
  put(row, F.F_USER_DISTINCT_IPS_TOTAL, u32At(U, P_DISTINCT_B));
  put(row, F.F_USER_DISTINCT_COUNTRIES_TOTAL, u32At(U, U_DISTINCT_COUNTRIES));
  put(row, F.F_USER_DISTINCT_PAYMENT_METHODS_TOTAL, u32At(U, U_DISTINCT_PAYMENTS));
  put(row, F.F_USER_DEVICE_PURCHASES_TOTAL, device == 0 ? NaN : u32At(UD, PAIR_PURCHASES));
  put(row, F.F_USER_DEVICE_SECONDS_SINCE_FIRST, UD != 0 ? since(ts, load<f64>(UD + PAIR_FIRST_SEEN)) : NaN);
  put(row, F.F_USER_IP_PURCHASES_TOTAL, ip == 0 ? NaN : u32At(UI, PAIR_PURCHASES));
  const sd = U != 0 ? load<u32>(U + U_SIGNUP_DEVICE) : 0;
  const si = U != 0 ? load<u32>(U + U_SIGNUP_IP) : 0;
  put(row, F.F_SIGNUP_DEVICE_MATCH, device == 0 || sd == 0 ? NaN : flag(fingerprint(device) == sd));
  put(row, F.F_SIGNUP_IP_MATCH, ip == 0 || si == 0 ? NaN : flag(fingerprint(ip) == si));

  // Windows.
  const W = userWindows.get(user);
  if (W == 0) {
    for (let f = F.F_USER_PURCHASES_5M; f <= F.F_USER_DISTINCT_IPS_24H; f++) put(row, f, 0);
    return;
  }
  sums5m(W, q5, true);
  put(row, F.F_USER_PURCHASES_5M, RingSums.nearPurchases);
  put(row, F.F_USER_PURCHASES_1H, RingSums.purchases);
  put(row, F.F_USER_AMOUNT_5M, RingSums.nearAmount);
  put(row, F.F_USER_AMOUNT_1H, RingSums.amount);
  put(row, F.F_USER_OTHER_EVENTS_1H, RingSums.others);
  sums24h(W, qh, true);
  put(row, F.F_USER_PURCHASES_24H, RingSums.purchases);
  put(row, F.F_USER_AMOUNT_24H, RingSums.amount);
  put(row, F.F_USER_OTHER_EVENTS_24H, RingSums.others);
  put(row, F.F_USER_DISTINCT_DEVICES_24H, <f64>setCountSince(W + W_SET_A, qh - 23));
  put(row, F.F_USER_DISTINCT_IPS_24H, <f64>setCountSince(W + W_SET_B, qh - 23));
}

// Device and IP blocks share one layout and one order (catalog.ts, shared()).
function writeShared(row: usize, base: i32, ts: f64, id: u64, P: usize, W: usize, q5: i32, qh: i32): void {
  const r = row + (<usize>base << 3);
  if (id == 0) {
    for (let k = 0; k < 16; k++) store<f64>(r + (<usize>k << 3), NaN);
    return;
  }
  store<f64>(r, P != 0 ? since(ts, load<f64>(P + P_FIRST_SEEN)) : NaN);
  store<f64>(r, P != 0 ? since(ts, load<f64>(P + P_LAST_SEEN)) : NaN, 8);
  store<f64>(r, P != 0 ? since(ts, load<f64>(P + P_LAST_PURCHASE)) : NaN, 16);
  store<f64>(r, u32At(P, P_PURCHASES), 24);
  store<f64>(r, u32At(P, P_OTHERS), 32);
  store<f64>(r, u32At(P, P_DISTINCT_A), 40);
  store<f64>(r, u32At(P, P_DISTINCT_B), 48);
  if (W == 0) {
    for (let k = 7; k < 16; k++) store<f64>(r + (<usize>k << 3), 0);
    return;
  }
  sums5m(W, q5, false);
  store<f64>(r, RingSums.nearPurchases, 56);
  store<f64>(r, RingSums.purchases, 64);
  store<f64>(r, RingSums.nearOthers, 80);
  store<f64>(r, RingSums.others, 88);
  sums24h(W, qh, true);
  store<f64>(r, RingSums.purchases, 72);
  store<f64>(r, RingSums.others, 96);
  store<f64>(r, RingSums.amount, 104);
  store<f64>(r, <f64>setCountSince(W + W_SET_A, qh - 23), 112);
  store<f64>(r, <f64>setCountSince(W + W_SET_B, qh - 23), 120);
}
