// Seeded random event streams for the feature tests: many users sharing
// devices and IPs, every event type, missing and unknown fields, events
// out of order within the allowed lateness, events later than it, and gaps
// longer than the windows and the profile horizon (so state expires).

import type { FeatureInput } from '../../host/fraud/columns.js';
import type { IpRanges } from '../../host/datasets/ip-country.js';
import type { EventType } from '../../host/core/schema.js';

/** mulberry32 (host/train/split.ts): a small seeded generator in [0, 1). */
export { mulberry32 as rng } from '../../host/train/split.js';
import { mulberry32 as rng } from '../../host/train/split.js';

export const T0 = Date.UTC(2015, 0, 1);

/** A small IP table: 1.0.0.0/8 split into ranges of three countries, with holes. */
export function smallIpTable(): IpRanges {
  const lo: number[] = [];
  const hi: number[] = [];
  const country: string[] = [];
  const names = ['Japan', 'United States', 'germany'];
  for (let k = 0; k < 12; k++) {
    if (k % 4 === 3) continue; // a hole: unknown country
    lo.push(0x01000000 + k * 0x100000);
    hi.push(0x01000000 + k * 0x100000 + 0xfffff);
    country.push(names[k % 3]!);
  }
  return { lo: Uint32Array.from(lo), hi: Uint32Array.from(hi), country, repaired: 0 };
}

export interface StreamOptions {
  events: number;
  users?: number;
  devices?: number;
  ips?: number;
  latenessMs?: number;
  /** Chance an event is out of order within the lateness. */
  outOfOrder?: number;
  /** Chance an event is later than the lateness. */
  tooLate?: number;
  /** Chance of a gap of 1-3 days before an event, and of one of ~a profile horizon. */
  gap?: number;
  longGapMs?: number;
  /** Round times down to this (60000: minutes, as in Fraud_Data, so ties are common). */
  resolutionMs?: number;
}

const TYPES: EventType[] = ['signup', 'purchase', 'purchase', 'purchase', 'view', 'cart', 'sale', 'stock', 'label'];
const SOURCES = ['SEO', 'Ads', 'Direct', 'Email', undefined];
const BROWSERS = ['Chrome', 'IE', 'Safari', 'FireFox', 'Opera', 'Lynx', undefined];
const SEXES = ['M', 'F', 'X', undefined];
const COUNTRIES = ['Japan', 'United States', 'Germany', 'France', undefined];
const PAYMENTS = ['card', 'paypal', 'wire', undefined];

export function randomStream(seed: number, o: StreamOptions): FeatureInput[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const users = o.users ?? 60;
  const devices = o.devices ?? 25;
  const ips = o.ips ?? 25;
  const lateness = o.latenessMs ?? 300_000;
  let now = T0 + Math.floor(r() * 86_400_000);
  let newest = now;
  const out: FeatureInput[] = [];
  for (let i = 0; i < o.events; i++) {
    now += Math.floor(-Math.log(1 - r()) * 40_000); // ~40 s apart, often in the same bucket
    if (r() < (o.gap ?? 0.01)) now += 86_400_000 + Math.floor(r() * 2 * 86_400_000);
    if (o.longGapMs && r() < (o.gap ?? 0.01) / 3) now += o.longGapMs + Math.floor(r() * 86_400_000);
    newest = Math.max(newest, now);
    let ts = now;
    const roll = r();
    if (roll < (o.outOfOrder ?? 0.1)) ts = newest - Math.floor(r() * (lateness + 1));
    else if (roll < (o.outOfOrder ?? 0.1) + (o.tooLate ?? 0.03)) ts = newest - lateness - 1 - Math.floor(r() * 7_200_000);
    // Users prefer their own device and IP, and share them with neighbours.
    const u = Math.floor(Math.pow(r(), 1.5) * users);
    const device = r() < 0.08 ? undefined : `d${r() < 0.7 ? u % devices : Math.floor(r() * devices)}`;
    const ipIdx = r() < 0.7 ? (u * 7) % ips : Math.floor(r() * ips);
    const ipKind = r();
    const ipNum = ipKind < 0.08 ? undefined : 0x01000000 + ipIdx * 0x61a80 + (ipKind < 0.15 ? 0x10000000 : 0); // some outside the table
    if (o.resolutionMs) ts -= ((ts % o.resolutionMs) + o.resolutionMs) % o.resolutionMs;
    const e: FeatureInput = {
      type: pick(TYPES),
      ts,
      userId: r() < 0.03 ? undefined : `user-${u}`,
      deviceId: device,
      ip: ipNum === undefined ? undefined : `${ipNum >>> 24}.${(ipNum >>> 16) & 255}.${(ipNum >>> 8) & 255}.${ipNum & 255}`,
      ipNum,
      country: pick(COUNTRIES),
      billingCountry: pick(COUNTRIES),
      paymentMethod: pick(PAYMENTS),
      amount: r() < 0.05 ? undefined : Math.round(r() * 20000) / 100,
      source: pick(SOURCES),
      browser: pick(BROWSERS),
      sex: pick(SEXES),
      age: r() < 0.2 ? undefined : 18 + Math.floor(r() * 60),
    };
    if (e.type === 'purchase' && r() < 0.02) e.amount = 0;
    out.push(e);
  }
  return out;
}
