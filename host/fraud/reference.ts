// A plain TypeScript reference of the fraud features: readable and slow.
// It keeps every applied event of every entity in a list and computes each
// feature from those lists by its definition (docs/FEATURES.md): windows by
// filtering events on their buckets, distinct counts with exact sets. It
// shares no machinery with the WASM code (no hash tables, rings or sketches,
// no hashing: ids are compared as strings); it restates only the documented
// rules: the lateness and expiry horizons, what a late read of a ring still
// finds, and the saturation of 24h distinct counts at 8.
// test/features-wasm-matches-reference.test.ts holds the two to the same rows.

import { FEATURE_NAMES } from './catalog.js';
import { browserCode, sexCode, sourceCode } from './codes.js';
import { normalizeCountry } from '../core/hash.js';
import { DEFAULT_LATENESS_MS, DEFAULT_PROFILE_TTL_MS } from './features.js';
import { scanIpRanges, type IpRanges } from '../datasets/ip-country.js';
import type { FeatureInput } from './columns.js';

const MS_5M = 300_000;
const MS_1H = 3_600_000;
const MS_24H = 86_400_000;
const SET_K = 8; // distinct-24h counts saturate here
const RING_5M = 13; // 5-minute buckets a window record holds
const RING_1H = 25; // hourly buckets a window record holds

interface Applied {
  ts: number;
  purchase: boolean;
  amount: number; // NaN if none
  user?: string;
  device?: string;
  ip?: string;
  signup?: { age: number; sex: number; source: number; browser: number; device?: string; ip?: string };
}

/** An entity's events since it was last idle longer than its horizon. */
class History {
  lastSeen = -Infinity;
  events: Applied[] = [];
  // Profile counters: a new pair adds one.
  distinctA = 0;
  distinctB = 0;
  distinctCountries = 0;
  distinctPayments = 0;
}

class Pair {
  lastSeen = -Infinity;
  firstSeen = Infinity;
  purchases = 0;
}

const bucket5 = (ts: number) => Math.floor(ts / MS_5M);
const bucketHour = (ts: number) => Math.floor(ts / MS_1H);
const since = (ts: number, t0: number) => Math.max(0, (ts - t0) / 1000);
const hourOfDay = (ts: number) => ((Math.floor(ts / MS_1H) % 24) + 24) % 24;
const dayOfWeek = (ts: number) => (((Math.floor(ts / MS_24H) + 3) % 7) + 7) % 7;
const flag = (b: boolean) => (b ? 1 : 0);
const mismatch = (a?: string, b?: string) => (a === undefined || b === undefined ? NaN : flag(a !== b));
const orNaN = (c: number) => (c === 0 ? NaN : c);

export class ReferenceFeatures {
  watermark = -Infinity;
  late = 0;
  private readonly latenessMs: number;
  private readonly profileTtlMs: number;
  private readonly profiles = { user: new Map<string, History>(), device: new Map<string, History>(), ip: new Map<string, History>() };
  private readonly windows = { user: new Map<string, History>(), device: new Map<string, History>(), ip: new Map<string, History>(), country: new Map<string, History>() };
  private readonly pairs = { userDevice: new Map<string, Pair>(), userIp: new Map<string, Pair>(), userCountry: new Map<string, Pair>(), userPayment: new Map<string, Pair>(), deviceIp: new Map<string, Pair>() };

  constructor(
    private readonly ranges?: IpRanges,
    opts: { latenessMs?: number; profileTtlMs?: number } = {},
  ) {
    this.latenessMs = opts.latenessMs ?? DEFAULT_LATENESS_MS;
    this.profileTtlMs = opts.profileTtlMs ?? DEFAULT_PROFILE_TTL_MS;
  }

