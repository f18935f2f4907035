// Runners that turn a source into batches over wall time:
//
// - live(sim): event time is wall time. The simulator starts at Date.now()
//   and each event is released when the clock reaches its ts, in batches of
//   whatever fell due since the last tick (every `tickMs`).
// - fastForward(sim): as fast as the consumer takes them (tests, benchmarks).
// - atRate(batches, rate): any batch stream re-cut and released at `rate`
//   events per second (a file replayed at --rate), whatever the events' ts.
//
// All stop when `signal` aborts; none buffers more than one batch.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Event } from '../core/schema.js';
import type { Simulator } from './simulator.js';

export interface PaceOptions {
  signal?: AbortSignal;
  /** Largest batch handed out at once (default 4096). */
  maxBatch?: number;
  /** Live mode: how often due events are released (default 20 ms). */
  tickMs?: number;
  /** Wall clock (tests replace it). */
  now?: () => number;
}

/** Releases the simulator's events as wall time reaches their ts. */
export async function* live(sim: Simulator, opts: PaceOptions = {}): AsyncGenerator<Event[]> {
  const now = opts.now ?? Date.now;
  const max = opts.maxBatch ?? 4096;
  const tick = opts.tickMs ?? 20;
  while (!opts.signal?.aborted) {
    const batch = sim.until(now(), max);
    if (batch.length > 0) {
      yield batch;
      if (batch.length === max) continue; // behind: catch up without sleeping
    }
    const wait = Math.min(Math.max(0, sim.peekTs() - now()), tick);
    if (wait === Infinity) return;
    await pause(Math.max(1, wait), opts.signal);
  }
}

/** The simulator's events as fast as they are taken. */
export async function* fastForward(sim: Simulator, opts: PaceOptions & { limit?: number } = {}): AsyncGenerator<Event[]> {
  const max = opts.maxBatch ?? 4096;
  let left = opts.limit ?? Infinity;
  while (left > 0 && !opts.signal?.aborted) {
    const batch = sim.next(Math.min(max, left));
    if (batch.length === 0) return;
    left -= batch.length;
    yield batch;
  }
}

/**
 * Re-cuts batches into slices released at `rate` per second: about a
 * hundredth of a second's worth each, so the flow is smooth, and never
 * ahead of the schedule start + released / rate.
 */
export async function* atRate<T>(batches: AsyncIterable<T[]>, rate: number, opts: PaceOptions = {}): AsyncGenerator<T[]> {
  if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
  const now = opts.now ?? Date.now;
  const slice = Math.max(1, Math.min(opts.maxBatch ?? 4096, Math.round(rate / 100)));
  const start = now();
  let released = 0;
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i += slice) {
      if (opts.signal?.aborted) return;
      const part = batch.length <= slice && i === 0 ? batch : batch.slice(i, i + slice);
      const due = start + (released * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await pause(wait, opts.signal);
      if (opts.signal?.aborted) return;
      released += part.length;
      yield part;
    }
  }
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  }
}
