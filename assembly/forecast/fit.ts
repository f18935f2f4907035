// Fitting one exponential-smoothing model: R forecast's ets() recipe (initial
// states from the start of the series, initparam()'s starting values, usual
// bounds, nmmin over the smoothing parameters and the initial level and
// slope), by likelihood or by in-sample MSE (what ses()/holt() use).
// Differences from ets(), for speed on many SKUs: the initial seasonal states
// are taken from a classical decomposition of the first two periods and not
// optimised, and the seasonal admissibility (polynomial roots) is not checked,
// only the usual bounds (docs/FORECASTING.md).
// https://github.com/robjhyndman/forecast/blob/master/R/ets.R

import { OK, E_BAD_ARGUMENT, E_FORECAST_TOO_SHORT, E_FORECAST_NOT_POSITIVE, E_FORECAST_NOT_FINITE, E_FORECAST_NO_FIT } from "../status";
import { nmmin, MAX_PARAMS } from "./nelder";
import * as ets from "./ets";
import { decompose, fitLine, lineIntercept, lineSlope } from "./decompose";
import {
  NONE, ADD, MULT, DAMPED, MAX_SEASON, rset, R_HEADER,
  R_ERROR, R_TREND, R_SEASON, R_M, R_ALPHA, R_BETA, R_GAMMA, R_PHI, R_SIGMA2, R_LEVEL, R_SLOPE, R_HEAD, R_NOBS, R_AICC, R_MSE, R_NPARAMS,
} from "./record";

export const CRIT_LIK: i32 = 0;
export const CRIT_MSE: i32 = 1;

const LOWER: f64 = 1e-4;
const UPPER: f64 = 0.9999;
const PHI_LOWER: f64 = 0.8;
const PHI_UPPER: f64 = 0.98;
const RELTOL: f64 = 1.4901161193847656e-8; // sqrt(.Machine$double.eps), as ets() passes it

// The fit in progress (the objective is a plain function: no closures in AssemblyScript).
let fy: usize = 0;
let fn_: i32 = 0;
let fErr: i32 = ADD;
let fTrend: i32 = NONE;
let fSeason: i32 = NONE;
let fM: i32 = 1;
let fCrit: i32 = CRIT_LIK;
const initSeasons: usize = heap.alloc(<usize>MAX_SEASON << 3);
const start: usize = heap.alloc(<usize>MAX_PARAMS << 3);
const best: usize = heap.alloc(<usize>MAX_PARAMS << 3);
const adjusted: usize = heap.alloc(<usize>(2 * MAX_SEASON + 16) << 3);

@inline function setStart(i: i32, v: f64): void {
  store<f64>(start + (<usize>i << 3), v);
}