  /** Processes one event; returns its feature row if it is a purchase. */
  process(e: FeatureInput): number[] | null {
    const late = e.ts < this.watermark - this.latenessMs;
    if (late) this.late++;
    else this.watermark = Math.max(this.watermark, e.ts);
    const k = this.ranges ? scanIpRanges(this.ranges, e.ipNum) : -1;
    const ipCountry = k >= 0 ? normalizeCountry(this.ranges!.country[k]) : undefined;
    const geo = ipCountry ?? normalizeCountry(e.country);
    const row = e.type === 'purchase' ? this.row(e, ipCountry, geo) : null;
    if (!late) this.apply(e, geo);
    return row;
  }

  private profileCutoff(): number {
    return this.watermark - this.profileTtlMs;
  }

  private windowCutoff(): number {
    return this.watermark - (MS_24H + this.latenessMs);
  }

  private alive<T extends { lastSeen: number }>(map: Map<string, T>, key: string | undefined, cutoff: number): T | undefined {
    const h = key ? map.get(key) : undefined;
    return h && h.lastSeen >= cutoff ? h : undefined;
  }

  // ---- Reading: the row of a purchase, from the state before it. ----

  private row(e: FeatureInput, ipCountry: string | undefined, geo: string | undefined): number[] {
    const f: Record<string, number> = {};
    const ts = e.ts;
    const user = e.userId || undefined;
    const device = e.deviceId || undefined;
    const ip = e.ip || undefined;
    const U = this.alive(this.profiles.user, user, this.profileCutoff());
    const signup = U ? earliestSignup(U) : undefined;

    f.amount = e.amount ?? NaN;
    f.hour_of_day = hourOfDay(ts);
    f.day_of_week = dayOfWeek(ts);
    f.age = e.age !== undefined && !Number.isNaN(e.age) ? e.age : (signup?.age ?? NaN);
    f.sex = orNaN(sexCode(e.sex) || (signup?.sex ?? 0));
    f.source = orNaN(sourceCode(e.source) || (signup?.source ?? 0));
    f.browser = orNaN(browserCode(e.browser) || (signup?.browser ?? 0));
    f.ip_missing = flag(!ip);
    f.ip_country_known = !ip ? NaN : flag(ipCountry !== undefined);
    const billing = normalizeCountry(e.billingCountry);
    const declared = normalizeCountry(e.country);
    f.ip_billing_country_mismatch = mismatch(ipCountry, billing);
    f.ip_declared_country_mismatch = mismatch(ipCountry, declared);
    f.billing_declared_country_mismatch = mismatch(billing, declared);

    this.userFeatures(f, e, user, device, ip, geo, U, signup);
    this.sharedFeatures(f, 'device', 'ip', ts, device, this.profiles.device, this.windows.device, (a) => a.ip);
    this.sharedFeatures(f, 'ip', 'device', ts, ip, this.profiles.ip, this.windows.ip, (a) => a.device);

    const C = this.alive(this.windows.country, geo, this.windowCutoff());
    const q5 = bucket5(ts);
    const qh = bucketHour(ts);
    f.country_purchases_1h = geo === undefined ? NaN : count5(C, q5 - 11, (a) => a.purchase);
    f.country_purchases_24h = geo === undefined ? NaN : countHour(C, qh - 23, (a) => a.purchase);
    f.country_signups_24h = geo === undefined ? NaN : countHour(C, qh - 23, (a) => !a.purchase);

    return FEATURE_NAMES.map((n) => {
      if (!(n in f)) throw new Error(`reference: no value for ${n}`);
      return f[n]!;
    });
  }

