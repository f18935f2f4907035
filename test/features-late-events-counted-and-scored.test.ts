// An event later than the allowed lateness is counted, a late purchase still
// gets its row from the state it finds, and neither changes the state; an
// out-of-order event within the lateness is counted into its own buckets.

import { describe, expect, it } from 'vitest';
import { FeatureEngine, STAT } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import type { FeatureInput } from '../host/fraud/columns.js';
import { T0 } from './helpers/event-stream.js';

const W = FEATURE_NAMES.length;
const col = (name: string) => FEATURE_NAMES.indexOf(name);
const MIN = 60_000;
const buy = (minute: number, amount = 10): FeatureInput => ({ type: 'purchase', ts: T0 + minute * MIN, userId: 'u', deviceId: 'd', amount });

describe('late events', () => {
  it('beyond the lateness: counted, scored with the state it finds, not added to it', () => {
    const e = new FeatureEngine({ latenessMs: 2 * MIN });
    const rows = e.process([buy(0), buy(30), buy(20, 99), buy(31)]);
    expect(e.stat(STAT.late)).toBe(1);
    expect(e.stat(STAT.rows)).toBe(4); // the late purchase has its row
    const late = rows.subarray(2 * W, 3 * W);
    expect(late[col('user_purchases_total')]).toBe(2); // it sees both before it
    expect(late[col('amount')]).toBe(99);
    expect(late[col('user_seconds_since_last_purchase')]).toBe(0); // the newest is later than it
    const after = rows.subarray(3 * W);
    expect(after[col('user_purchases_total')]).toBe(2); // ... and it was not counted
    expect(after[col('user_amount_max')]).toBe(10);
  });

  it('within the lateness: counted into its own bucket, not late', () => {
    const e = new FeatureEngine({ latenessMs: 5 * MIN });
    // Minute 9 is in the 5-minute bucket before minute 11's.
    const rows = e.process([buy(11), buy(9, 5), buy(12)]);
    expect(e.stat(STAT.late)).toBe(0);
    const outOfOrder = rows.subarray(W, 2 * W);
    expect(outOfOrder[col('user_purchases_1h')]).toBe(1); // it sees minute 11, which arrived first
    const last = rows.subarray(2 * W);
    expect(last[col('user_purchases_total')]).toBe(2);
    expect(last[col('user_purchases_5m')]).toBe(1); // only minute 11 is in minute 12's bucket
    expect(last[col('user_purchases_1h')]).toBe(2);
    expect(last[col('user_amount_1h')]).toBe(15);
  });

  it('the lateness is measured from the newest event of any entity', () => {
    const e = new FeatureEngine({ latenessMs: MIN });
    e.process([{ type: 'view', ts: T0 + 60 * MIN, userId: 'other' }, buy(30)]);
    expect(e.stat(STAT.late)).toBe(1);
  });
});
