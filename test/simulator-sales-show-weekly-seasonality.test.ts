// Simulated sales follow a weekly cycle (busy Friday to Sunday, quiet early
// week) on top of each SKU's trend, and stock events carry the reorder
// policy: the level falls with sales and jumps when an order arrives.

import { expect, test } from 'vitest';
import type { SaleEvent, StockEvent } from '../host/core/schema.js';
import { WEEKLY } from '../host/simulator/demand.js';
import { Simulator } from '../host/simulator/simulator.js';

const DAY = 86_400_000;

test('ten weeks of sales: units by weekday follow the weekly profile; stock falls and is replenished', () => {
  const start = Date.UTC(2024, 0, 7); // a Sunday
  const sim = new Simulator({ seed: 21, start, rate: 0.05, skus: 12, salesShare: 0.6 });
  const end = start + 70 * DAY;
  const units = new Float64Array(7);
  const stock = new Map<string, StockEvent[]>();
  const sold = new Map<string, number>();
  for (let done = false; !done; ) {
    for (const e of sim.next(4096)) {
      if (e.ts >= end) {
        done = true;
        break;
      }
      if (e.type === 'sale') {
        units[new Date(e.ts).getUTCDay()]! += (e as SaleEvent).qty;
        sold.set(e.sku, (sold.get(e.sku) ?? 0) + e.qty);
      }
      if (e.type === 'stock') stock.set(e.sku, [...(stock.get(e.sku) ?? []), e]);
    }
  }
  const mean = units.reduce((a, b) => a + b, 0) / 7;
  const profile = [...units].map((u) => u / mean);
  // Correlation with the profile the simulator uses, and a clear weekend lift.
  const w = [...WEEKLY];
  const corr = pearson(profile, w);
  expect(corr, `profile ${profile.map((x) => x.toFixed(2)).join(' ')}`).toBeGreaterThan(0.9);
  const weekend = (profile[5]! + profile[6]! + profile[0]!) / 3;
  const early = (profile[1]! + profile[2]! + profile[3]!) / 3;
  expect(weekend / early).toBeGreaterThan(1.2);

  // Stock: every SKU is counted four times a day; levels go down between counts and up when an order lands.
  expect(stock.size).toBe(12);
  let arrivals = 0;
  for (const [sku, xs] of stock) {
    expect(xs.length).toBeGreaterThanOrEqual(70 * 4);
    for (const s of xs) {
      expect(s.reorderPoint).toBeGreaterThan(0);
      expect([2, 3, 5, 7, 10, 14]).toContain(s.leadTimeDays);
      expect(s.warehouseId).toMatch(/^WH-\d$/);
    }
    for (let k = 1; k < xs.length; k++) if (xs[k]!.level > xs[k - 1]!.level) arrivals++;
    expect(sold.get(sku) ?? 0).toBeGreaterThan(0);
  }
  expect(arrivals).toBeGreaterThanOrEqual(12);
});

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
