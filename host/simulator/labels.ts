// Late labels (chargebacks and confirmations) for simulated purchases. A
// label's delay is one of 16 values spread log-normally around the median
// delay; each value has its own first-in first-out queue, which is in time
// order because purchases arrive in time order and the delay is fixed per
// queue. Each non-empty queue is one actor in the scheduler.

import type { Event, LabelEvent } from '../core/schema.js';
import { Fifo } from './fifo.js';
import type { Actor, SimContext } from './sim-context.js';

/** Standard normal quantiles at (k + 0.5) / 16, k = 0..15. */
const Z16 = [-1.8627, -1.318, -1.01, -0.7764, -0.5791, -0.4023, -0.2372, -0.0784, 0.0784, 0.2372, 0.4023, 0.5791, 0.7764, 1.01, 1.318, 1.8627];

export class LabelQueue implements Actor {
  ts = Infinity;
  seq = 0;
  done = true;
  private readonly queue = new Fifo<LabelEvent>();

  constructor(readonly delayMs: number) {}

  /** Adds a label; true if the queue was empty (the caller puts it back in the scheduler). */
  add(label: LabelEvent): boolean {
    this.queue.push(label);
    if (!this.done) return false;
    this.done = false;
    this.ts = label.ts;
    return true;
  }

  step(ctx: SimContext): Event {
    const e = this.queue.shift()!;
    e.eventId = ctx.eventId();
    const next = this.queue.peek();
    if (next) this.ts = next.ts;
    else {
      this.done = true;
      this.ts = Infinity;
    }
    return e;
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** The 16 delays around a median, log-normal with the given log-scale spread (at least one minute). */
export function labelDelays(medianMs: number, sigma = 0.6): number[] {
  return Z16.map((z) => Math.max(60_000, Math.round(medianMs * Math.exp(sigma * z))));
}