  private userFeatures(f: Record<string, number>, e: FeatureInput, user: string | undefined, device: string | undefined, ip: string | undefined, geo: string | undefined, U: History | undefined, signup: Applied['signup'] & { ts: number } | undefined): void {
    const names = FEATURE_NAMES.slice(FEATURE_NAMES.indexOf('user_signup_seen'), FEATURE_NAMES.indexOf('user_distinct_ips_24h') + 1);
    if (!user) {
      for (const n of names) f[n] = NaN;
      return;
    }
    const ts = e.ts;
    const amount = e.amount ?? NaN;
    const events = U?.events ?? [];
    const purchases = events.filter((a) => a.purchase);
    f.user_signup_seen = flag(signup !== undefined);
    f.user_seconds_since_signup = signup ? since(ts, signup.ts) : NaN;
    f.user_signup_hour = signup ? hourOfDay(signup.ts) : NaN;
    f.user_signup_day_of_week = signup ? dayOfWeek(signup.ts) : NaN;
    f.user_seconds_since_first_seen = U ? since(ts, Math.min(...events.map((a) => a.ts))) : NaN;
    f.user_seconds_since_last_event = U ? since(ts, U.lastSeen) : NaN;
    f.user_seconds_since_last_purchase = purchases.length ? since(ts, Math.max(...purchases.map((a) => a.ts))) : NaN;
    f.user_purchases_total = purchases.length;
    f.user_other_events_total = events.length - purchases.length;

    // Welford's running mean and variance, in arrival order.
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let lo = NaN;
    let hi = NaN;
    for (const a of purchases) {
      if (Number.isNaN(a.amount)) continue;
      n++;
      const delta = a.amount - mean;
      mean += delta / n;
      m2 += delta * (a.amount - mean);
      lo = n === 1 ? a.amount : Math.min(lo, a.amount);
      hi = n === 1 ? a.amount : Math.max(hi, a.amount);
    }
    const std = n > 1 ? Math.sqrt(m2 / n) : NaN;
    f.user_amount_mean = n > 0 ? mean : NaN;
    f.user_amount_std = std;
    f.user_amount_min = lo;
    f.user_amount_max = hi;
    f.user_amount_zscore = std > 0 ? (amount - mean) / std : NaN;
    f.user_amount_ratio_to_mean = n > 0 && mean !== 0 ? amount / mean : NaN;

    const cut = this.profileCutoff();
    const pay = e.paymentMethod || undefined;
    const UD = device ? this.alive(this.pairs.userDevice, pairOf(user, device), cut) : undefined;
    const UI = ip ? this.alive(this.pairs.userIp, pairOf(user, ip), cut) : undefined;
    const UC = geo ? this.alive(this.pairs.userCountry, pairOf(user, geo), cut) : undefined;
    const UP = pay ? this.alive(this.pairs.userPayment, pairOf(user, pay), cut) : undefined;
    f.user_new_device = device ? flag(!UD) : NaN;
    f.user_new_ip = ip ? flag(!UI) : NaN;
    f.user_new_country = geo ? flag(!UC) : NaN;
    f.user_new_payment_method = pay ? flag(!UP) : NaN;
    f.user_distinct_devices_total = U?.distinctA ?? 0;
    f.user_distinct_ips_total = U?.distinctB ?? 0;
    f.user_distinct_countries_total = U?.distinctCountries ?? 0;
    f.user_distinct_payment_methods_total = U?.distinctPayments ?? 0;
    f.user_device_purchases_total = device ? (UD?.purchases ?? 0) : NaN;
    f.user_device_seconds_since_first = UD ? since(ts, UD.firstSeen) : NaN;
    f.user_ip_purchases_total = ip ? (UI?.purchases ?? 0) : NaN;
    f.signup_device_match = device && signup?.device ? flag(device === signup.device) : NaN;
    f.signup_ip_match = ip && signup?.ip ? flag(ip === signup.ip) : NaN;

    const W = this.alive(this.windows.user, user, this.windowCutoff());
    const q5 = bucket5(ts);
    const qh = bucketHour(ts);
    f.user_purchases_5m = count5(W, q5, (a) => a.purchase);
    f.user_purchases_1h = count5(W, q5 - 11, (a) => a.purchase);
    f.user_purchases_24h = countHour(W, qh - 23, (a) => a.purchase);
    f.user_amount_5m = amount5(W, q5);
    f.user_amount_1h = amount5(W, q5 - 11);
    f.user_amount_24h = amountHour(W, qh - 23);
    f.user_other_events_1h = count5(W, q5 - 11, (a) => !a.purchase);
    f.user_other_events_24h = countHour(W, qh - 23, (a) => !a.purchase);
    f.user_distinct_devices_24h = distinctSince(W, qh - 23, (a) => a.device);
    f.user_distinct_ips_24h = distinctSince(W, qh - 23, (a) => a.ip);
  }

