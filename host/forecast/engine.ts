// The forecast exports of the WASM core, wrapped for the host (docs/ABI.md,
// "Forecasting"). One instance per engine; views into memory are made fresh
// per call because growing memory detaches old ones.

import { EngineError } from '../core/errors.js';
import { wasmModule } from '../wasm/module.js';
import { statusMessage } from '../wasm/status.js';

interface ForecastExports {
  memory: WebAssembly.Memory;
  forecastReserve(n: number, h: number): number;
  forecastInputPtr(): number;
  forecastOutputPtr(): number;
  forecastRecordPtr(): number;
  forecastRecordLength(): number;
  forecastIsSeasonal(n: number, m: number): number;
  forecastDecompose(n: number, m: number, multiplicative: number): number;
  forecastBenchmark(method: number, n: number, h: number, m: number): number;
  forecastLastSeasonal(): number;
  forecastFit(n: number, error: number, trend: number, season: number, m: number, crit: number, maxit: number): number;
  forecastAuto(n: number, m: number, flags: number, maxit: number): number;
  forecastUpdate(k: number): number;
  forecastPredict(h: number, level: number): number;
}

/** The M4 benchmark methods, in the core's numbering. */
export const BENCHMARKS = ['naive', 'snaive', 'naive2', 'ses', 'holt', 'damped', 'theta', 'comb'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

/** One exponential-smoothing model: its kind, parameters and state after its last observation (a copy of the core's record). */
export interface EtsModel {
  readonly record: Float64Array;
}

/** Record fields (assembly/forecast/record.ts). */
export const REC = {
  error: 0, trend: 1, season: 2, m: 3, alpha: 4, beta: 5, gamma: 6, phi: 7, sigma2: 8,
  level: 9, slope: 10, head: 11, nobs: 12, aicc: 13, mse: 14, nparams: 15, seasons: 16,
} as const;

const ERRORS: Record<ErrorType, number> = { A: 1, M: 2 };
const TRENDS: Record<TrendType, number> = { N: 0, A: 1, Ad: 2 };
const SEASONS: Record<SeasonType, number> = { N: 0, A: 1, M: 2 };

/** Forecast with its central prediction interval. */
export interface Forecast {
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/** Options of the automatic choice. */
export interface AutoOptions {
  /** Try seasonal models (default true when m > 1). */
  seasonal?: boolean;
  /** Try multiplicative error and season on positive data (default true). */
  multiplicative?: boolean;
  /** Try trend models (default true). */
  trend?: boolean;
  /** Objective evaluations per model (default 2000, as R). */
  maxit?: number;
}

export class ForecastEngine {
  readonly exports: ForecastExports;
  private cap = 0;
  private hcap = 0;

  constructor() {
    this.exports = new WebAssembly.Instance(wasmModule(), {}).exports as unknown as ForecastExports;
  }

  private check(status: number, what: string): number {
    if (status < 0) throw new EngineError(status, `${what}: ${statusMessage(status)}`);
    return status;
  }

  private reserve(n: number, h: number): void {
    if (n <= this.cap && h <= this.hcap) return;
    this.cap = Math.max(n, this.cap);
    this.hcap = Math.max(h, this.hcap, 1);
    this.check(this.exports.forecastReserve(this.cap, this.hcap), 'forecastReserve');
  }

  private write(y: ArrayLike<number>, h = 1): void {
    this.reserve(Math.max(1, y.length), h);
    new Float64Array(this.exports.memory.buffer, this.exports.forecastInputPtr(), y.length).set(y);
  }

  private out(k: number, offset = 0): Float64Array {
    return new Float64Array(this.exports.memory.buffer, this.exports.forecastOutputPtr() + offset * 8, k).slice();
  }

  /** The M4 90% seasonality test at lag m. */
  isSeasonal(y: ArrayLike<number>, m: number): boolean {
    this.write(y);
    return this.check(this.exports.forecastIsSeasonal(y.length, m), 'seasonality test') === 1;
  }

  /** R decompose()'s m seasonal indices (ratios when multiplicative, else differences). */
  decompose(y: ArrayLike<number>, m: number, multiplicative = true): Float64Array {
    this.write(y, m);
    this.check(this.exports.forecastDecompose(y.length, m, multiplicative ? 1 : 0), 'decompose');
    return this.out(m);
  }

  /** h-step means of an M4 benchmark method with period m. */
  benchmark(method: Benchmark, y: ArrayLike<number>, h: number, m: number): { mean: Float64Array; seasonal: boolean } {
    this.write(y, h);
    this.check(this.exports.forecastBenchmark(BENCHMARKS.indexOf(method), y.length, h, m), `${method}`);
    return { mean: this.out(h), seasonal: this.exports.forecastLastSeasonal() === 1 };
  }

  /** Fits one model (by likelihood, or by in-sample MSE as R's ses()/holt()). */
  fit(y: ArrayLike<number>, spec: { error?: ErrorType; trend?: TrendType; season?: SeasonType; m?: number; crit?: 'lik' | 'mse'; maxit?: number }): EtsModel {
    this.write(y);
    const s = this.exports.forecastFit(
      y.length, ERRORS[spec.error ?? 'A'], TRENDS[spec.trend ?? 'N'], SEASONS[spec.season ?? 'N'], spec.m ?? 1,
      spec.crit === 'mse' ? 1 : 0, spec.maxit ?? 2000,
    );
    this.check(s, `fit ${modelName(spec)}`);
    return { record: this.record() };
  }

  /** Fits the family and keeps the AICc-best model. */
  auto(y: ArrayLike<number>, m = 1, o: AutoOptions = {}): EtsModel {
    this.write(y);
    const flags = ((o.seasonal ?? m > 1) ? 1 : 0) | ((o.multiplicative ?? true) ? 2 : 0) | ((o.trend ?? true) ? 4 : 0);
    this.check(this.exports.forecastAuto(y.length, m, flags, o.maxit ?? 2000), 'auto');
    return { record: this.record() };
  }

  /** Moves a model on by new observations (in place). */
  update(model: EtsModel, y: ArrayLike<number>): void {
    this.write(y);
    this.load(model);
    this.check(this.exports.forecastUpdate(y.length), 'update');
    model.record.set(new Float64Array(this.exports.memory.buffer, this.exports.forecastRecordPtr(), model.record.length));
  }

  /** h-step means and the central `level` interval (default 0.95). */
  predict(model: EtsModel, h: number, level = 0.95): Forecast {
    this.reserve(1, h);
    this.load(model);
    this.check(this.exports.forecastPredict(h, level), 'predict');
    return { mean: this.out(h), lo: this.out(h, h), hi: this.out(h, 2 * h) };
  }

  private load(model: EtsModel): void {
    new Float64Array(this.exports.memory.buffer, this.exports.forecastRecordPtr(), model.record.length).set(model.record);
  }

  private record(): Float64Array {
    const k = this.exports.forecastRecordLength();
    return new Float64Array(this.exports.memory.buffer, this.exports.forecastRecordPtr(), k).slice();
  }
}

/** "ETS(M,Ad,A)" style name of a model or spec. */
export function modelName(x: EtsModel | { error?: ErrorType; trend?: TrendType; season?: SeasonType }): string {
  if ('record' in x) {
    const r = x.record;
    const e = r[REC.error] === 2 ? 'M' : 'A';
    const t = ['N', 'A', 'Ad'][r[REC.trend]!]!;
    const s = ['N', 'A', 'M'][r[REC.season]!]!;
    return `ETS(${e},${t},${s}${s === 'N' ? '' : `;${r[REC.m]}`})`;
  }
  return `ETS(${x.error ?? 'A'},${x.trend ?? 'N'},${x.season ?? 'N'})`;
}
