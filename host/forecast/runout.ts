// When does the stock run out: the current level against the cumulative
// demand forecast, from now. Demand per period is clipped at 0; the rest of
// the current period expects its forecast less what it has already sold; a
// period's demand is spread evenly over it. The early date uses the
// interval's upper demand, the late one its lower demand.

export interface RunoutInput {
  level: number;
  /** Epoch ms now (the last event's time). */
  now: number;
  /** Start of the current period (epoch ms) and its length. */
  periodStart: number;
  periodMs: number;
  /** Sold so far in the current period. */
  soldThisPeriod: number;
  /** Forecast demand per period, the current one first. */
  mean: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

export interface Runout {
  /** Expected runout (epoch ms), null beyond the horizon. */
  at: number | null;
  /** Runout if demand runs at the interval's upper bound (the earliest plausible). */
  earliest: number | null;
  /** Runout if demand runs at the lower bound, null beyond the horizon. */
  latest: number | null;
}

function when(level: number, demand: ArrayLike<number>, r: RunoutInput): number | null {
  if (level <= 0) return r.now;
  let left = level;
  for (let k = 0; k < demand.length; k++) {
    const start = k === 0 ? r.now : r.periodStart + k * r.periodMs;
    const end = r.periodStart + (k + 1) * r.periodMs;
    let d = Math.max(0, demand[k]!);
    if (k === 0) {
      // What is still expected in the current period, over what is left of it.
      d = Math.max(0, d - r.soldThisPeriod);
    }
    if (d >= left && d > 0) return Math.round(start + ((end - start) * left) / d);
    left -= d;
  }
  return null;
}

/** Runout dates from a level and a per-period demand forecast. */
export function runout(r: RunoutInput): Runout {
  return { at: when(r.level, r.mean, r), earliest: when(r.level, r.hi, r), latest: when(r.level, r.lo, r) };
}
