// A purchase's features come only from the events before it: never from the
// purchase itself, never from anything after it.

import { describe, expect, it } from 'vitest';
import { FeatureEngine } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import type { FeatureInput } from '../host/fraud/columns.js';
import { randomStream, smallIpTable, T0 } from './helpers/event-stream.js';

const W = FEATURE_NAMES.length;
const col = (name: string) => FEATURE_NAMES.indexOf(name);
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function rowsOf(events: FeatureInput[]): Float64Array {
  const e = new FeatureEngine({ capacity: 64 });
  e.loadIpRanges(smallIpTable());
  return e.process(events);
}

describe('point-in-time features', () => {
  it('a purchase row is the same whether or not the events after it exist', () => {
    const stream = randomStream(7, { events: 3000, tooLate: 0 });
    const full = rowsOf(stream);
    const purchases = stream.flatMap((e, i) => (e.type === 'purchase' ? [i] : []));
    for (const k of [0, 1, 5, 40, 333, 777, purchases.length - 1]) {
      const cut = rowsOf(stream.slice(0, purchases[k]! + 1));
      const last = cut.subarray(cut.length - W);
      const want = full.subarray(k * W, (k + 1) * W);
      for (let j = 0; j < W; j++) if (!same(last[j]!, want[j]!)) expect.fail(`purchase ${k}: ${FEATURE_NAMES[j]} ${last[j]} with the prefix, ${want[j]} with the whole stream`);
    }
  });

  it('a purchase does not see itself: the first purchase of a new user, device and IP counts nothing', () => {
    const rows = rowsOf([{ type: 'purchase', ts: T0, userId: 'u', deviceId: 'd', ip: '1.0.0.1', amount: 50, paymentMethod: 'card' }]);
    for (const n of ['user_purchases_total', 'user_purchases_5m', 'user_purchases_24h', 'user_amount_24h', 'device_purchases_total', 'device_purchases_5m', 'ip_purchases_1h', 'device_distinct_users_24h', 'user_distinct_devices_total', 'country_purchases_24h']) {
      expect(rows[col(n)], n).toBe(0);
    }
    for (const n of ['user_amount_mean', 'user_seconds_since_last_purchase', 'device_seconds_since_first_seen', 'user_device_seconds_since_first']) expect(rows[col(n)], n).toBeNaN();
    for (const n of ['user_new_device', 'user_new_ip', 'user_new_country', 'user_new_payment_method']) expect(rows[col(n)], n).toBe(1);
  });

  it('two purchases at the same millisecond: the second sees the first, the first does not see the second', () => {
    const p = (amount: number): FeatureInput => ({ type: 'purchase', ts: T0 + 1000, userId: 'u', deviceId: 'd', amount });
    const rows = rowsOf([{ type: 'signup', ts: T0, userId: 'u', deviceId: 'd' }, p(10), p(30)]);
    const first = rows.subarray(0, W);
    const second = rows.subarray(W);
    expect(first[col('user_purchases_total')]).toBe(0);
    expect(second[col('user_purchases_total')]).toBe(1);
    expect(first[col('user_amount_5m')]).toBe(0);
    expect(second[col('user_amount_5m')]).toBe(10);
    expect(second[col('user_amount_mean')]).toBe(10);
    expect(first[col('device_purchases_1h')]).toBe(0);
    expect(second[col('device_purchases_1h')]).toBe(1);
    expect(first[col('user_seconds_since_signup')]).toBe(1);
    expect(first[col('user_new_device')]).toBe(0); // the signup came first
  });
});
