// The fraud-feature exports of the WASM core, wrapped for the host. An engine
// shares its instance with a GbtEngine (pass one in), so a batch's rows can be
// written straight into the scorer's input buffer and scored without a copy.
// At start-up it checks that the module's feature count and names hash match
// host/fraud/catalog.ts.

import { EngineError } from '../core/errors.js';
import { GbtEngine } from '../gbt/engine.js';
import { FEATURE_NAMES, namesHash } from './catalog.js';
import { ColumnBatch, NUM_COLUMNS, type FeatureExports, type FeatureInput } from './columns.js';
import { statusMessage } from '../wasm/status.js';
import { wrote } from '../wasm/image.js';
import { hashInto, normalizeCountry } from '../core/hash.js';
import type { IpRanges } from '../datasets/ip-country.js';

export const DEFAULT_LATENESS_MS = 300_000;
export const DEFAULT_PROFILE_TTL_MS = 180 * 86_400_000;

export interface FeatureOptions {
  /** Allowed lateness, 0..300000 ms (default 300000). */
  latenessMs?: number;
  /** Idle time after which profile and pair state is dropped (default 180 days). */
  profileTtlMs?: number;
  /** Most events per batch (default 4096). */
  capacity?: number;
  /** Share this scorer's instance (and memory). */
  engine?: GbtEngine;
}

/** featuresStat keys. */
export const STAT = { events: 0, late: 1, rows: 2, watermark: 3, stateBytes: 4, evictions: 5, ipRanges: 6 } as const;

export const TABLES = [
  'users', 'devices', 'ips', 'userWindows', 'deviceWindows', 'ipWindows', 'countryWindows',
  'userDevices', 'userIps', 'userCountries', 'userPayments', 'deviceIps',
] as const;

export class FeatureEngine {
  readonly exports: FeatureExports;
  readonly names = FEATURE_NAMES;
  readonly width: number;
  readonly capacity: number;
  private readonly batch: ColumnBatch;

  constructor(opts: FeatureOptions = {}) {
    this.exports = (opts.engine ?? new GbtEngine()).exports as unknown as FeatureExports;
    const e = this.exports;
    if (typeof e.featuresCount !== 'function') throw new EngineError(-11, 'this build/streamscore.wasm has no feature exports: run `npm run build`');
    this.width = e.featuresCount();
    if (this.width !== FEATURE_NAMES.length || e.featuresNamesHash() >>> 0 !== namesHash() || e.featuresNumColumns() !== NUM_COLUMNS) {
      throw new EngineError(-11, `the WASM module's ${this.width} features do not match host/fraud/catalog.ts (${FEATURE_NAMES.length}): run \`npm run gen:features && npm run build\``);
    }
    this.check(e.featuresConfigure(opts.latenessMs ?? DEFAULT_LATENESS_MS, opts.profileTtlMs ?? DEFAULT_PROFILE_TTL_MS));
    this.capacity = opts.capacity ?? 4096;
    this.check(e.featuresReserve(this.capacity));
    this.batch = new ColumnBatch(e, this.capacity);
  }

  /** The column views to write up to `capacity` events into; valid until the next run. */
  columns(): ColumnBatch {
    return this.batch.refresh();
  }

  /**
   * Processes events 0..n-1 written through columns(): returns the number of
   * feature rows written (one per valid purchase, in event order) at
   * `rowsAt` (default: the module's own buffer, read with rows()). Each
   * event is judged alone: one the core does not accept is skipped (no row,
   * no state change) and listed by rejected(). Lateness is measured from
   * the newest event so far: events of several streams go in merged in
   * event-time order (docs/STATE.md). Throws EngineError only for a bad call.
   */
  run(n: number, rowsAt: number = this.exports.featuresOutPtr()): number {
    this.batch.wrote(n);
    const r = this.exports.featuresRun(n, rowsAt);
    if (r < 0) throw new EngineError(r, statusMessage(r));
    return r;
  }

