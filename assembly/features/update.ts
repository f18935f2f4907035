// Applies the current event to the state: profiles, windows and pairs of its
// user, device, IP and country. Called once per event that is not late,
// after its row (if any) has been written.

import { Ev, EV_PURCHASE, EV_SIGNUP, EV_SALE } from "./columns";
import { bucket5, bucketHour } from "./clock";
import { fingerprint, setAdd } from "./sketch";
import { ringAdd, RING_5M, RING_1H } from "./window";
import {
  P_DISTINCT_A, P_DISTINCT_B, U_DISTINCT_COUNTRIES, U_DISTINCT_PAYMENTS, U_AMOUNT_N, U_AMOUNT_MEAN,
  U_AMOUNT_M2, U_AMOUNT_MIN, U_AMOUNT_MAX, U_SIGNUP_TS, U_SIGNUP_AGE, U_SIGNUP_DEVICE, U_SIGNUP_IP,
  U_SIGNUP_SEX, U_SIGNUP_SOURCE, U_SIGNUP_BROWSER, PAIR_FIRST_SEEN, PAIR_PURCHASES,
  W_HEAD_5M, W_HEAD_1H, W_MASK_5M, W_MASK_1H, W_AMOUNT_5M, W_AMOUNT_1H, W_PURCHASES_5M, W_OTHERS_5M, W_PURCHASES_1H, W_OTHERS_1H,
  W_SET_A, W_SET_B, initProfile, initUser, initPair, initWindow, touchProfile, bump, pairKey,
} from "./entity";
import { Table } from "./hashtable";
import { PairTable } from "./pairs";
import {
  users, devices, ips, userWindows, deviceWindows, ipWindows, countryWindows,
  userDevices, userIps, userCountries, userPayments, deviceIps,
} from "./state";

// Counts the event into an entity's window record and returns it; only a
// user's record has amounts in its 5-minute ring (`user`).
function window(t: Table, key: u64, ts: f64, purchase: bool, amount: f64, user: bool): usize {
  const W = t.upsert(key, ts);
  if (t.fresh) initWindow(W);
  ringAdd(W, W_HEAD_5M, W_MASK_5M, W_AMOUNT_5M, W_PURCHASES_5M, W_OTHERS_5M, RING_5M, bucket5(ts), purchase, amount, user);
  ringAdd(W, W_HEAD_1H, W_MASK_1H, W_AMOUNT_1H, W_PURCHASES_1H, W_OTHERS_1H, RING_1H, bucketHour(ts), purchase, amount, true);
  return W;
}

// Counts the event into a device or IP profile and returns it.
function profile(t: Table, key: u64, ts: f64, purchase: bool): usize {
  const P = t.upsert(key, ts);
  if (t.fresh) initProfile(P, ts);
  touchProfile(P, ts, purchase);
  return P;
}

// Counts the event into a pair; true if the pair is new (or was expired).
function pair(t: PairTable, a: u64, b: u64, ts: f64, purchase: bool): bool {
  const R = t.upsert(pairKey(a, b), ts);
  const fresh = t.fresh;
  if (fresh) initPair(R, ts);
  else if (ts < load<f64>(R + PAIR_FIRST_SEEN)) store<f64>(R + PAIR_FIRST_SEEN, ts);
  if (purchase) bump(R + PAIR_PURCHASES);
  return fresh;
}

/** Applies the current event to the state. Called once per on-time event. */
export function applyEvent(): void {
  const type = Ev.type;
  if (type >= EV_SALE) return; // sale, stock and label events carry no fraud state
  const ts = Ev.ts;
  const purchase = type == EV_PURCHASE;
  const amount = Ev.amount;
  const user = Ev.user;
  const device = Ev.device;
  const ip = Ev.ip;
  const geo = Ev.geo;
  const pay = Ev.payment;
  const hour = bucketHour(ts);

  let U: usize = 0;
  if (user != 0) {
    U = users.upsert(user, ts);
    if (users.fresh) initUser(U, ts);
    touchProfile(U, ts, purchase);
    if (purchase && amount == amount) {
      // Welford's running mean and sum of squared deviations.
      const n = load<u32>(U + U_AMOUNT_N) + 1;
      store<u32>(U + U_AMOUNT_N, n);
      const mean = load<f64>(U + U_AMOUNT_MEAN);
      const delta = amount - mean;
      const next = mean + delta / <f64>n;
      store<f64>(U + U_AMOUNT_MEAN, next);
      store<f64>(U + U_AMOUNT_M2, load<f64>(U + U_AMOUNT_M2) + delta * (amount - next));
      if (!(amount >= load<f64>(U + U_AMOUNT_MIN))) store<f64>(U + U_AMOUNT_MIN, amount);
      if (!(amount <= load<f64>(U + U_AMOUNT_MAX))) store<f64>(U + U_AMOUNT_MAX, amount);
    }
    if (type == EV_SIGNUP) {
      const first = load<f64>(U + U_SIGNUP_TS);
      if (!(ts >= first)) {
        // The earliest signup wins.
        store<f64>(U + U_SIGNUP_TS, ts);
        store<f64>(U + U_SIGNUP_AGE, Ev.age);
        store<u32>(U + U_SIGNUP_DEVICE, device != 0 ? fingerprint(device) : 0);
        store<u32>(U + U_SIGNUP_IP, ip != 0 ? fingerprint(ip) : 0);
        store<u8>(U + U_SIGNUP_SEX, <u8>Ev.sex);
        store<u8>(U + U_SIGNUP_SOURCE, <u8>Ev.source);
        store<u8>(U + U_SIGNUP_BROWSER, <u8>Ev.browser);
      }
    }
    const W = window(userWindows, user, ts, purchase, amount, true);
    if (device != 0) setAdd(W + W_SET_A, fingerprint(device), hour);
    if (ip != 0) setAdd(W + W_SET_B, fingerprint(ip), hour);
  }

  let D: usize = 0;
  if (device != 0) {
    D = profile(devices, device, ts, purchase);
    const W = window(deviceWindows, device, ts, purchase, amount, false);
    if (user != 0) setAdd(W + W_SET_A, fingerprint(user), hour);
    if (ip != 0) setAdd(W + W_SET_B, fingerprint(ip), hour);
  }

  let I: usize = 0;
  if (ip != 0) {
    I = profile(ips, ip, ts, purchase);
    const W = window(ipWindows, ip, ts, purchase, amount, false);
    if (user != 0) setAdd(W + W_SET_A, fingerprint(user), hour);
    if (device != 0) setAdd(W + W_SET_B, fingerprint(device), hour);
  }

  if (geo != 0) window(countryWindows, geo, ts, purchase, amount, false);

  // Pairs: a new pair adds a distinct member to both sides.
  if (user != 0 && device != 0 && pair(userDevices, user, device, ts, purchase)) {
    bump(U + P_DISTINCT_A);
    bump(D + P_DISTINCT_A);
  }
  if (user != 0 && ip != 0 && pair(userIps, user, ip, ts, purchase)) {
    bump(U + P_DISTINCT_B);
    bump(I + P_DISTINCT_A);
  }
  if (user != 0 && geo != 0 && pair(userCountries, user, geo, ts, purchase)) bump(U + U_DISTINCT_COUNTRIES);
  if (user != 0 && pay != 0 && pair(userPayments, user, pay, ts, purchase)) bump(U + U_DISTINCT_PAYMENTS);
  if (device != 0 && ip != 0 && pair(deviceIps, device, ip, ts, purchase)) {
    bump(D + P_DISTINCT_B);
    bump(I + P_DISTINCT_B);
  }
}
