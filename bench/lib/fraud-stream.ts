// The fraud-feature benchmarks' stream (bench/features.ts, bench/features-ab.ts):
// a shop's busy stretch, generated and hashed into column arrays up front.

import type { ColumnBatch } from '../../host/fraud/columns.js';
import { hashInto } from '../../host/core/hash.js';
import { parseIpRanges } from '../../host/datasets/ip-country.js';
import { mulberry32 as rng } from '../../host/train/split.js';

export const RATE = 2000; // stream events per second of event time

/** The whole stream, already as columns. */
export interface Stream {
  n: number;
  spanMs: number;
  type: Int32Array;
  ts: Float64Array;
  ids: Uint32Array[]; // user, device, ip, country, billing, payment: 2 words an event
  amount: Float64Array;
  ipNum: Float64Array;
  codes: Int32Array[]; // source, browser, sex
  age: Float64Array;
}

// A shop's day: 200k users (a skewed few are busy), devices and IPs mostly
// their own but shared by some (families, offices, fraud rings), 15%
// signups, 35% purchases, 50% views and carts; events 0.5 ms apart in event
// time with 2% a little out of order; IPs from a 240-range country table.
export function generate(n: number): Stream {
  const r = rng(1);
  const s: Stream = {
    n,
    spanMs: n * (1000 / RATE),
    type: new Int32Array(n),
    ts: new Float64Array(n),
    ids: Array.from({ length: 6 }, () => new Uint32Array(2 * n)),
    amount: new Float64Array(n),
    ipNum: new Float64Array(n),
    codes: Array.from({ length: 3 }, () => new Int32Array(n)),
    age: new Float64Array(n),
  };
  const t0 = Date.UTC(2015, 0, 1);
  const countries = ['US', 'GB', 'DE', 'FR', 'JP', 'BR', 'IN', 'CN'];
  const payments = ['card', 'paypal', 'wire', 'giftcard'];
  for (let i = 0; i < n; i++) {
    const u = Math.floor(200_000 * Math.pow(r(), 2));
    const roll = r();
    s.type[i] = roll < 0.15 ? 0 : roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3;
    s.ts[i] = t0 + i * (1000 / RATE) - (r() < 0.02 ? Math.floor(r() * 60_000) : 0);
    const device = r() < 0.9 ? `dev-${u}` : `dev-shared-${Math.floor(r() * 2000)}`;
    const ipNum = r() < 0.9 ? 0x01000000 + ((u * 7919) % 0xf0000000) : 0x01000000 + Math.floor(r() * 5000) * 4096;
    const ip = `${ipNum >>> 24}.${(ipNum >>> 16) & 255}.${(ipNum >>> 8) & 255}.${ipNum & 255}`;
    const purchase = s.type[i] === 1;
    hashInto(`user-${u}`, s.ids[0]!, 2 * i);
    hashInto(s.type[i]! <= 1 ? device : undefined, s.ids[1]!, 2 * i);
    hashInto(s.type[i]! <= 1 ? ip : undefined, s.ids[2]!, 2 * i);
    hashInto(purchase ? countries[u % 8] : undefined, s.ids[3]!, 2 * i);
    hashInto(purchase ? countries[(u + (r() < 0.05 ? 1 : 0)) % 8] : undefined, s.ids[4]!, 2 * i);
    hashInto(purchase ? payments[(u + (r() < 0.1 ? 1 : 0)) % 4] : undefined, s.ids[5]!, 2 * i);
    s.amount[i] = purchase ? Math.round(r() * 30000) / 100 : NaN;
    s.ipNum[i] = s.type[i]! <= 1 ? ipNum : NaN;
    s.codes[0]![i] = 1 + (u % 3);
    s.codes[1]![i] = 1 + (u % 5);
    s.codes[2]![i] = 1 + (u % 2);
    s.age[i] = s.type[i] === 0 ? 18 + (u % 60) : NaN;
  }
  return s;
}

export function ipTable() {
  const lines = ['lower_bound_ip_address,upper_bound_ip_address,country'];
  for (let k = 0; k < 240; k++) lines.push(`${0x01000000 + k * 0x01000000},${0x01000000 + k * 0x01000000 + 0xffffff},C${k % 60}`);
  return parseIpRanges(lines.join('\n'));
}

/** Copies events [from, from + count) into the columns; the stream repeats, later in time. */
export function fill(c: ColumnBatch, s: Stream, from: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const k = (from + i) % s.n;
    const lap = Math.floor((from + i) / s.n);
    c.type[i] = s.type[k]!;
    c.ts[i] = s.ts[k]! + lap * s.spanMs;
    const cols = [c.user, c.device, c.ip, c.country, c.billing, c.payment];
    for (let j = 0; j < 6; j++) {
      cols[j]![2 * i] = s.ids[j]![2 * k]!;
      cols[j]![2 * i + 1] = s.ids[j]![2 * k + 1]!;
    }
    c.amount[i] = s.amount[k]!;
    c.ipNum[i] = s.ipNum[k]!;
    c.source[i] = s.codes[0]![k]!;
    c.browser[i] = s.codes[1]![k]!;
    c.sex[i] = s.codes[2]![k]!;
    c.age[i] = s.age[k]!;
  }
}
