// The exponential-smoothing recursions (Hyndman et al. 2008, the state space
// form forecast's etscalc.c runs): one-step forecast, error, and the level,
// slope and season updates; the criterion over a series; h-step means and
// the forecast variance. Trend is none, additive or damped additive; season
// none, additive or multiplicative; error additive or multiplicative.
// https://github.com/robjhyndman/forecast/blob/master/src/etscalc.c

import { NONE, ADD, MULT } from "./record";

const TOL: f64 = 1.0e-10;
const HUGEN: f64 = 1.0e10;

// The model being run (set by setModel before a run).
export let errorType: i32 = ADD;
export let trendType: i32 = NONE;
export let seasonType: i32 = NONE;
export let period: i32 = 1;
export let alpha: f64 = 0.2;
export let beta: f64 = 0;
export let gamma: f64 = 0;
export let phi: f64 = 1;

// The running state: level, slope, and the season ring at `seasons`.
export let level: f64 = 0;
export let slope: f64 = 0;
export let head: i32 = 0;
export const seasons: usize = heap.alloc(<usize>400 << 3);

// What the last run measured.
export let sse: f64 = 0; // sum of squared errors (relative for multiplicative error)
export let sumLogF: f64 = 0; // sum of log |one-step forecast|
export let mse: f64 = 0; // R's running mean of squared one-step errors (additive scale)
export let count: i32 = 0;

/** Sets the model for the following runs. */
export function setModel(err: i32, trend: i32, season: i32, m: i32, a: f64, b: f64, g: f64, p: f64): void {
  errorType = err;
  trendType = trend;
  seasonType = season;
  period = season == NONE ? 1 : m;
  alpha = a;
  beta = b;
  gamma = g;
  phi = trend == NONE ? 1 : p;
}

@inline function seasonAt(i: i32): f64 {
  return load<f64>(seasons + (<usize>i << 3));
}

/** One observation: returns the one-step forecast it was compared with and moves the state. */
// @ts-ignore: decorator
@inline export function step(y: f64): f64 {
  const phib = trendType == NONE ? 0.0 : phi * slope;
  const q = level + phib;
  let s: f64 = 0;
  let f = q;
  if (seasonType != NONE) {
    s = seasonAt(head);
    f = seasonType == ADD ? q + s : q * s;
  }
  let p: f64;
  if (seasonType == NONE) p = y;
  else if (seasonType == ADD) p = y - s;
  else p = Math.abs(s) < TOL ? HUGEN : y / s;
  const l = q + alpha * (p - q);
  if (trendType != NONE) slope = phib + (beta / alpha) * (l - level - phib);
  if (seasonType != NONE) {
    let t: f64;
    if (seasonType == ADD) t = y - q;
    else t = Math.abs(q) < TOL ? HUGEN : y / q;
    store<f64>(seasons + (<usize>head << 3), s + gamma * (t - s));
    head = head + 1 == period ? 0 : head + 1;
  }
  level = l;
  return f;
}

/**
 * Runs the model over y[0..n) from the current state, accumulating sse, and
 * when asked sumLogF (only the multiplicative-error likelihood reads it) and
 * R's running-mean MSE (only MSE fits and the fitted record read it): a fit's
 * objective skips what it does not read, which changes no bit of what it
 * does. Called once per objective evaluation.
 */
export function run(y: usize, n: i32, withLogF: bool = true, withMse: bool = true): void {
  if (withLogF) {
    if (withMse) runWith(y, n, true, true);
    else runWith(y, n, true, false);
  } else if (withMse) runWith(y, n, false, true);
  else runWith(y, n, false, false);
}

// run() with its two flags as constants: each caller above gets its own loop.
// @ts-ignore: decorator
@inline function runWith(y: usize, n: i32, withLogF: bool, withMse: bool): void {
  let e2: f64 = 0;
  let lf: f64 = 0;
  let amse: f64 = 0;
  for (let i = 0; i < n; i++) {
    const yi = load<f64>(y + (<usize>i << 3));
    const f = step(yi);
    const d = yi - f;
    const e = errorType == ADD ? d : d / f;
    e2 += e * e;
    if (withLogF) lf += Math.log(Math.abs(f));
    if (withMse) {
      // etscalc.c's amse[0]: a running mean, kept for bit-faithful MSE fits.
      const k = <f64>(i + 1);
      amse = (amse * (k - 1.0) + d * d) / k;
    }
  }
  sse = e2;
  sumLogF = withLogF ? lf : NaN;
  mse = withMse ? amse : NaN;
  count = n;
}

/** The -2 log-likelihood up to a constant (etscalc.c's lik). */
export function likelihood(): f64 {
  let lik = <f64>count * Math.log(sse);
  if (errorType == MULT) lik += 2 * sumLogF;
  if (lik < -1e10) lik = -1e10;
  return isNaN(lik) ? Infinity : lik;
}

/** Writes h-step mean forecasts from the current state to out[0..h). */
export function forecastMeans(out: usize, h: i32): void {
  let phistar = phi;
  for (let i = 0; i < h; i++) {
    let f = trendType == NONE ? level : level + phistar * slope;
    if (seasonType != NONE) {
      const s = seasonAt((head + i) % period);
      f = seasonType == ADD ? f + s : f * s;
    }
    store<f64>(out + (<usize>i << 3), f);
    // phi + phi^2 + ... + phi^(i+1): the damped sum (etscalc.c's forecast()).
    if (Math.abs(phi - 1.0) < TOL) phistar += 1.0;
    else phistar += Math.pow(phi, <f64>(i + 2));
  }
}

/**
 * Writes the h-step forecast variances (in units of sigma2) to out[0..h):
 * 1 + sum_{j<h} c_j^2 with c_j = w'F^(j-1)g, the impulse response of the
 * linear (additive) form of the model. Exact for additive models; for
 * multiplicative ones it is the usual first-order approximation, applied to
 * relative errors (docs/FORECASTING.md).
 */
export function forecastVariances(out: usize, h: i32): void {
  // The impulse state x = g: level alpha, slope beta, season gamma in the
  // slot just updated; c_j is its (j-1)-step "forecast" under additive rules.
  const m = period;
  const last = (head + m - 1) % m;
  let acc: f64 = 1.0;
  let phistar = phi;
  const b = trendType == NONE ? 0.0 : beta;
  for (let i = 0; i < h; i++) {
    store<f64>(out + (<usize>i << 3), acc);
    // c_{i+1} = alpha + phistar_i * beta (+ gamma when the step lands on the impulse's season)
    let c = alpha + phistar * b;
    if (seasonType != NONE && (head + i) % m == last) c += gamma;
    acc += c * c;
    if (Math.abs(phi - 1.0) < TOL) phistar += 1.0;
    else phistar += Math.pow(phi, <f64>(i + 2));
  }
}
