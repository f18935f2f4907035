// A GbtPool worker (host/engine/pool.ts): its own instance of the WASM core
// with the model loaded; waits for a job on its control words, scores the
// rows in its lane of the shared buffer, writes the outputs back, and says so.

import { parentPort, workerData } from 'node:worker_threads';
import { StreamscoreError } from '../errors.js';
import { GbtEngine, type LoadOptions } from './wasm.js';
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
  engine.input(info, d.laneRows);
  parentPort!.postMessage({ ready: true });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
  process.exit(1);
}

const F = d.numFeatures;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.seq, seen);
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
