// Time decay by forward decay: a weight added at time t is stored as
// w * 2^((t - landmark) / halfLife), so nothing decays in place. Cosine,
// Jaccard and popularity ranks are ratios of sums on one common scale, which
// the scale cancels out of: the stored values give the decayed similarity
// exactly. When the scale would overflow f32 (pair counts are f32), every
// stored value is multiplied down once and the landmark moves (rescale.ts).

/** One forward-decay clock (co-occurrence, or popularity). */
export class Decay {
  halfLifeMs: f64 = 0;
  landmark: f64 = NaN;
  /** The highest exponent before the stored values are rescaled. */
  limit: f64;

  constructor(limit: f64) {
    this.limit = limit;
  }

  /** The scale of a weight added at `ts` (1 when decay is off). */
  scale(ts: f64): f64 {
    if (this.halfLifeMs <= 0) return 1;
    if (isNaN(this.landmark)) this.landmark = ts;
    return Math.pow(2.0, (ts - this.landmark) / this.halfLifeMs);
  }

  /** The whole halvings by which stored values must be scaled down before adding at `ts`, or 0. */
  overflow(ts: f64): f64 {
    if (this.halfLifeMs <= 0 || isNaN(this.landmark)) return 0;
    const e = (ts - this.landmark) / this.halfLifeMs;
    return e > this.limit ? Math.floor(e) : 0;
  }

  /** Moves the landmark after the stored values were scaled by 2^-halvings. */
  moved(halvings: f64): void {
    this.landmark += halvings * this.halfLifeMs;
  }

  reset(halfLifeMs: f64): void {
    this.halfLifeMs = halfLifeMs;
    this.landmark = NaN;
  }
}

/** Co-occurrence and item norms: f32 pair counts, so rescale at 2^40. */
export const coDecay = new Decay(40);
/** Item popularity (f64). */
export const popDecay = new Decay(500);
