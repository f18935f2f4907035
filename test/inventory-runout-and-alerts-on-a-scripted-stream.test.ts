// The inventory stage on a scripted stream: a SKU selling a steady weekly
// pattern for six weeks gets a demand model, a forecast with an interval, a
// runout date where the level meets the cumulative forecast, and stock alerts
// only when its alert state changes (reorder point, runout within the lead
// time, back to ok after a delivery), each with its reason.

import { describe, expect, it } from 'vitest';
import { InventoryStage } from '../host/forecast/inventory.js';
import type { BatchOutput, Event, StockAlert } from '../host/core/ports.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday
const WEEK = [10, 10, 10, 10, 14, 16, 6]; // units per weekday, Monday first

const empty = (): BatchOutput => ({ scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [] });
let seq = 0;
const sale = (sku: string, ts: number, qty: number): Event => ({ eventId: `e${seq++}`, type: 'sale', ts, sku, qty });
const stock = (sku: string, ts: number, level: number, extra: { reorderPoint?: number; leadTimeDays?: number } = {}): Event => ({ eventId: `e${seq++}`, type: 'stock', ts, sku, level, ...extra });

/** Days d0..d1-1 of sales, two sale events a day. */
function days(sku: string, d0: number, d1: number): Event[] {
  const out: Event[] = [];
  for (let d = d0; d < d1; d++) {
    const q = WEEK[d % 7]!;
    out.push(sale(sku, T0 + d * DAY + 9 * 3_600_000, Math.floor(q / 2)), sale(sku, T0 + d * DAY + 15 * 3_600_000, q - Math.floor(q / 2)));
  }
  return out;
}

describe('inventory stage', () => {
  it('forecasts the weekly demand, dates the runout and alerts on state changes only', () => {
    const stage = new InventoryStage({ leadTimeDays: 7, refitPeriods: 7 });
    const outs: BatchOutput[] = [];
    const run = (events: Event[]) => {
      const o = empty();
      stage.process(events, o);
      outs.push(o);
      return o;
    };
    // A large opening stock, then 42 days of sales in weekly batches.
    run([stock('A', T0, 10_000, { reorderPoint: 100, leadTimeDays: 5 })]);
    for (let w = 0; w < 6; w++) run(days('A', w * 7, w * 7 + 7));
    const s = stage.sku('A')!;
    expect(s.model).not.toBeNull();
    expect(stage.stats.fits).toBeGreaterThanOrEqual(2); // first fit, then the schedule
    expect(stage.stats.updates).toBeGreaterThan(10); // periods moved the model on without a fit

    // Day 42 (a Monday): the next seven days' forecast follows the weekly pattern.
    const o = run([stock('A', T0 + 42 * DAY + 3_600_000, 120)]);
    const st = o.inventory.find((i) => i.sku === 'A')!;
    expect(st.level).toBe(120);
    expect(st.forecast).toHaveLength(14);
    st.forecast.slice(0, 7).forEach((f, k) => {
      expect(f.mean).toBeCloseTo(WEEK[k]!, 0);
      expect(f.lo).toBeLessThanOrEqual(f.mean);
      expect(f.hi).toBeGreaterThanOrEqual(f.mean);
    });
    // 120 units: Mon-Sun sells 76, the next Mon-Thu 40 more (116), so out on the second Friday (day 53).
    expect(st.runoutDate).not.toBeNull();
    const runoutDay = (Date.parse(st.runoutDate!) - T0) / DAY;
    expect(runoutDay).toBeGreaterThan(52.9);
    expect(runoutDay).toBeLessThan(54);
    // Runout in ~11 days, lead time 5: fine; level 120 >= reorder point 100.
    expect(st.alert).toEqual({ state: 'ok', reason: expect.any(String) });
    expect(outs.flatMap((x) => x.alerts)).toHaveLength(0);

    // Sell down to 95 (< 100, still ~9 days of demand): one reorder alert; more sales in that state repeat nothing.
    const a1 = run([sale('A', T0 + 42 * DAY + 2 * 3_600_000, 25)]);
    expect(a1.alerts).toHaveLength(1);
    expect(a1.alerts[0]).toMatchObject({ topic: 'alerts.stock', sku: 'A', level: 95, reason: 'level 95 is below the reorder point 100' });
    const a2 = run([sale('A', T0 + 42 * DAY + 3 * 3_600_000, 1)]);
    expect(a2.alerts).toHaveLength(0);
    // 44 units is about four days of demand: within the lead time of 5 -> stockout-risk, one alert with the date.
    const a3 = run([sale('A', T0 + 42 * DAY + 4 * 3_600_000, 0), stock('A', T0 + 42 * DAY + 5 * 3_600_000, 44)]);
    const st3 = a3.inventory.at(-1)!;
    expect(st3.alert!.state).toBe('stockout-risk');
    expect(a3.alerts).toHaveLength(1);
    expect((a3.alerts[0] as StockAlert).reason).toMatch(/run out in \d+\.\d days .*within the 5-day lead time/);
    expect((a3.alerts[0] as StockAlert).runoutDate).toBe(st3.runoutDate);
    // A delivery: back to ok, said once.
    const a4 = run([stock('A', T0 + 42 * DAY + 6 * 3_600_000, 1000)]);
    expect(a4.inventory.at(-1)!.alert!.state).toBe('ok');
    expect(a4.alerts).toHaveLength(1);
    expect((a4.alerts[0] as StockAlert).reason).toMatch(/^back to ok \(was stockout-risk\)/);
    expect(run([stock('A', T0 + 42 * DAY + 7 * 3_600_000, 999)]).alerts).toHaveLength(0);
  });

  it('uses the default reorder point and lead time when stock events give none, and reports no forecast before enough history', () => {
    const stage = new InventoryStage({ reorderPoint: 30, leadTimeDays: 3 });
    const o = empty();
    stage.process([stock('B', T0, 20), sale('B', T0 + 3_600_000, 2)], o);
    const st = o.inventory.at(-1)!;
    expect(st.level).toBe(18);
    expect(st.forecast).toEqual([]);
    expect(st.alert).toEqual({ state: 'reorder', reason: 'level 18 is below the reorder point 30' });
    expect(o.alerts).toHaveLength(1);
  });

  it('refits early when the demand shifts (drift), not only on the schedule', () => {
    const stage = new InventoryStage({ refitPeriods: 1000 });
    const o = empty();
    stage.process(days('C', 0, 28), o);
    const fitsBefore = stage.stats.fits;
    expect(fitsBefore).toBe(1);
    // Demand jumps tenfold for two weeks.
    const jump: Event[] = [];
    for (let d = 28; d < 42; d++) jump.push(sale('C', T0 + d * DAY + 12 * 3_600_000, 10 * WEEK[d % 7]!));
    jump.push(sale('C', T0 + 42 * DAY, 1));
    stage.process(jump, empty());
    expect(stage.stats.driftRefits).toBeGreaterThanOrEqual(1);
    expect(stage.stats.fits).toBeGreaterThan(fitsBefore);
  });
});
