// Events to columns: writes a batch of events into the core's column buffers
// (assembly/features/columns.ts has the layout). Ids are hashed straight into
// the u64 columns as (lo, hi) u32 pairs; countries are normalised first.
// Views are re-made whenever WASM memory has grown (growth detaches them).

import { ipv4ToNumber, type EventType } from '../core/schema.js';
import { hashInto, normalizeCountry } from '../core/hash.js';
import { browserCode, sexCode, sourceCode, typeCode } from './codes.js';
import { wrote } from '../wasm/image.js';

/** What the features read from an event: SPEC's events fit it as they are. */
export interface FeatureInput {
  type: EventType;
  /** Epoch ms. */
  ts: number;
  userId?: string;
  deviceId?: string;
  ip?: string;
  /** IPv4 as an integer 0..2^32-1; taken from `ip` when absent. */
  ipNum?: number;
  country?: string;
  billingCountry?: string;
  paymentMethod?: string;
  amount?: number;
  source?: string;
  browser?: string;
  sex?: string;
  age?: number;
}

export const COL = {
  type: 0, ts: 1, user: 2, device: 3, ip: 4, country: 5, billing: 6, payment: 7,
  amount: 8, ipNum: 9, source: 10, browser: 11, sex: 12, age: 13,
} as const;
export const NUM_COLUMNS = 14;

export class ColumnBatch {
  type!: Int32Array;
  ts!: Float64Array;
  user!: Uint32Array;
  device!: Uint32Array;
  ip!: Uint32Array;
  country!: Uint32Array;
  billing!: Uint32Array;
  payment!: Uint32Array;
  amount!: Float64Array;
  ipNum!: Float64Array;
  source!: Int32Array;
  browser!: Int32Array;
  sex!: Int32Array;
  age!: Float64Array;
  private buffer: ArrayBuffer | null = null;

  constructor(
    private readonly exports: FeatureExports,
    readonly capacity: number,
  ) {
    this.refresh();
  }

  /** Makes the views again on the next refresh (the columns may have moved: a state image was loaded). */
  forget(): void {
    this.buffer = null;
  }

  /** Re-makes the views if memory has grown. Called before each batch is written. */
  refresh(): this {
    const buf = this.exports.memory.buffer;
    if (buf === this.buffer) return this;
    this.buffer = buf;
    const e = this.exports;
    const n = this.capacity;
    const i32 = (c: number) => new Int32Array(buf, e.featuresColumn(c), n);
    const f64 = (c: number) => new Float64Array(buf, e.featuresColumn(c), n);
    const u64 = (c: number) => new Uint32Array(buf, e.featuresColumn(c), n * 2);
    this.type = i32(COL.type);
    this.ts = f64(COL.ts);
    this.user = u64(COL.user);
    this.device = u64(COL.device);
    this.ip = u64(COL.ip);
    this.country = u64(COL.country);
    this.billing = u64(COL.billing);
    this.payment = u64(COL.payment);
    this.amount = f64(COL.amount);
    this.ipNum = f64(COL.ipNum);
    this.source = i32(COL.source);
    this.browser = i32(COL.browser);
    this.sex = i32(COL.sex);
    this.age = f64(COL.age);
    return this;
  }

  /** Marks rows 0..n-1 of every column as written (host/wasm/image.ts wrote). Called before the batch is run. */
  wrote(n: number): void {
    for (const c of [this.type, this.ts, this.user, this.device, this.ip, this.country, this.billing, this.payment, this.amount, this.ipNum, this.source, this.browser, this.sex, this.age]) {
      wrote(this.exports, c.byteOffset, (c.byteLength / this.capacity) * n);
    }
  }

  /** Writes event `e` as row i of the batch. */
  set(i: number, e: FeatureInput): void {
    const j = i * 2;
    this.type[i] = typeCode(e.type);
    this.ts[i] = e.ts;
    hashInto(e.userId, this.user, j);
    hashInto(e.deviceId, this.device, j);
    hashInto(e.ip, this.ip, j);
    hashInto(normalizeCountry(e.country), this.country, j);
    hashInto(normalizeCountry(e.billingCountry), this.billing, j);
    hashInto(e.paymentMethod, this.payment, j);
    this.amount[i] = e.amount ?? NaN;
    this.ipNum[i] = e.ipNum ?? (e.ip ? (ipv4ToNumber(e.ip) ?? NaN) : NaN);
    this.source[i] = sourceCode(e.source);
    this.browser[i] = browserCode(e.browser);
    this.sex[i] = sexCode(e.sex);
    this.age[i] = e.age ?? NaN;
  }
}

/** The fraud-feature exports of the WASM core (docs/ABI.md, "Fraud features"). */
export interface FeatureExports {
  memory: WebAssembly.Memory;
  stateDirty(): number;
  featuresCount(): number;
  featuresNamesHash(): number;
  featuresNumColumns(): number;
  featuresConfigure(latenessMs: number, profileTtlMs: number): number;
  featuresReset(): void;
  featuresReserve(events: number): number;
  featuresColumn(c: number): number;
  featuresOutPtr(): number;
  featuresRun(n: number, rowsAt: number): number;
  featuresBadEvent(): number;
  featuresRejected(): number;
  featuresStatusPtr(): number;
  featuresStat(k: number): number;
  ipRangesReserve(n: number): number;
  ipRangesLoad(n: number): number;
  ipRangeOf(ip: number): number;
}
