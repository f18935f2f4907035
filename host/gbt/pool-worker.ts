// A GbtPool worker (host/gbt/pool.ts): its own instance of the WASM core
// with the model loaded; waits for a job on its control words, scores the
// rows in its lane of the shared buffer, writes the outputs back, and says so.

import { parentPort, workerData } from 'node:worker_threads';
import { StreamscoreError } from '../core/errors.js';
import { GbtEngine, type LoadOptions } from './engine.js';
import { CTRL, CTRL_WORDS } from './pool.js';

interface Data {
  module: WebAssembly.Module;
  blob: Uint8Array;
  shared: SharedArrayBuffer;
  ctrlIndex: number;
  numFeatures: number;
  laneRows: number;
  load: LoadOptions;
}

const d = workerData as Data;
const ctrl = new Int32Array(d.shared, d.ctrlIndex * CTRL_WORDS * 4, CTRL_WORDS);
let engine: GbtEngine;
let info: ReturnType<GbtEngine['load']>;
try {
  engine = new GbtEngine(d.module);
  info = engine.load(d.blob, d.load);
  warmUp(engine, info, Math.min(d.laneRows, 256));
  engine.input(info, d.laneRows);
  parentPort!.postMessage({ ready: true });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
  process.exit(1);
}

/**
 * V8 starts a WASM function on its baseline compiler and moves it to the
 * optimising one once it has run enough; without this the first few hundred
 * small batches a worker scores run at about half speed (bench/results/2026-11-25-to-12-07-benchmarks-log.md).
 */
function warmUp(e: GbtEngine, m: ReturnType<GbtEngine['load']>, rows: number): void {
  for (let i = 0; i < 20; i++) {
    e.input(m, rows).fill(i % 2 === 0 ? 0 : Number.NaN);
    e.run(m, rows, i % 2 === 0);
  }
}

const F = d.numFeatures;
let seen = 0;
// After a job, poll for the next one for a short while before sleeping:
// back-to-back batches then skip the futex wake-up (tens of µs), which is a
// tenth of a 100-row batch. Bounded, so an idle pool costs nothing.
const SPIN_MS = 0.2;
for (;;) {
  const until = performance.now() + SPIN_MS;
  for (let i = 0; Atomics.load(ctrl, CTRL.seq) === seen; i++) {
    if ((i & 63) === 63 && performance.now() > until) {
      Atomics.wait(ctrl, CTRL.seq, seen);
      break;
    }
  }
  seen = Atomics.load(ctrl, CTRL.seq);
  const rows = ctrl[CTRL.rows]!;
  const raw = ctrl[CTRL.raw] === 1;
  let status = 0;
  try {
    engine.input(info, rows).set(new Float64Array(d.shared, ctrl[CTRL.inOffset]!, rows * F));
    const out = engine.run(info, rows, raw);
    new Float64Array(d.shared, ctrl[CTRL.outOffset]!, out.length).set(out);
  } catch (e) {
    status = e instanceof StreamscoreError && 'status' in e ? (e as { status: number }).status : -1;
  }
  ctrl[CTRL.status] = status;
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
