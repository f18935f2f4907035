// The forecast exports (docs/ABI.md, "Forecasting"). The host writes a series
// into forecastInputPtr() and calls one function per series: a benchmark
// method, one model fit, or the automatic choice; fitted models live in one
// record (forecastRecordPtr(), forecastRecordLength() f64) that the host
// copies out per SKU and back in to update or forecast it.

import { OK, E_NO_MEMORY, E_BAD_ARGUMENT } from "../status";
import { benchmark, lastSeasonal, NUM_METHODS } from "./benchmarks";
import { isSeasonal, decompose } from "./decompose";
import { fitModel } from "./fit";
import { autoFit } from "./auto";
import { predictRecord, updateRecord } from "./predict";
import { record, recordLength, rget, R_M, MAX_SEASON } from "./record";

let input: usize = 0;
let inputCap: i32 = 0;
let output: usize = 0;
let outputCap: i32 = 0;
let scratch: usize = 0;

/** Makes room for series of up to n values and outputs of h steps (3h f64). Called when a series is longer than any before. */
export function forecastReserve(n: i32, h: i32): i32 {
  if (n < 1 || h < 1 || n > 50_000_000 || h > 1_000_000) return E_BAD_ARGUMENT;
  if (n > inputCap || h > outputCap) {
    const nn = max(n, inputCap);
    const hh = max(h, outputCap);
    if (input != 0) { heap.free(input); heap.free(output); heap.free(scratch); }
    input = heap.alloc(<usize>nn << 3);
    output = heap.alloc(<usize>max(3 * hh, MAX_SEASON) << 3);
    scratch = heap.alloc(<usize>(4 * nn + 4 * hh + MAX_SEASON) << 3);
    if (input == 0 || output == 0 || scratch == 0) return E_NO_MEMORY;
    inputCap = nn;
    outputCap = hh;
  }
  return OK;
}

/** Where the host writes a series (f64). Re-read after forecastReserve. */
export function forecastInputPtr(): usize {
  return input;
}

/** Where results are written (f64): means, then lower, then upper bounds. Re-read after forecastReserve. */
export function forecastOutputPtr(): usize {
  return output;
}

/** The model record (docs/ABI.md lists its fields). Fixed for the module's life. */
export function forecastRecordPtr(): usize {
  return record;
}

/** f64 in the current record: 16 plus its season length. */
export function forecastRecordLength(): i32 {
  const m = <i32>rget(record, R_M);
  return recordLength(m >= 1 && m <= MAX_SEASON ? m : 1);
}

/** The M4 seasonality test on the n input values at lag m: 1 seasonal, 0 not. Called by tests and the host. */
export function forecastIsSeasonal(n: i32, m: i32): i32 {
  if (n < 1 || n > inputCap || m < 1) return E_BAD_ARGUMENT;
  return isSeasonal(input, n, m) ? 1 : 0;
}

/** Classical decomposition of the n inputs: m seasonal indices to the output (multiplicative != 0: ratios, else differences). */
export function forecastDecompose(n: i32, m: i32, multiplicative: i32): i32 {
  if (n < 2 * m || n > inputCap || m < 2 || m > MAX_SEASON) return E_BAD_ARGUMENT;
  decompose(input, n, m, multiplicative != 0, output);
  return OK;
}

/**
 * Forecasts the n inputs h steps with M4 benchmark `method` (0 Naive,
 * 1 sNaive, 2 Naive2, 3 SES, 4 Holt, 5 Damped, 6 Theta, 7 Comb) and period m;
 * h means to the output. Returns a status; forecastLastSeasonal() then
 * says whether the series tested seasonal. Called per series and method.
 */
export function forecastBenchmark(method: i32, n: i32, h: i32, m: i32): i32 {
  if (method < 0 || method >= NUM_METHODS || n < 1 || n > inputCap || h < 1 || h > outputCap || m < 1 || m > MAX_SEASON) return E_BAD_ARGUMENT;
  return benchmark(method, input, n, h, m, output, scratch);
}

/** 1 when the last forecastBenchmark() found the series seasonal. */
export function forecastLastSeasonal(): i32 {
  return lastSeasonal ? 1 : 0;
}

/**
 * Fits one model to the n inputs into the record: error 1 additive / 2
 * multiplicative, trend 0 none / 1 additive / 2 damped, season 0 none /
 * 1 additive / 2 multiplicative, period m, crit 0 likelihood / 1 MSE,
 * at most maxit objective evaluations (2000 as R). Called per series.
 */
export function forecastFit(n: i32, error: i32, trend: i32, season: i32, m: i32, crit: i32, maxit: i32): i32 {
  if (n < 1 || n > inputCap || maxit < 1) return E_BAD_ARGUMENT;
  return fitModel(input, n, error, trend, season, m, crit, maxit, record);
}

/** Fits every allowed model (flags: 1 seasonal, 2 multiplicative, 4 trend) and keeps the AICc-best in the record. Called per series refit. */
export function forecastAuto(n: i32, m: i32, flags: i32, maxit: i32): i32 {
  if (n < 1 || n > inputCap || m < 1 || m > MAX_SEASON || maxit < 1) return E_BAD_ARGUMENT;
  return autoFit(input, n, m, flags, maxit, record);
}

/** Moves the record on by the first k inputs (new observations). Called per SKU and new period. */
export function forecastUpdate(k: i32): i32 {
  if (k < 0 || k > inputCap) return E_BAD_ARGUMENT;
  return updateRecord(record, input, k);
}

/** Writes h means and the `level` (0..1) interval bounds from the record to the output. Called per forecast. */
export function forecastPredict(h: i32, level: f64): i32 {
  if (h < 1 || h > outputCap || !(level > 0 && level < 1)) return E_BAD_ARGUMENT;
  return predictRecord(record, h, level, output);
}