  private sharedFeatures(f: Record<string, number>, e: 'device' | 'ip', other: 'ip' | 'device', ts: number, id: string | undefined, profiles: Map<string, History>, windows: Map<string, History>, otherOf: (a: Applied) => string | undefined): void {
    const P = this.alive(profiles, id, this.profileCutoff());
    const W = this.alive(windows, id, this.windowCutoff());
    const events = P?.events ?? [];
    const purchases = events.filter((a) => a.purchase);
    const q5 = bucket5(ts);
    const qh = bucketHour(ts);
    const v: Record<string, number> = {
      seconds_since_first_seen: P ? since(ts, Math.min(...events.map((a) => a.ts))) : NaN,
      seconds_since_last_seen: P ? since(ts, P.lastSeen) : NaN,
      seconds_since_last_purchase: purchases.length ? since(ts, Math.max(...purchases.map((a) => a.ts))) : NaN,
      purchases_total: purchases.length,
      signups_total: events.length - purchases.length,
      distinct_users_total: P?.distinctA ?? 0,
      [`distinct_${other}s_total`]: P?.distinctB ?? 0,
      purchases_5m: count5(W, q5, (a) => a.purchase),
      purchases_1h: count5(W, q5 - 11, (a) => a.purchase),
      purchases_24h: countHour(W, qh - 23, (a) => a.purchase),
      signups_5m: count5(W, q5, (a) => !a.purchase),
      signups_1h: count5(W, q5 - 11, (a) => !a.purchase),
      signups_24h: countHour(W, qh - 23, (a) => !a.purchase),
      amount_24h: amountHour(W, qh - 23),
      distinct_users_24h: distinctSince(W, qh - 23, (a) => a.user),
      [`distinct_${other}s_24h`]: distinctSince(W, qh - 23, otherOf),
    };
    for (const [k, x] of Object.entries(v)) f[`${e}_${k}`] = id ? x : NaN;
  }

  // ---- Writing: an on-time event joins the lists. ----

  private apply(e: FeatureInput, geo: string | undefined): void {
    if (e.type !== 'signup' && e.type !== 'purchase' && e.type !== 'view' && e.type !== 'cart') return;
    const user = e.userId || undefined;
    const device = e.deviceId || undefined;
    const ip = e.ip || undefined;
    const pay = e.paymentMethod || undefined;
    const purchase = e.type === 'purchase';
    const a: Applied = { ts: e.ts, purchase, amount: purchase ? (e.amount ?? NaN) : NaN, user, device, ip };
    if (e.type === 'signup') {
      a.signup = { age: e.age ?? NaN, sex: sexCode(e.sex), source: sourceCode(e.source), browser: browserCode(e.browser), device, ip };
    }
    const pc = this.profileCutoff();
    const wc = this.windowCutoff();
    const U = user ? this.touch(this.profiles.user, user, a, pc) : undefined;
    if (user) this.touch(this.windows.user, user, a, wc);
    const D = device ? this.touch(this.profiles.device, device, a, pc) : undefined;
    if (device) this.touch(this.windows.device, device, a, wc);
    const I = ip ? this.touch(this.profiles.ip, ip, a, pc) : undefined;
    if (ip) this.touch(this.windows.ip, ip, a, wc);
    if (geo) this.touch(this.windows.country, geo, a, wc);

    // A pair seen for the first time (or after the profile horizon) is a new distinct member.
    if (U && D && this.touchPair(this.pairs.userDevice, pairOf(user!, device!), a, pc)) {
      U.distinctA++;
      D.distinctA++;
    }
    if (U && I && this.touchPair(this.pairs.userIp, pairOf(user!, ip!), a, pc)) {
      U.distinctB++;
      I.distinctA++;
    }
    if (U && geo && this.touchPair(this.pairs.userCountry, pairOf(user!, geo), a, pc)) U.distinctCountries++;
    if (U && pay && this.touchPair(this.pairs.userPayment, pairOf(user!, pay), a, pc)) U.distinctPayments++;
    if (D && I && this.touchPair(this.pairs.deviceIp, pairOf(device!, ip!), a, pc)) {
      D.distinctB++;
      I.distinctB++;
    }
  }

