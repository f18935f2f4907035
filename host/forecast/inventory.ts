// The inventory job on the stream (a Stage of host/core/pipeline.ts): per
// SKU, sales are summed into periods (a day by default); when a period
// closes, the SKU's exponential-smoothing model moves on by it (one state
// update in WASM, no refit) and is refitted (AICc choice over the family)
// on a schedule, or sooner when its one-step errors drift above what the
// model expects. Each event's SKU gets a fresh InventoryState: level,
// forecast with its interval, runout date and alert state; a change of
// alert state is a StockAlert on 'alerts.stock' with its reason.

import type { Event } from '../core/schema.js';
import type { Stage } from '../core/pipeline.js';
import type { BatchOutput, InventoryState, Snapshot, StatePart, Stateful, StockAlert } from '../core/ports.js';
import { ForecastEngine, REC } from './engine.js';
import { runout } from './runout.js';
import { SkuState, type AlertState } from './sku.js';

export const PERIODS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
export type PeriodName = keyof typeof PERIODS;
/** The season length tried for each period: a day of hours, a week of days, none for weeks. */
const SEASON: Record<PeriodName, number> = { hour: 24, day: 7, week: 1 };

export interface InventoryOptions {
  /** Sales are summed per period (default 'day'). */
  period?: PeriodName;
  /** Lead time when the stock events do not say (days, default 7). */
  leadTimeDays?: number;
  /** Reorder point when the stock events do not say (units, default 0: only runout alerts). */
  reorderPoint?: number;
  /** Refit every this many closed periods (default 7). */
  refitPeriods?: number;
  /** Periods forecast (default 14). */
  horizon?: number;
  /** Closed periods needed before the first fit (default 14). */
  minHistory?: number;
  /** Closed periods kept per SKU (default 365). */
  maxHistory?: number;
  /** Refit when the mean |error| / sigma of the last 7 periods is above this (default 1.5; a calibrated model is near 0.8). */
  driftRatio?: number;
  /** Most model fits per batch; the rest wait for the next batch (default 16). */
  fitsPerBatch?: number;
  /** Interval level (default 0.9). */
  level?: number;
  engine?: ForecastEngine;
}

const DAY = 86_400_000;
const DRIFT_WINDOW = 7;

export class InventoryStage implements Stage, Stateful {
  readonly name = 'inventory';
  readonly periodMs: number;
  readonly season: number;
  private readonly o: Required<Omit<InventoryOptions, 'engine' | 'period'>>;
  private readonly engine: ForecastEngine;
  private readonly skus = new Map<string, SkuState>();
  /** Counters for tests and metrics. */
  readonly stats = { fits: 0, updates: 0, driftRefits: 0 };

  constructor(o: InventoryOptions = {}) {
    const period = o.period ?? 'day';
    this.periodMs = PERIODS[period];
    this.season = SEASON[period];
    this.engine = o.engine ?? new ForecastEngine();
    this.o = {
      leadTimeDays: o.leadTimeDays ?? 7,
      reorderPoint: o.reorderPoint ?? 0,
      refitPeriods: o.refitPeriods ?? 7,
      horizon: o.horizon ?? 14,
      minHistory: o.minHistory ?? 14,
      maxHistory: o.maxHistory ?? 365,
      driftRatio: o.driftRatio ?? 1.5,
      fitsPerBatch: o.fitsPerBatch ?? 16,
      level: o.level ?? 0.9,
    };
  }

  /** The state of one SKU (tests, debugging). */
  sku(id: string): SkuState | undefined {
    return this.skus.get(id);
  }

  /**
   * Every SKU's state (level, periods, history, model) and the counters:
   * host-side only, the forecast instance keeps nothing between calls.
   */
  snapshot(): Snapshot {
    return { image: null, meta: { skus: [...this.skus.values()], stats: this.stats } };
  }

  restore(part: StatePart): void {
    const meta = part.meta as { skus: SkuState[]; stats: InventoryStage['stats'] };
    this.skus.clear();
    for (const s of meta.skus) this.skus.set(s.sku, Object.assign(new SkuState(s.sku), s));
    Object.assign(this.stats, meta.stats);
  }

  process(events: readonly Event[], out: BatchOutput): void {
    const touched = new Set<SkuState>();
    for (const e of events) {
      if (e.type !== 'sale' && e.type !== 'stock') continue;
      let s = this.skus.get(e.sku);
      if (!s) this.skus.set(e.sku, (s = new SkuState(e.sku)));
      this.advance(s, e.ts);
      if (e.type === 'sale') {
        s.open += e.qty;
        if (s.level !== null) s.level = Math.max(0, s.level - e.qty);
      } else {
        s.level = e.level;
        if (e.reorderPoint !== undefined) s.reorderPoint = e.reorderPoint;
        if (e.leadTimeDays !== undefined) s.leadTimeDays = e.leadTimeDays;
      }
      s.lastTs = Math.max(s.lastTs, e.ts);
      touched.add(s);
    }
    let fits = 0;
    for (const s of touched) {
      if (s.needsFit && fits < this.o.fitsPerBatch) {
        fits++;
        this.fit(s);
      }
      const state = this.state(s);
      out.inventory.push(state);
      const alert = this.alertFor(s, state);
      if (alert) out.alerts.push(alert);
    }
  }