@inline function par(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// Loads parameters p into the ets globals and the initial state; false when outside the usual bounds.
function apply(p: usize): bool {
  let j = 0;
  const a = par(p, j++);
  let b: f64 = 0;
  let g: f64 = 0;
  let ph: f64 = 1;
  if (fTrend != NONE) b = par(p, j++);
  if (fSeason != NONE) g = par(p, j++);
  if (fTrend == DAMPED) ph = par(p, j++);
  // EtsTargetFunction::check_params, bounds "usual".
  if (!(a >= LOWER && a <= UPPER)) return false;
  if (fTrend != NONE && !(b >= LOWER && b <= a && b <= UPPER)) return false;
  if (fTrend == DAMPED && !(ph >= PHI_LOWER && ph <= PHI_UPPER)) return false;
  if (fSeason != NONE && !(g >= LOWER && g <= 1 - a && g <= UPPER)) return false;
  ets.setModel(fErr, fTrend, fSeason, fM, a, b, g, ph);
  ets.level = par(p, j++);
  ets.slope = fTrend != NONE ? par(p, j++) : 0;
  ets.head = 0;
  if (fSeason != NONE) memory.copy(ets.seasons, initSeasons, <usize>fM << 3);
  return true;
}

function objective(p: usize, n: i32): f64 {
  if (!apply(p)) return Infinity;
  ets.run(fy, fn_, fErr == MULT, fCrit == CRIT_MSE);
  if (fCrit == CRIT_MSE) return ets.mse;
  return ets.likelihood();
}

/**
 * Fits one model to y[0..n) and writes it, with its state after the last
 * observation, to the record at r. Called per model and series.
 */
export function fitModel(y: usize, n: i32, err: i32, trend: i32, season: i32, m: i32, crit: i32, maxit: i32, r: usize): i32 {
  if (err < ADD || err > MULT || trend < NONE || trend > DAMPED || season < NONE || season > MULT || n < 1) return E_BAD_ARGUMENT;
  if (season == NONE) m = 1;
  if (season != NONE && (m < 2 || m > MAX_SEASON)) return E_BAD_ARGUMENT;
  let lo = Infinity;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    if (!isFinite(v)) return E_FORECAST_NOT_FINITE;
    if (v < lo) lo = v;
  }
  if ((err == MULT || season == MULT) && !(lo > 0)) return E_FORECAST_NOT_POSITIVE;
  const k0 = 1 + (trend != NONE ? 1 : 0) + (season != NONE ? 1 : 0) + (trend == DAMPED ? 1 : 0);
  const k = k0 + 1 + (trend != NONE ? 1 : 0);
  const nStates = 1 + (trend != NONE ? 1 : 0) + (season != NONE ? m - 1 : 0);
  if (season != NONE && n < 2 * m) return E_FORECAST_TOO_SHORT;
  if (n < 3 || k0 + nStates >= n - 1) return E_FORECAST_TOO_SHORT;
  fy = y;
  fn_ = n;
  fErr = err;
  fTrend = trend;
  fSeason = season;
  fM = m;
  fCrit = crit;

  // initstate(): seasonal indices from the first two periods, then the level
  // (and slope) from the first max(10, 2m) seasonally adjusted values.
  const maxn = min(max(10, 2 * m), n);
  for (let i = 0; i < maxn; i++) store<f64>(adjusted + (<usize>i << 3), load<f64>(y + (<usize>i << 3)));
  if (season != NONE) {
    decompose(y, 2 * m, m, season == MULT, initSeasons);
    for (let i = 0; i < maxn; i++) {
      const s = load<f64>(initSeasons + (<usize>(i % m) << 3));
      const v = load<f64>(adjusted + (<usize>i << 3));
      store<f64>(adjusted + (<usize>i << 3), season == MULT ? v / s : v - s);
    }
  }
  let l0: f64 = 0;
  let b0: f64 = 0;
  if (trend == NONE) {
    for (let i = 0; i < maxn; i++) l0 += load<f64>(adjusted + (<usize>i << 3));
    l0 /= maxn;
  } else {
    fitLine(adjusted, maxn, 1);
    l0 = lineIntercept;
    b0 = lineSlope;
    if (Math.abs(l0 + b0) < 1e-8) {
      l0 *= 1 + 1e-3;
      b0 *= 1 + 1e-3;
    }
  }

  // initparam(): alpha from the period, beta < alpha, gamma < 1 - alpha, phi near its top.
  let j = 0;
  let a = LOWER + 0.2 * (UPPER - LOWER) / <f64>m;
  if (a > 1 || a < 0) a = LOWER + 2e-3;
  setStart(j++, a);
  if (trend != NONE) {
    const up = min(UPPER, a);
    let b = LOWER + 0.1 * (up - LOWER);
    if (b < 0 || b > a) b = a - 1e-3;
    setStart(j++, b);
  }
  if (season != NONE) {
    const up = min(UPPER, 1 - a);
    let g = LOWER + 0.05 * (up - LOWER);
    if (g < 0 || g > 1 - a) g = 1 - a - 1e-3;
    setStart(j++, g);
  }
  if (trend == DAMPED) setStart(j++, PHI_LOWER + 0.99 * (PHI_UPPER - PHI_LOWER));
  setStart(j++, l0);
  if (trend != NONE) setStart(j++, b0);

  const value = nmmin(k, start, best, objective, -Infinity, RELTOL, 1.0, 0.5, 2.0, maxit);
  if (!isFinite(value) || !apply(best)) return E_FORECAST_NO_FIT;
  ets.run(y, n);
  const lik = ets.likelihood();
  const np = k0 + nStates + 1;
  const aic = lik + 2 * <f64>np;
  const aicc = n - np - 1 > 0 ? aic + 2 * <f64>np * <f64>(np + 1) / <f64>(n - np - 1) : Infinity;
  rset(r, R_ERROR, <f64>err);
  rset(r, R_TREND, <f64>trend);
  rset(r, R_SEASON, <f64>season);
  rset(r, R_M, <f64>m);
  rset(r, R_ALPHA, ets.alpha);
  rset(r, R_BETA, ets.beta);
  rset(r, R_GAMMA, ets.gamma);
  rset(r, R_PHI, ets.phi);
  rset(r, R_SIGMA2, ets.sse / <f64>max(1, n - np + 1));
  rset(r, R_LEVEL, ets.level);
  rset(r, R_SLOPE, ets.slope);
  rset(r, R_HEAD, <f64>ets.head);
  rset(r, R_NOBS, <f64>n);
  rset(r, R_AICC, isFinite(lik) ? aicc : Infinity);
  rset(r, R_MSE, ets.mse);
  rset(r, R_NPARAMS, <f64>np);
  if (season != NONE) memory.copy(r + (<usize>R_HEADER << 3), ets.seasons, <usize>m << 3);
  return OK;
}
