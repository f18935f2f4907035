// Simulated demand and stock for the inventory job. Each SKU sells as a
// Poisson stream of orders whose daily level is
//
//   base x trend(day) x weekly(weekday) x noise(day)      (x the time of day)
//
// trend: 1 + slope x days since the start (slope per SKU, -0.3%..+0.6%/day,
// floored at 0.2); weekly: WEEKLY below, scaled per SKU by an amplitude in
// [0.5, 1.5]; noise: log-normal, sigma 0.15, mean 1, the same for a SKU and
// day however the stream is read (a hash, not the generator). Stock follows
// a reorder-point policy: a sale that leaves the level at or below the
// reorder point orders `orderQty`, which arrives after about leadTimeDays
// (0.8x to 1.4x: suppliers are late); a sale larger than the level sells what
// is left, and at 0 it is lost. Every four weeks the planner re-estimates
// demand from the last 28 days and resets the reorder point and order size,
// so trends do not run the SKU dry for ever.

import { hashUnit, type Rng } from './random.js';
import { gauss } from './catalogue.js';

export const DAY_MS = 86_400_000;

/** Demand by UTC weekday (Sunday first): quiet early week, busy Friday to Sunday; mean 1. */
export const WEEKLY = [1.1, 0.88, 0.85, 0.9, 0.97, 1.08, 1.22] as const;

/** The time-of-day factor, mean 1 over a day: trough about 08:00 UTC, peak about 20:00 UTC. */
export function diurnal(ts: number, amplitude: number): number {
  const hour = (ts % DAY_MS) / 3_600_000;
  return 1 + amplitude * Math.cos((2 * Math.PI * (hour - 20)) / 24);
}

export interface Sku {
  id: string;
  index: number;
  warehouseId: string;
  /** Mean orders per day at the start, before the weekly and daily factors. */
  base: number;
  slope: number;
  weekAmp: number;
  leadTimeDays: number;
  safetyDays: number;
  coverDays: number;
  level: number;
  reorderPoint: number;
  orderQty: number;
  /** When the outstanding order arrives, or Infinity. */
  arrival: number;
  /** Units sold per day over the last 28 days (ring), for the planner. */
  recent: Float64Array;
  nextReview: number;
  lostUnits: number;
  stockouts: number;
}

const LEAD_TIMES = [2, 3, 5, 7, 10, 14] as const;
/** Mean units per order: 1 + geometric(0.7). */
export const MEAN_QTY = 1 + 0.3 / 0.7;

/** A SKU with its demand parameters and starting stock, from a hash of (seed, index). */
export function makeSku(seed: number, index: number, base: number, start: number): Sku {
  const h = (k: number) => hashUnit(seed, 0x5c0, index, k);
  const lead = LEAD_TIMES[Math.floor(h(1) * LEAD_TIMES.length)]!;
  const sku: Sku = {
    id: `SKU-${String(index + 1).padStart(5, '0')}`,
    index,
    warehouseId: `WH-${1 + Math.floor(h(2) * 3)}`,
    base,
    slope: -0.003 + 0.009 * h(3),
    weekAmp: 0.5 + h(4),
    leadTimeDays: lead,
    safetyDays: 1 + Math.floor(h(5) * 4),
    coverDays: 14 + Math.floor(h(6) * 15),
    level: 0,
    reorderPoint: 0,
    orderQty: 0,
    arrival: Infinity,
    recent: new Float64Array(28).fill(base * MEAN_QTY),
    nextReview: start + 28 * DAY_MS,
    lostUnits: 0,
    stockouts: 0,
  };
  plan(sku, base * MEAN_QTY);
  sku.level = sku.reorderPoint + Math.ceil(sku.orderQty * (0.3 + 0.7 * h(7)));
  return sku;
}

/** Resets the reorder point and order size for a demand of `unitsPerDay`. */
export function plan(sku: Sku, unitsPerDay: number): void {
  sku.reorderPoint = Math.ceil(unitsPerDay * (sku.leadTimeDays + sku.safetyDays));
  sku.orderQty = Math.max(1, Math.ceil(unitsPerDay * sku.coverDays));
}

/** Mean orders per day for the SKU on the UTC day holding ts. */
export function dailyOrders(seed: number, sku: Sku, ts: number, start: number): number {
  const day = Math.floor(ts / DAY_MS);
  const days = (ts - start) / DAY_MS;
  const trend = Math.max(0.2, 1 + sku.slope * days);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  const week = 1 + sku.weekAmp * (WEEKLY[weekday]! - 1);
  const z = gauss(hashUnit(seed, 0xda7, sku.index, day), hashUnit(seed, 0xda8, sku.index, day));
  const noise = Math.exp(0.15 * z - 0.15 * 0.15 / 2);
  return sku.base * trend * week * noise;
}

/** Units in one order: 1 + geometric(0.7), at most 12. */
export function orderQty(rng: Rng): number {
  return Math.min(12, 1 + rng.geometric(0.7));
}
