// `auto`: the automatic forecaster of `eval forecast`. Per series, chosen
// without looking at anything after the series' end:
// 1. Candidates: the AICc-best exponential-smoothing model (the whole family,
//    seasonal at the declared period m when 2 <= m <= 24); seasonal naive at
//    m; naive, SES, Damped and Theta on the series deseasonalised at m (M4
//    style, i.e. Naive2 for the naive one); and for every
//    longer cycle p in CYCLES that is a multiple of m, fits 3 times into the
//    series and passes the M4 90% autocorrelation test at lag p (hourly data:
//    the week, 168; weekly data: the year, 52), seasonal naive, SES and
//    Damped deseasonalised at p.
// 2. Each candidate is fitted to all but the last h values and scored by
//    sMAPE on those h (a holdout inside the training data).
// 3. The best three are refitted to the whole series and their forecasts
//    averaged. The interval is the AICc model's, centred on that mean.
// docs/FORECASTING.md has the measurements behind these choices.

import { ForecastEngine, modelName, type Forecast } from './engine.js';
import { smape } from './metrics.js';

/** Longer cycles auto looks for (in periods of the data): day, week, year and a week of hours. */
export const CYCLES = [7, 12, 24, 52, 168] as const;

export interface AutoResult extends Forecast {
  /** The averaged candidates, best first. */
  members: string[];
  /** The AICc-chosen exponential-smoothing model. */
  ets: string;
}

export interface AutoForecastOptions {
  level?: number;
  /** Candidates averaged (default 3). */
  top?: number;
}

type Candidate = { name: string; run: (y: Float64Array, h: number) => Float64Array | null };

function candidates(engine: ForecastEngine, y: Float64Array, h: number, m: number): Candidate[] {
  const season = m >= 2 && m <= 24 ? m : 1;
  const safe = (f: () => Float64Array): Float64Array | null => {
    try {
      const v = f();
      return v.every(Number.isFinite) ? v : null;
    } catch {
      return null; // a candidate the series cannot support (too short, not positive)
    }
  };
  const list: Candidate[] = [
    { name: season > 1 ? `ets(aicc,m=${season})` : 'ets(aicc)', run: (s, k) => safe(() => engine.predict(engine.auto(s, season), k).mean) },
  ];
  for (const method of m > 1 ? (['snaive', 'naive2', 'ses', 'damped', 'theta'] as const) : (['naive2', 'ses', 'damped', 'theta'] as const)) {
    list.push({ name: m > 1 ? `${method}@${m}` : method, run: (s, k) => safe(() => engine.benchmark(method, s, k, m).mean) });
  }
  for (const p of CYCLES) {
    if (p <= m || p % m !== 0 || y.length - h < 3 * p) continue;
    if (!engine.isSeasonal(y.subarray(0, y.length - h), p)) continue;
    for (const method of ['snaive', 'ses', 'damped'] as const) {
      list.push({ name: `${method}@${p}`, run: (s, k) => safe(() => engine.benchmark(method, s, k, p).mean) });
    }
  }
  return list;
}

/** Forecasts y h steps with the automatic choice for period m. */
export function autoForecast(engine: ForecastEngine, y: Float64Array, h: number, m: number, o: AutoForecastOptions = {}): AutoResult {
  const top = o.top ?? 3;
  const list = candidates(engine, y, h, m);
  let ranked: Candidate[] = list;
  if (y.length - h >= Math.max(2 * h, 10)) {
    const fit = y.subarray(0, y.length - h);
    const held = y.subarray(y.length - h);
    const scored = list
      .map((c) => ({ c, f: c.run(fit, h) }))
      .filter((x) => x.f !== null)
      .map((x) => ({ c: x.c, score: smape(held, x.f!) }));
    scored.sort((a, b) => a.score - b.score);
    ranked = scored.map((s) => s.c);
  }
  const mean = new Float64Array(h);
  const members: string[] = [];
  for (const c of ranked) {
    if (members.length >= top) break;
    const f = c.run(y, h);
    if (f === null) continue;
    for (let k = 0; k < h; k++) mean[k]! += f[k]!;
    members.push(c.name);
  }
  if (members.length === 0) {
    // Nothing else fits (a very short series): the last value.
    mean.fill(y[y.length - 1] ?? 0);
    members.push('naive');
  } else for (let k = 0; k < h; k++) mean[k]! /= members.length;
  let lo = mean.slice();
  let hi = mean.slice();
  let ets = 'none';
  try {
    const model = engine.auto(y, m >= 2 && m <= 24 ? m : 1);
    const f = engine.predict(model, h, o.level ?? 0.95);
    lo = mean.map((v, k) => v - (f.mean[k]! - f.lo[k]!));
    hi = mean.map((v, k) => v + (f.hi[k]! - f.mean[k]!));
    ets = modelName(model);
  } catch {
    // no interval for a series the family cannot fit
  }
  return { mean, lo, hi, members, ets };
}
