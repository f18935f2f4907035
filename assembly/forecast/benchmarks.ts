// The M4 competition's statistical benchmarks, as its R code ran them
// (https://github.com/M4Competitions/M4-methods, "Benchmarks and
// Evaluation.R"): the 90% seasonality test at lag m, a classical
// multiplicative decomposition when seasonal, the method on the seasonally
// adjusted series, forecasts reseasonalised with the last period's indices.
// SES, Holt and Damped are forecast 8.2's ses()/holt(): ets() minimising the
// in-sample MSE. Theta is forecast's thetaf(): SES plus half the slope of a
// line through the adjusted series, as a drift. Comb is the mean of SES,
// Holt and Damped.

import { OK, E_BAD_ARGUMENT } from "../status";
import { isSeasonal, decompose, fitLine, lineSlope } from "./decompose";
import { fitModel, CRIT_MSE } from "./fit";
import { loadRecord } from "./predict";
import * as ets from "./ets";
import { NONE, ADD, DAMPED, RECORD_F64, rget, R_ALPHA } from "./record";

export const M_NAIVE: i32 = 0;
export const M_SNAIVE: i32 = 1;
export const M_NAIVE2: i32 = 2;
export const M_SES: i32 = 3;
export const M_HOLT: i32 = 4;
export const M_DAMPED: i32 = 5;
export const M_THETA: i32 = 6;
export const M_COMB: i32 = 7;
export const NUM_METHODS: i32 = 8;

const MAXIT: i32 = 2000; // ets()'s default
const rec: usize = heap.alloc(<usize>RECORD_F64 << 3);

/** Whether the last benchmark() call found the series seasonal. */
export let lastSeasonal: bool = false;

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

// Fits ses/holt/damped by MSE on the adjusted series and writes h means to out.
function smooth(des: usize, n: i32, h: i32, trend: i32, out: usize): i32 {
  const s = fitModel(des, n, ADD, trend, NONE, 1, CRIT_MSE, MAXIT, rec);
  if (s != OK) return s;
  loadRecord(rec);
  ets.forecastMeans(out, h);
  return OK;
}

/**
 * Forecasts y[0..n) h steps with a benchmark method and period m, writing
 * the h means to out. scratch holds 4n + 4h + m f64. Called once per series
 * and method by the evaluation.
 */
export function benchmark(method: i32, y: usize, n: i32, h: i32, m: i32, out: usize, scratch: usize): i32 {
  if (method < 0 || method >= NUM_METHODS || n < 1 || h < 1 || m < 1) return E_BAD_ARGUMENT;
  if (method == M_NAIVE || (method == M_SNAIVE && (m == 1 || n < m))) {
    for (let k = 0; k < h; k++) put(out, k, at(y, n - 1));
    return OK;
  }
  if (method == M_SNAIVE) {
    for (let k = 0; k < h; k++) put(out, k, at(y, n - m + k % m));
    return OK;
  }
  const des = scratch;
  const fig = des + (<usize>n << 3);
  const si = fig + (<usize>m << 3);
  const work = si + (<usize>h << 3);
  lastSeasonal = isSeasonal(y, n, m);
  if (lastSeasonal) {
    decompose(y, n, m, true, fig);
    for (let i = 0; i < n; i++) put(des, i, at(y, i) / at(fig, i % m));
    for (let k = 0; k < h; k++) put(si, k, at(fig, (n + k) % m));
  } else {
    for (let i = 0; i < n; i++) put(des, i, at(y, i));
    for (let k = 0; k < h; k++) put(si, k, 1);
  }
  let s = OK;
  if (method == M_NAIVE2) {
    for (let k = 0; k < h; k++) put(out, k, at(des, n - 1));
  } else if (method == M_SES) {
    s = smooth(des, n, h, NONE, out);
  } else if (method == M_HOLT) {
    s = smooth(des, n, h, ADD, out);
  } else if (method == M_DAMPED) {
    s = smooth(des, n, h, DAMPED, out);
  } else if (method == M_THETA) {
    s = smooth(des, n, h, NONE, out);
    if (s != OK) return s;
    fitLine(des, n, 0);
    const drift = lineSlope / 2;
    const a = max(1e-10, rget(rec, R_ALPHA));
    const tail = (1 - Math.pow(1 - a, <f64>n)) / a;
    for (let k = 0; k < h; k++) put(out, k, at(out, k) + drift * (<f64>k + tail));
  } else {
    // Comb: the mean of SES, Holt and Damped.
    s = smooth(des, n, h, NONE, out);
    if (s != OK) return s;
    s = smooth(des, n, h, ADD, work);
    if (s != OK) return s;
    for (let k = 0; k < h; k++) put(out, k, at(out, k) + at(work, k));
    s = smooth(des, n, h, DAMPED, work);
    if (s != OK) return s;
    for (let k = 0; k < h; k++) put(out, k, (at(out, k) + at(work, k)) / 3);
  }
  if (s != OK) return s;
  for (let k = 0; k < h; k++) put(out, k, at(out, k) * at(si, k));
  return OK;
}
