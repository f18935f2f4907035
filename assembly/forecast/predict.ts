// Forecasts and online updates from a model record: the record is loaded
// into the recursion's state, moved or read, and written back.

import { OK, E_FORECAST_NO_MODEL, E_FORECAST_NOT_FINITE } from "../status";
import * as ets from "./ets";
import {
  NONE, MULT, ADD, MAX_SEASON, rget, rset, R_HEADER,
  R_ERROR, R_TREND, R_SEASON, R_M, R_ALPHA, R_BETA, R_GAMMA, R_PHI, R_SIGMA2, R_LEVEL, R_SLOPE, R_HEAD, R_NOBS,
} from "./record";

/** Loads record r into the recursion; false when it does not hold a model. */
export function loadRecord(r: usize): bool {
  const err = <i32>rget(r, R_ERROR);
  const trend = <i32>rget(r, R_TREND);
  const season = <i32>rget(r, R_SEASON);
  const m = <i32>rget(r, R_M);
  if (err < ADD || err > MULT || trend < 0 || trend > 2 || season < 0 || season > 2 || m < 1 || m > MAX_SEASON) return false;
  if (!(rget(r, R_ALPHA) > 0)) return false;
  ets.setModel(err, trend, season, m, rget(r, R_ALPHA), rget(r, R_BETA), rget(r, R_GAMMA), rget(r, R_PHI));
  ets.level = rget(r, R_LEVEL);
  ets.slope = rget(r, R_SLOPE);
  ets.head = <i32>rget(r, R_HEAD);
  if (season != NONE) memory.copy(ets.seasons, r + (<usize>R_HEADER << 3), <usize>m << 3);
  return true;
}

/** Moves record r on by the k observations at y. Called per SKU and new period. */
export function updateRecord(r: usize, y: usize, k: i32): i32 {
  if (!loadRecord(r)) return E_FORECAST_NO_MODEL;
  for (let i = 0; i < k; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    if (!isFinite(v)) return E_FORECAST_NOT_FINITE;
  }
  for (let i = 0; i < k; i++) ets.step(load<f64>(y + (<usize>i << 3)));
  rset(r, R_LEVEL, ets.level);
  rset(r, R_SLOPE, ets.slope);
  rset(r, R_HEAD, <f64>ets.head);
  rset(r, R_NOBS, rget(r, R_NOBS) + <f64>k);
  if (ets.seasonType != NONE) memory.copy(r + (<usize>R_HEADER << 3), ets.seasons, <usize>ets.period << 3);
  return OK;
}

/**
 * Writes h means to out[0..h), and the bounds of the central `level`
 * prediction interval (0 < level < 1) to out[h..2h) and out[2h..3h).
 */
export function predictRecord(r: usize, h: i32, level: f64, out: usize): i32 {
  if (!loadRecord(r)) return E_FORECAST_NO_MODEL;
  ets.forecastMeans(out, h);
  const lo = out + (<usize>h << 3);
  const hi = out + (<usize>(2 * h) << 3);
  ets.forecastVariances(lo, h);
  const z = normalQuantile(0.5 + level / 2);
  const sigma2 = rget(r, R_SIGMA2);
  const multiplicative = ets.errorType == MULT;
  for (let i = 0; i < h; i++) {
    const mean = load<f64>(out + (<usize>i << 3));
    const v = load<f64>(lo + (<usize>i << 3)) * sigma2;
    const half = multiplicative ? z * Math.sqrt(v) * Math.abs(mean) : z * Math.sqrt(v);
    store<f64>(lo + (<usize>i << 3), mean - half);
    store<f64>(hi + (<usize>i << 3), mean + half);
  }
  return OK;
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: f64): f64 {
  if (!(p > 0 && p < 1)) return p == 1 ? Infinity : p == 0 ? -Infinity : NaN;
  const a1 = -3.969683028665376e1, a2 = 2.209460984245205e2, a3 = -2.759285104469687e2;
  const a4 = 1.38357751867269e2, a5 = -3.066479806614716e1, a6 = 2.506628277459239;
  const b1 = -5.447609879822406e1, b2 = 1.615858368580409e2, b3 = -1.556989798598866e2;
  const b4 = 6.680131188771972e1, b5 = -1.328068155288572e1;
  const c1 = -7.784894002430293e-3, c2 = -3.223964580411365e-1, c3 = -2.400758277161838;
  const c4 = -2.549732539343734, c5 = 4.374664141464968, c6 = 2.938163982698783;
  const d1 = 7.784695709041462e-3, d2 = 3.224671290700398e-1, d3 = 2.445134137142996, d4 = 3.754408661907416;
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  const q = p - 0.5;
  const t = q * q;
  return (((((a1 * t + a2) * t + a3) * t + a4) * t + a5) * t + a6) * q / (((((b1 * t + b2) * t + b3) * t + b4) * t + b5) * t + 1);
}