  /**
   * run() into the default buffer for callers whose events were checked
   * already (a replay of a read file, a feature matrix): a skipped event is
   * an error naming it, as event `first` + its index in the batch.
   */
  runChecked(n: number, first: number): number {
    const rows = this.run(n);
    const bad = this.rejected()[0];
    if (bad !== undefined) throw new EngineError(bad.status, `${bad.reason} (event ${first + bad.index})`);
    return rows;
  }

  /** The events the last run skipped, with why, in batch order (empty when it took them all). */
  rejected(): { index: number; status: number; reason: string }[] {
    const e = this.exports;
    const count = e.featuresRejected();
    if (count === 0) return [];
    const out: { index: number; status: number; reason: string }[] = [];
    const statuses = new Int32Array(e.memory.buffer, e.featuresStatusPtr(), this.capacity);
    for (let i = e.featuresBadEvent(); out.length < count && i < statuses.length; i++) {
      const status = statuses[i]!;
      if (status !== 0) out.push({ index: i, status, reason: statusMessage(status) });
    }
    return out;
  }

  /** The rows of the last run into the default buffer; valid until the next call. */
  rows(count: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, this.exports.featuresOutPtr(), count * this.width);
  }

  /** Processes events in order, in batches; returns a copy of all rows (one per purchase). */
  process(events: readonly FeatureInput[]): Float64Array {
    const purchases = events.reduce((n, e) => n + (e.type === 'purchase' ? 1 : 0), 0);
    const out = new Float64Array(purchases * this.width);
    let at = 0;
    for (let start = 0; start < events.length; start += this.capacity) {
      const end = Math.min(events.length, start + this.capacity);
      const cols = this.columns();
      for (let i = start; i < end; i++) cols.set(i - start, events[i]!);
      const rows = this.runChecked(end - start, start);
      out.set(this.rows(rows), at);
      at += rows * this.width;
    }
    return out;
  }

  /** Installs an IP-to-country table (sorted, disjoint ranges). */
  loadIpRanges(r: IpRanges): void {
    const e = this.exports;
    const n = r.lo.length;
    const ptr = e.ipRangesReserve(n);
    if (ptr === 0) throw new EngineError(-10, statusMessage(-10));
    const words = new Uint32Array(e.memory.buffer, ptr, n * 4);
    const h = new Uint32Array(2);
    const hashes = new Map<string, [number, number]>();
    for (let k = 0; k < n; k++) {
      const name = r.country[k]!;
      let c = hashes.get(name);
      if (!c) {
        hashInto(normalizeCountry(name), h, 0);
        c = [h[0]!, h[1]!];
        hashes.set(name, c);
      }
      words[k * 4] = r.lo[k]!;
      words[k * 4 + 1] = r.hi[k]!;
      words[k * 4 + 2] = c[0];
      words[k * 4 + 3] = c[1];
    }
    wrote(e, ptr, n * 16);
    this.check(e.ipRangesLoad(n));
  }

  /** Index of the range holding an IPv4 number, or -1. */
  rangeOf(ip: number): number {
    return this.exports.ipRangeOf(ip);
  }

  /** A counter (STAT) or, with a table name, its live records and bytes. */
  stat(k: number): number {
    return this.exports.featuresStat(k);
  }

  tableStats(): { name: string; records: number; bytes: number }[] {
    return TABLES.map((name, t) => ({ name, records: this.stat(100 + t), bytes: this.stat(200 + t) }));
  }

  /**
   * Takes up where a state image loaded into the instance left off: the
   * batch buffers are reserved again and the views re-made. Called after
   * GbtEngine.loadImage.
   */
  restored(): void {
    this.check(this.exports.featuresReserve(this.capacity));
    this.batch.forget();
  }

  /** Drops all per-entity state (keeps the IP table). */
  reset(): void {
    this.exports.featuresReset();
  }

  private check(status: number): void {
    if (status < 0) throw new EngineError(status, statusMessage(status));
  }
}