  // Closes the periods before ts's: each moves the model on (or queues a fit).
  private advance(s: SkuState, ts: number): void {
    const p = Math.floor(ts / this.periodMs);
    if (s.period < 0) {
      s.period = p;
      return;
    }
    if (p <= s.period) return; // same period, or a late event: counted in the open one
    // Periods with no events are zero sales; cap the gap at the history length.
    const gap = Math.min(p - s.period, this.o.maxHistory);
    for (let k = 0; k < gap; k++) {
      this.close(s, k === 0 ? s.open : 0);
    }
    s.open = 0;
    s.period = p;
  }

  private close(s: SkuState, y: number): void {
    s.history.push(y);
    if (s.history.length > this.o.maxHistory) s.history.shift();
    if (s.model) {
      if (s.nextForecast !== null) {
        const sigma = Math.sqrt(Math.max(s.model.record[REC.sigma2]!, 1e-12));
        const relative = s.model.record[REC.error] === 2;
        const err = Math.abs(y - s.nextForecast) / (relative ? Math.max(Math.abs(s.nextForecast), 1e-9) : 1);
        s.recentErrors.push(err / sigma);
        if (s.recentErrors.length > DRIFT_WINDOW) s.recentErrors.shift();
      }
      try {
        this.engine.update(s.model, [y]);
        this.stats.updates++;
        s.nextForecast = this.engine.predict(s.model, 1, this.o.level).mean[0]!;
      } catch {
        s.needsFit = true; // e.g. a zero under a multiplicative model
      }
      s.sinceFit++;
      const drift = s.recentErrors.length >= DRIFT_WINDOW && s.recentErrors.reduce((a, b) => a + b, 0) / s.recentErrors.length > this.o.driftRatio;
      if (drift && !s.needsFit) this.stats.driftRefits++;
      if (s.sinceFit >= this.o.refitPeriods || drift) s.needsFit = true;
    } else if (s.history.length >= this.o.minHistory) {
      s.needsFit = true;
    }
  }

  private fit(s: SkuState): void {
    s.needsFit = false;
    s.sinceFit = 0;
    s.recentErrors = [];
    try {
      const m = s.history.length >= 2 * this.season + 4 ? this.season : 1;
      s.model = this.engine.auto(s.history, m);
      s.nextForecast = this.engine.predict(s.model, 1, this.o.level).mean[0]!;
      this.stats.fits++;
    } catch {
      s.model = null; // e.g. all zeros so far: no model yet, try again at the next schedule
      s.nextForecast = null;
    }
  }

  private state(s: SkuState): InventoryState {
    const h = this.o.horizon;
    const forecast: InventoryState['forecast'] = [];
    let runoutDate: string | null = null;
    let earliest: number | null = null;
    if (s.model) {
      // The model's state is at the end of the last closed period: its step 1 is the open period.
      const f = this.engine.predict(s.model, h, this.o.level);
      for (let k = 0; k < h; k++) {
        forecast.push({ date: new Date((s.period + k) * this.periodMs).toISOString(), mean: round(Math.max(0, f.mean[k]!)), lo: round(Math.max(0, f.lo[k]!)), hi: round(Math.max(0, f.hi[k]!)) });
      }
      if (s.level !== null) {
        const r = runout({ level: s.level, now: s.lastTs, periodStart: s.period * this.periodMs, periodMs: this.periodMs, soldThisPeriod: s.open, mean: f.mean, lo: f.lo, hi: f.hi });
        runoutDate = r.at === null ? null : new Date(r.at).toISOString();
        earliest = r.earliest;
      }
    } else if (s.level !== null && s.level <= 0) {
      runoutDate = new Date(s.lastTs).toISOString();
    }
    // Alert state: below the reorder point, or out within the lead time (expected date).
    const rop = s.reorderPoint ?? this.o.reorderPoint;
    const lead = s.leadTimeDays ?? this.o.leadTimeDays;
    let alert: AlertState = 'ok';
    let reason = '';
    const runoutMs = runoutDate === null ? null : Date.parse(runoutDate);
    if (s.level !== null && runoutMs !== null && runoutMs - s.lastTs <= lead * DAY) {
      alert = 'stockout-risk';
      const days = Math.max(0, (runoutMs - s.lastTs) / DAY);
      reason = s.level <= 0
        ? 'out of stock'
        : `expected to run out in ${days.toFixed(1)} days (${runoutDate!.slice(0, 10)}), within the ${lead}-day lead time; level ${s.level}`;
    } else if (s.level !== null && s.level < rop) {
      alert = 'reorder';
      reason = `level ${s.level} is below the reorder point ${rop}`;
    } else if (s.level !== null && earliest !== null && earliest - s.lastTs <= lead * DAY) {
      // Not an alert by itself: said in the ok state's reason.
      reason = `may run out within the lead time if demand runs at the top of the forecast interval`;
    }
    s.reason = reason;
    return { sku: s.sku, level: s.level, forecast, runoutDate, alert: s.level === null && !s.model ? null : { state: alert, reason } };
  }

  // A StockAlert when the alert state changes (into a risk, between risks, or back to ok).
  private alertFor(s: SkuState, state: InventoryState): StockAlert | null {
    const next = state.alert?.state ?? 'ok';
    if (next === s.alert) return null;
    const was = s.alert;
    s.alert = next;
    const reason = next === 'ok' ? `back to ok (was ${was})${state.alert?.reason ? `; ${state.alert.reason}` : ''}` : state.alert!.reason;
    return { topic: 'alerts.stock', ts: s.lastTs, sku: s.sku, level: s.level ?? 0, reason, runoutDate: state.runoutDate };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
