// Forecasting benchmark: series fitted per second with the automatic choice
// (the whole exponential-smoothing family by likelihood, AICc; 1,000 points
// per series, daily-like with a weekly season, m = 7), the same for the
// non-seasonal family, forecast updates per second (one new period moves a
// SKU's model on, then a 14-period forecast with its interval, as the
// inventory stage does), and the time to refit 100,000 SKUs: extrapolated
// from the measured fit rate (one core), or measured whole with
// BENCH_REFIT_SKUS (every SKU's series refitted, split over BENCH_THREADS
// worker threads, each with its own engine). Reports only: never fails on a
// time.
//
//   npm run bench:forecast    # BENCH_SECONDS sets the time per measure (default 10)
//   BENCH_REFIT_SKUS=100000 BENCH_THREADS=2 npm run bench:forecast   # the measured refit (about half an hour here)

import { cpus, loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
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

const REFIT_SKUS = Number(process.env.BENCH_REFIT_SKUS ?? 0);
const THREADS = Math.max(1, Number(process.env.BENCH_THREADS ?? cpus().length));

if (!isMainThread) {
  // One worker's share of the measured refit: SKUs [from, to), each its own
  // seeded series. Series are generated a chunk at a time (so that 50,000
  // series of 1,000 points never sit in memory at once) and only the fits
  // are timed in fitMs; the wall time includes both.
  const { from, to } = workerData as { from: number; to: number };
  seed = 12345 + from;
  let fitted = 0;
  let fitMs = 0;
  for (let k = from; k < to; k += 1000) {
    const chunk = Array.from({ length: Math.min(1000, to - k) }, series);
    const t0 = performance.now();
    for (const y of chunk) {
      engine.auto(y, 7);
      fitted++;
    }
    fitMs += performance.now() - t0;
  }
  parentPort!.postMessage({ fitted, fitMs });
} else if (REFIT_SKUS > 0) {
  await measuredRefit();
} else {
  rates();
}

async function measuredRefit(): Promise<void> {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}; refit ${REFIT_SKUS} SKUs (auto, 1,000 points, m = 7) on ${THREADS} worker threads; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const t0 = performance.now();
  const share = Math.ceil(REFIT_SKUS / THREADS);
  const results = await Promise.all(Array.from({ length: THREADS }, (_, w) => new Promise<{ fitted: number; fitMs: number }>((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { from: w * share, to: Math.min(REFIT_SKUS, (w + 1) * share) } });
    worker.once('message', resolve);
    worker.once('error', reject);
  })));
  const wallMs = performance.now() - t0;
  const fitted = results.reduce((n, r) => n + r.fitted, 0);
  const fitMs = Math.max(...results.map((r) => r.fitMs));
  console.log('| measure | value |');
  console.log('| --- | --- |');
  console.log(`| SKUs refitted | ${fitted} |`);
  console.log(`| wall time, series generation included | ${(wallMs / 60_000).toFixed(1)} min |`);
  console.log(`| fitting time of the slowest thread | ${(fitMs / 60_000).toFixed(1)} min |`);
  console.log(`| fits per second, all threads | ${(fitted / (fitMs / 1000)).toFixed(1)} |`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

function rates(): void {
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
}
