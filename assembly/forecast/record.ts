// The model record: one fitted exponential-smoothing model and its current
// state as a flat f64 array, so the host can keep one per SKU (a
// Float64Array), copy it into the module, update or forecast, and copy it back.
// Seasonal states sit in a ring: S[head] is the season of the next period.

export const R_ERROR: i32 = 0; // 0 additive, 1 multiplicative
export const R_TREND: i32 = 1; // 0 none, 1 additive, 2 damped additive
export const R_SEASON: i32 = 2; // 0 none, 1 additive, 2 multiplicative
export const R_M: i32 = 3; // season length (1 when non-seasonal)
export const R_ALPHA: i32 = 4;
export const R_BETA: i32 = 5;
export const R_GAMMA: i32 = 6;
export const R_PHI: i32 = 7;
export const R_SIGMA2: i32 = 8; // residual variance (relative errors for multiplicative error)
export const R_LEVEL: i32 = 9;
export const R_SLOPE: i32 = 10;
export const R_HEAD: i32 = 11;
export const R_NOBS: i32 = 12; // observations seen (fit plus updates)
export const R_AICC: i32 = 13;
export const R_MSE: i32 = 14; // in-sample mean squared one-step error
export const R_NPARAMS: i32 = 15;
export const R_SEASONS: i32 = 16; // m seasonal states follow
export const R_HEADER: i32 = 16;

export const MAX_SEASON: i32 = 400;
export const RECORD_F64: i32 = R_HEADER + MAX_SEASON;

export const NONE: i32 = 0;
export const ADD: i32 = 1;
export const DAMPED: i32 = 2;
export const MULT: i32 = 2;

/** The record the exports work on (the host copies SKU records in and out). */
export const record: usize = heap.alloc(<usize>RECORD_F64 << 3);

@inline export function rget(r: usize, k: i32): f64 {
  return load<f64>(r + (<usize>k << 3));
}
@inline export function rset(r: usize, k: i32, v: f64): void {
  store<f64>(r + (<usize>k << 3), v);
}

/** f64 used by a record of season length m. */
export function recordLength(m: i32): i32 {
  return R_HEADER + m;
}
