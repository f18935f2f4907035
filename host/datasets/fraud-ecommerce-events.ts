// `replay --source fraud-ecommerce`: a Fraud_Data file (read by
// host/datasets/fraud-data.ts, the same reader `features` uses) as SPEC
// events, in the same order as `features` replays it: per row a signup at
// signup_time and a purchase at purchase_time, by time, ties in file order
// with a row's signup first. Every purchase also gets a label carrying its
// class, `labelDelayMs` after the purchase (a chargeback or a confirmation
// arriving late), merged into the stream in time order: a label goes after
// the other events of its millisecond.
//
//   row r ->  signup   { eventId "fe-<r>-s", userId, deviceId, ip, country?, source, browser, age, sex }
//             purchase { eventId "fe-<r>-p", userId, amount, deviceId, ip, country?, source, browser }
//             label    { eventId "fe-<r>-l", purchaseEventId "fe-<r>-p", fraud: class = 1 }
//
// r is the 0-based data row (the `row` column of `features`). ip is the
// dotted quad of the integer part of ip_address; country, when an IP table
// is given, is the name the table gives the IP. Fields the row leaves empty
// are absent (undefined, which JSON.stringify leaves out).

import type { Event } from '../core/schema.js';
import { readFraudData, replayOrder, type FraudData } from './fraud-data.js';
import type { IpRanges } from './ip-country.js';

export const DAY_MS = 86_400_000;

export interface FraudReplayOptions {
  ipRanges?: IpRanges;
  /** Delay of each purchase's label (default 30 days). */
  labelDelayMs?: number;
  batch?: number;
  onProgress?: (rows: number, bytes: number) => void;
}

/** Reads the file, then yields its events in batches. */
export async function* fraudEcommerceEvents(path: string, opts: FraudReplayOptions = {}): AsyncGenerator<Event[]> {
  const data = await readFraudData(path, opts.onProgress);
  yield* fraudEvents(data, opts);
}

/** The events of rows already read, in batches. */
export function* fraudEvents(d: FraudData, opts: FraudReplayOptions = {}): Generator<Event[]> {
  const delay = opts.labelDelayMs ?? 30 * DAY_MS;
  const size = opts.batch ?? 4096;
  const country = countryOf(d, opts.ipRanges);
  const order = replayOrder(d);
  // Purchases come in time order and the delay is fixed, so the pending labels are a time-ordered queue.
  const labels = new Uint32Array(d.rows);
  let head = 0;
  let tail = 0;
  let out: Event[] = [];
  const label = (r: number): Event => ({ eventId: `fe-${r}-l`, type: 'label', ts: d.purchaseTs[r]! + delay, purchaseEventId: `fe-${r}-p`, fraud: d.label[r] === 1 });
  for (const code of order) {
    const r = code >>> 1;
    const purchase = (code & 1) === 1;
    const ts = purchase ? d.purchaseTs[r]! : d.signupTs[r]!;
    while (head < tail && d.purchaseTs[labels[head]!]! + delay < ts) {
      out.push(label(labels[head++]!));
      if (out.length >= size) {
        yield out;
        out = [];
      }
    }
    const common = {
      userId: d.userId[r]!,
      deviceId: d.deviceId[r] || undefined,
      ip: d.ip[r] || undefined,
      country: country[r],
      source: d.source[r] || undefined,
      browser: d.browser[r] || undefined,
    };
    if (purchase) {
      out.push({ eventId: `fe-${r}-p`, type: 'purchase', ts, ...common, amount: d.amount[r]! });
      labels[tail++] = r;
    } else {
      const age = d.age[r]!;
      out.push({ eventId: `fe-${r}-s`, type: 'signup', ts, ...common, age: age === age ? age : undefined, sex: d.sex[r] || undefined });
    }
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  while (head < tail) {
    out.push(label(labels[head++]!));
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** The country name of each row's IP, or undefined. */
function countryOf(d: FraudData, ranges?: IpRanges): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(d.rows).fill(undefined);
  if (!ranges || ranges.lo.length === 0) return out;
  for (let r = 0; r < d.rows; r++) {
    const ip = d.ipNum[r]!;
    if (ip !== ip) continue;
    // The last range starting at or below ip, if it also ends at or above it.
    let lo = 0;
    let hi = ranges.lo.length - 1;
    if (ranges.lo[0]! > ip) continue;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ranges.lo[mid]! <= ip) lo = mid;
      else hi = mid - 1;
    }
    if (ip <= ranges.hi[lo]!) out[r] = ranges.country[lo] || undefined;
  }
  return out;
}
