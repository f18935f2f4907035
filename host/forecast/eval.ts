// `eval forecast`: every series of an M4-format train file forecast h steps
// by each asked method, scored against the test file with the M4 measures
// (host/forecast/metrics.ts). OWA is relative to Naive2, which is always run.

import { InputError } from '../core/errors.js';
import { ForecastEngine, type Benchmark } from './engine.js';
import { readM4, type M4Series } from '../datasets/m4-csv.js';
import { smape, mase, owa } from './metrics.js';
import { autoForecast } from './auto.js';

export const FORECAST_METHODS = ['naive', 'snaive', 'naive2', 'ses', 'holt', 'damped', 'theta', 'comb', 'auto'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

export interface ForecastEvalOptions {
  train: string;
  test: string;
  horizon: number;
  period: number;
  methods: ForecastMethod[];
  /** Called after each series (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface MethodScore {
  method: ForecastMethod;
  smape: number;
  mase: number;
  owa: number;
  series: number;
}

export interface ForecastEvalResult {
  scores: MethodScore[];
  series: number;
  seasonal: number;
  horizon: number;
  period: number;
}

/** Runs the evaluation. */
export function evalForecast(o: ForecastEvalOptions): ForecastEvalResult {
  const train = readM4(o.train);
  const test = readM4(o.test);
  const byId = new Map<string, M4Series>(test.map((s) => [s.id, s]));
  for (const s of train) {
    const t = byId.get(s.id);
    if (!t) throw new InputError(o.test, 1, `no test row for series ${s.id} (train line ${s.line})`);
    if (t.values.length < o.horizon) throw new InputError(o.test, t.line, `series ${s.id} has ${t.values.length} test values, fewer than the horizon ${o.horizon}`);
  }
  const methods: ForecastMethod[] = o.methods.includes('naive2') ? o.methods : ['naive2', ...o.methods];
  const engine = new ForecastEngine();
  const sums = new Map<ForecastMethod, { smape: number; mase: number }>(methods.map((m) => [m, { smape: 0, mase: 0 }]));
  let seasonal = 0;
  train.forEach((s, i) => {
    const actual = byId.get(s.id)!.values.subarray(0, o.horizon);
    for (const m of methods) {
      let f: ArrayLike<number>;
      if (m === 'auto') f = autoForecast(engine, s.values, o.horizon, o.period).mean;
      else {
        const r = engine.benchmark(m as Benchmark, s.values, o.horizon, o.period);
        if (m === 'naive2' && r.seasonal) seasonal++;
        f = r.mean;
      }
      const acc = sums.get(m)!;
      acc.smape += smape(actual, f);
      acc.mase += mase(s.values, actual, f, o.period);
    }
    o.onProgress?.(i + 1, train.length);
  });
  const n = train.length;
  const base = sums.get('naive2')!;
  const scores = o.methods.map((m) => {
    const acc = sums.get(m)!;
    return { method: m, smape: acc.smape / n, mase: acc.mase / n, owa: owa(acc.smape / n, acc.mase / n, base.smape / n, base.mase / n), series: n };
  });
  return { scores, series: n, seasonal, horizon: o.horizon, period: o.period };
}
