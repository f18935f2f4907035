// Forecasting benchmark: series fitted per second with the automatic choice
// (the whole exponential-smoothing family by likelihood, AICc; 1,000 points
// per series, daily-like with a weekly season, m = 7), the same for the
// non-seasonal family, forecast updates per second (one new period moves a
// SKU's model on, then a 14-period forecast with its interval, as the
// inventory stage does), and the time to refit 100,000 SKUs, extrapolated
// from the measured fit rate (one core). Reports only: never fails on a time.
//
//   npm run bench:forecast    # BENCH_SECONDS sets the time per measure (default 10)

import { cpus } from 'node:os';
import { ForecastEngine, modelName, type EtsModel } from '../host/forecast/engine.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const N = 1000;
const engine = new ForecastEngine();

// A seeded generator: series differ, runs repeat.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const WEEK = [1.0, 0.9, 0.95, 1.0, 1.2, 1.5, 0.6];
function series(): Float64Array {
  const base = 20 + 80 * rand();
  const slope = (rand() - 0.3) * 0.02;
  return Float64Array.from({ length: N }, (_, t) => Math.max(0.5, (base + slope * t) * WEEK[t % 7]! * (1 + 0.2 * (rand() - 0.5))));
}

function rate(label: string, work: () => void): number {
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    work();
    done++;
  }
  const per = done / ((performance.now() - start) / 1000);
  console.log(`| ${label} | ${per.toFixed(per < 100 ? 1 : 0)} /s | ${done} |`);
  return per;
}

const pool = Array.from({ length: 64 }, series);
let i = 0;
const chosen = new Map<string, number>();
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}, ${SECONDS} s per measure, one thread`);
console.log('| measure | rate | runs |');
console.log('| --- | --- | --- |');
const autoRate = rate('series fitted, auto (15 models, seasonal m = 7), 1,000 points', () => {
  const m = engine.auto(pool[i++ % pool.length]!, 7);
  const k = modelName(m);
  chosen.set(k, (chosen.get(k) ?? 0) + 1);
});
rate('series fitted, auto non-seasonal (6 models), 1,000 points', () => {
  engine.auto(pool[i++ % pool.length]!, 1);
});
const models: EtsModel[] = pool.map((y) => engine.auto(y, 7));
const next = [0];
rate('forecast updates (one new period + 14-period forecast with interval)', () => {
  const m = models[i++ % models.length]!;
  next[0] = 50 + 10 * rand();
  engine.update(m, next);
  engine.predict(m, 14, 0.9);
});
rate('model updates alone (one new period)', () => {
  next[0] = 50 + 10 * rand();
  engine.update(models[i++ % models.length]!, next);
});
const hours = 100_000 / autoRate / 3600;
console.log(`\nrefit 100,000 SKUs (auto, 1,000 points each): ${(hours * 60).toFixed(0)} min on one core, extrapolated from the measured ${autoRate.toFixed(1)} fits/s`);
console.log(`models chosen: ${[...chosen].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