  private touch(map: Map<string, History>, key: string, a: Applied, cutoff: number): History {
    let h = map.get(key);
    if (!h || h.lastSeen < cutoff) {
      h = new History();
      map.set(key, h);
    }
    h.lastSeen = Math.max(h.lastSeen, a.ts);
    h.events.push(a);
    return h;
  }

  private touchPair(map: Map<string, Pair>, key: string, a: Applied, cutoff: number): boolean {
    let p = map.get(key);
    const fresh = !p || p.lastSeen < cutoff;
    if (fresh) {
      p = new Pair();
      map.set(key, p);
    }
    p!.lastSeen = Math.max(p!.lastSeen, a.ts);
    p!.firstSeen = Math.min(p!.firstSeen, a.ts);
    if (a.purchase) p!.purchases++;
    return fresh;
  }
}

const pairOf = (a: string, b: string) => `${a}\u0000${b}`;

// The earliest signup (the first to arrive among equal times).
function earliestSignup(h: History): (NonNullable<Applied['signup']> & { ts: number }) | undefined {
  let best: Applied | undefined;
  for (const a of h.events) if (a.signup && (!best || a.ts < best.ts)) best = a;
  return best ? { ...best.signup!, ts: best.ts } : undefined;
}

// Events a window query finds: bucket >= from, and still held by a ring of
// `len` buckets ending at the newest bucket seen (only late reads reach back
// that far).
function inWindow(h: History | undefined, bucketOf: (ts: number) => number, len: number, from: number): Applied[] {
  if (!h || h.events.length === 0) return [];
  const head = Math.max(...h.events.map((a) => bucketOf(a.ts)));
  const start = Math.max(from, head - len + 1);
  return h.events.filter((a) => bucketOf(a.ts) >= start);
}

const count5 = (h: History | undefined, from: number, pick: (a: Applied) => boolean) => inWindow(h, bucket5, RING_5M, from).filter(pick).length;
const countHour = (h: History | undefined, from: number, pick: (a: Applied) => boolean) => inWindow(h, bucketHour, RING_1H, from).filter(pick).length;

// Amounts are summed per bucket in arrival order, then over buckets oldest first.
function amountSum(events: Applied[], bucketOf: (ts: number) => number): number {
  const perBucket = new Map<number, number>();
  for (const a of events) {
    if (!a.purchase || Number.isNaN(a.amount)) continue;
    const b = bucketOf(a.ts);
    perBucket.set(b, (perBucket.get(b) ?? 0) + a.amount);
  }
  let sum = 0;
  for (const b of [...perBucket.keys()].sort((x, y) => x - y)) sum += perBucket.get(b)!;
  return sum;
}
const amount5 = (h: History | undefined, from: number) => amountSum(inWindow(h, bucket5, RING_5M, from), bucket5);
const amountHour = (h: History | undefined, from: number) => amountSum(inWindow(h, bucketHour, RING_1H, from), bucketHour);

// Distinct members seen in hour `from` or later, saturating at SET_K.
function distinctSince(h: History | undefined, from: number, member: (a: Applied) => string | undefined): number {
  const seen = new Set<string>();
  for (const a of h?.events ?? []) {
    const m = member(a);
    if (m !== undefined && bucketHour(a.ts) >= from) seen.add(m);
  }
  return Math.min(SET_K, seen.size);
}
