// The dashboard's live numbers: events per second and event-to-score latency
// percentiles over the last few seconds, from the same instrumentation events
// the Prometheus metrics use. Memory is fixed: one counter per second of the
// window and a ring of the latest latency samples.

import type { Instrumentation } from '../core/instrumentation.js';
import type { Recommendation } from '../core/ports.js';

/** One snapshot, published to the WebSocket "stats" topic about once a second. */
export interface LiveStats {
  /** Epoch ms of the snapshot. */
  ts: number;
  /** Events read per second over the window, all types. */
  eventsPerSecond: number;
  /** Events per second over the window, by type. */
  byType: Record<string, number>;
  /** Events read since start. */
  eventsTotal: number;
  /** Event timestamp to score written, over the window; null when nothing was scored in it. */
  latencyMs: { p50: number; p99: number; max: number; samples: number } | null;
  /** The most recommended items right now (best first). */
  topItems: Recommendation[];
}

export interface LiveStatsOptions {
  /** Window in seconds (default 5). */
  windowSeconds?: number;
  /** Latency samples kept (default 4096): percentiles over at most this many of the latest scores. */
  samples?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

export interface LiveStatsCollector {
  /** Called by `serve` once a second to publish. */
  snapshot(): LiveStats;
  /** Called by the recommender when its top items change. */
  setTopItems(items: Recommendation[]): void;
  close(): void;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Subscribes to events.in and scores.written. Called once by `serve`. */
export function createLiveStats(instrumentation: Instrumentation, options: LiveStatsOptions = {}): LiveStatsCollector {
  const window = options.windowSeconds ?? 5;
  const now = options.now ?? Date.now;
  const slots = window + 1; // the current, partial second is not counted
  const secondOf = new Float64Array(slots).fill(-1);
  const counts: Map<string, number>[] = Array.from({ length: slots }, () => new Map());
  const capacity = options.samples ?? 4096;
  const latency = new Float64Array(capacity);
  const latencyAt = new Float64Array(capacity);
  let next = 0;
  let filled = 0;
  let total = 0;
  let topItems: Recommendation[] = [];

  const slot = (second: number): Map<string, number> => {
    const i = second % slots;
    if (secondOf[i] !== second) {
      secondOf[i] = second;
      counts[i]!.clear();
    }
    return counts[i]!;
  };

  const off = [
    instrumentation.on('events.in', ({ type, count }) => {
      total += count;
      const m = slot(Math.floor(now() / 1000));
      m.set(type, (m.get(type) ?? 0) + count);
    }),
    instrumentation.on('scores.written', ({ eventTimestamps, writtenAt }) => {
      for (let i = 0; i < eventTimestamps.length; i++) {
        latency[next] = Math.max(0, writtenAt - eventTimestamps[i]!);
        latencyAt[next] = writtenAt;
        next = (next + 1) % capacity;
        if (filled < capacity) filled++;
      }
    }),
  ];

  return {
    snapshot() {
      const t = now();
      const current = Math.floor(t / 1000);
      const byType: Record<string, number> = {};
      let sum = 0;
      for (let s = current - window; s < current; s++) {
        if (secondOf[s % slots] !== s) continue;
        for (const [type, n] of counts[s % slots]!) {
          byType[type] = (byType[type] ?? 0) + n / window;
          sum += n;
        }
      }
      const recent: number[] = [];
      for (let i = 0; i < filled; i++) if (latencyAt[i]! >= t - window * 1000) recent.push(latency[i]!);
      const sorted = Float64Array.from(recent).sort();
      return {
        ts: t,
        eventsPerSecond: sum / window,
        byType,
        eventsTotal: total,
        latencyMs: sorted.length === 0 ? null : { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]!, samples: sorted.length },
        topItems,
      };
    },
    setTopItems(items) {
      topItems = items.slice(0, 20);
    },
    close: () => off.forEach((f) => f()),
  };
}
