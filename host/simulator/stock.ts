// One SKU of the simulated warehouse as an actor: its sales (a Poisson
// stream thinned by the demand of host/simulator/demand.ts), its stock
// snapshots every few hours, and the arrival of its replenishment orders.

import type { Event } from '../core/schema.js';
import { DAY_MS, dailyOrders, diurnal, orderQty, plan, type Sku } from './demand.js';
import type { Actor, SimContext } from './sim-context.js';

export class SkuActor implements Actor {
  ts: number;
  seq = 0;
  done = false;
  /** Exact (fractional) time of the next order, before rounding to ms. */
  private nextOrder: number;
  private nextSnapshot: number;
  private sold = 0;
  private lost = 0;

  constructor(ctx: SimContext, readonly sku: Sku, private readonly snapshotMs: number) {
    this.nextSnapshot = ctx.start;
    this.nextOrder = this.orderAfter(ctx, ctx.start);
    this.ts = ctx.start;
  }

  step(ctx: SimContext): Event | null {
    const s = this.sku;
    const ts = this.ts;
    let e: Event | null = null;
    if (s.arrival <= ts) {
      s.level += s.orderQty;
      s.arrival = Infinity;
      e = this.stock(ctx, ts);
    } else if (this.nextSnapshot <= ts) {
      this.nextSnapshot = (Math.floor(ts / this.snapshotMs) + 1) * this.snapshotMs;
      e = this.stock(ctx, ts);
    } else {
      const want = orderQty(ctx.rng);
      const qty = Math.min(want, s.level);
      this.lost += want - qty;
      s.lostUnits += want - qty;
      if (qty > 0) {
        s.level -= qty;
        this.sold += qty;
        if (s.level === 0) s.stockouts++;
        e = { eventId: ctx.eventId(), type: 'sale', ts, sku: s.id, qty };
      }
      if (s.level <= s.reorderPoint && s.arrival === Infinity) {
        s.arrival = ts + Math.round(s.leadTimeDays * ctx.rng.range(0.8, 1.4) * DAY_MS);
      }
      if (ts >= s.nextReview) {
        // Sales plus the demand that found the shelf empty, per day.
        plan(s, (this.sold + this.lost) / 28);
        this.sold = this.lost = 0;
        s.nextReview += 28 * DAY_MS;
      }
      this.nextOrder = this.orderAfter(ctx, this.nextOrder);
    }
    this.ts = Math.max(ts, Math.min(s.arrival, this.nextSnapshot, Math.ceil(this.nextOrder)));
    return e;
  }

  private stock(ctx: SimContext, ts: number): Event {
    const s = this.sku;
    return {
      eventId: ctx.eventId(), type: 'stock', ts, sku: s.id, level: s.level, warehouseId: s.warehouseId,
      leadTimeDays: s.leadTimeDays, reorderPoint: s.reorderPoint,
    };
  }

  /** The next order after t: thinning against the day's peak rate; a day boundary restarts the draw (memoryless). */
  private orderAfter(ctx: SimContext, t: number): number {
    const a = ctx.diurnal;
    for (let guard = 0; guard < 100_000; guard++) {
      const dayEnd = (Math.floor(t / DAY_MS) + 1) * DAY_MS;
      const perMs = (dailyOrders(ctx.seed, this.sku, t, ctx.start) * (1 + a)) / DAY_MS;
      if (!(perMs > 0)) {
        t = dayEnd;
        continue;
      }
      t += ctx.rng.exp(1 / perMs);
      if (t >= dayEnd) {
        t = dayEnd;
        continue;
      }
      if (ctx.rng.next() * (1 + a) < diurnal(t, a)) return t;
    }
    return Infinity;
  }
}
