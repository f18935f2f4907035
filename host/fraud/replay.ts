// Replays a Fraud_Data file through the WASM feature code: each row's signup
// and purchase in time order, a batch at a time. `features` writes the rows
// out; `eval fraud` keeps them to train and score on.

import { FeatureEngine } from './features.js';
import { type FraudData, replayOrder } from '../datasets/fraud-data.js';
import type { FeatureInput } from './columns.js';
import { hashInto } from '../core/hash.js';
import { browserCode, sexCode, sourceCode, PURCHASE, SIGNUP } from './codes.js';

export interface ReplayBatch {
  /** The feature rows written (a view into WASM memory, valid until the next batch). */
  rows: Float64Array;
  count: number;
  /** The data row of each feature row. */
  purchaseRows: readonly number[];
  /** Events replayed so far. */
  events: number;
}

/** Feeds every event of `data` through `engine`, yielding each batch's feature rows. */
export function* replayFraud(data: FraudData, engine: FeatureEngine): Generator<ReplayBatch> {
  const n = data.rows;
  // Each row's ids hashed once, for both of its events.
  const user = new Uint32Array(2 * n);
  const device = new Uint32Array(2 * n);
  const ip = new Uint32Array(2 * n);
  const codes = new Int32Array(3 * n);
  for (let r = 0; r < n; r++) {
    hashInto(data.userId[r], user, 2 * r);
    hashInto(data.deviceId[r], device, 2 * r);
    hashInto(data.ip[r], ip, 2 * r);
    codes[3 * r] = sourceCode(data.source[r]);
    codes[3 * r + 1] = browserCode(data.browser[r]);
    codes[3 * r + 2] = sexCode(data.sex[r]);
  }
  const order = replayOrder(data);
  const purchaseRows: number[] = [];
  for (let start = 0; start < order.length; start += engine.capacity) {
    const end = Math.min(order.length, start + engine.capacity);
    const c = engine.columns();
    purchaseRows.length = 0;
    for (let i = 0; i < end - start; i++) {
      const code = order[start + i]!;
      const r = code >>> 1;
      const purchase = (code & 1) === 1;
      c.type[i] = purchase ? PURCHASE : SIGNUP;
      c.ts[i] = purchase ? data.purchaseTs[r]! : data.signupTs[r]!;
      for (const [dst, src] of [[c.user, user], [c.device, device], [c.ip, ip]] as const) {
        dst[2 * i] = src[2 * r]!;
        dst[2 * i + 1] = src[2 * r + 1]!;
      }
      c.country[2 * i] = c.country[2 * i + 1] = 0;
      c.billing[2 * i] = c.billing[2 * i + 1] = 0;
      c.payment[2 * i] = c.payment[2 * i + 1] = 0;
      c.amount[i] = purchase ? data.amount[r]! : NaN;
      c.ipNum[i] = data.ipNum[r]!;
      c.source[i] = codes[3 * r]!;
      c.browser[i] = codes[3 * r + 1]!;
      c.sex[i] = codes[3 * r + 2]!;
      c.age[i] = data.age[r]!;
      if (purchase) purchaseRows.push(r);
    }
    // The reader checked every row; a skipped one would shift the rows against purchaseRows.
    const count = engine.runChecked(end - start, start);
    yield { rows: engine.rows(count), count, purchaseRows, events: end };
  }
}

/** The feature matrix of every purchase, row r of the matrix for data row r. */
export function fraudFeatureMatrix(data: FraudData, engine: FeatureEngine): Float64Array {
  const width = engine.width;
  const matrix = new Float64Array(data.rows * width);
  for (const { rows, count, purchaseRows } of replayFraud(data, engine)) {
    for (let k = 0; k < count; k++) matrix.set(rows.subarray(k * width, (k + 1) * width), purchaseRows[k]! * width);
  }
  return matrix;
}

/** The event of a replay code, as a FeatureInput (the reference and tests use these). */
export function fraudEvent(d: FraudData, code: number): FeatureInput {
  const r = code >>> 1;
  const purchase = (code & 1) === 1;
  return {
    type: purchase ? 'purchase' : 'signup',
    ts: purchase ? d.purchaseTs[r]! : d.signupTs[r]!,
    userId: d.userId[r],
    deviceId: d.deviceId[r] || undefined,
    ip: d.ip[r] || undefined,
    ipNum: Number.isNaN(d.ipNum[r]!) ? undefined : d.ipNum[r],
    amount: purchase ? d.amount[r] : undefined,
    source: d.source[r] || undefined,
    browser: d.browser[r] || undefined,
    sex: d.sex[r] || undefined,
    age: Number.isNaN(d.age[r]!) ? undefined : d.age[r],
  };
}
