// Scoring on several cores: a GbtPool splits each batch between the calling
// thread and worker threads, each with its own instance of the WASM core and
// its own copy of the model (the module is compiled once and shared). The
// rows and outputs of the workers' shares pass through one SharedArrayBuffer;
// a call posts the shares, scores its own, and waits (Atomics) for the
// workers, so score() stays synchronous and returns the same bits as a
// single GbtEngine: each row is scored whole by one thread, and the trees of
// a row are summed in model order whichever thread it lands on.
//
// Idle workers sleep in Atomics.wait, so a pool costs no CPU between calls.

import { Worker } from 'node:worker_threads';
import { workerScript } from '../core/worker-script.js';
import { EngineError } from '../core/errors.js';
import { GbtEngine, type LoadOptions, type ModelInfo } from './engine.js';
import { wasmModule } from '../wasm/module.js';

/** Control words, one Int32Array per worker (see pool-worker.ts). */
export const CTRL = { seq: 0, done: 1, rows: 2, raw: 3, status: 4, inOffset: 5, outOffset: 6 } as const;
export const CTRL_WORDS = 8;

/** Rows below which a batch is not split: the hand-off costs more than it saves. */
export const DEFAULT_MIN_SPLIT_ROWS = 16;

export interface PoolOptions extends LoadOptions {
  /** Threads in all, the caller's included (default 2). 1 = no workers. */
  threads?: number;
  /** Most rows per call (default 10,000); sizes the shared buffers. */
  maxRows?: number;
  /** Batches smaller than this are scored on the calling thread alone (default 16). */
  minSplitRows?: number;
}


interface Lane {
  worker: Worker;
  ctrl: Int32Array;
  seq: number;
}

export class GbtPool {
  readonly threads: number;
  readonly info: ModelInfo;
  private readonly engine: GbtEngine;
  private readonly lanes: Lane[];
  private readonly shared: SharedArrayBuffer;
  private readonly maxRows: number;
  private readonly minSplit: number;
  private readonly inBytesPerLane: number;
  private readonly outBytesPerLane: number;

  private constructor(engine: GbtEngine, info: ModelInfo, opts: PoolOptions, lanes: Lane[], shared: SharedArrayBuffer, inBytes: number, outBytes: number) {
    this.engine = engine;
    this.info = info;
    this.threads = lanes.length + 1;
    this.lanes = lanes;
    this.shared = shared;
    this.maxRows = opts.maxRows ?? 10_000;
    this.minSplit = opts.minSplitRows ?? DEFAULT_MIN_SPLIT_ROWS;
    this.inBytesPerLane = inBytes;
    this.outBytesPerLane = outBytes;
  }

  /** Starts the workers and loads `blob` in each. Throws EngineError on a bad blob. Called once per model. */
  static async create(blob: Uint8Array, opts: PoolOptions = {}): Promise<GbtPool> {
    const threads = Math.max(1, Math.floor(opts.threads ?? 2));
    const maxRows = Math.max(1, Math.floor(opts.maxRows ?? 10_000));
    // The caller's own engine first: a bad blob fails before any worker starts.
    const engine = new GbtEngine();
    const probe = engine.load(blob, opts);
    const laneRows = Math.ceil(maxRows / threads) + 1;
    const inBytes = laneRows * probe.numFeatures * 8;
    const outBytes = laneRows * Math.max(probe.numOutputs, probe.numPredictions) * 8;
    const workers = threads - 1;
    const shared = new SharedArrayBuffer(workers * (CTRL_WORDS * 4 + inBytes + outBytes));
    const lanes: Lane[] = [];
    const script = workerScript(import.meta.url, 'host/gbt/pool-worker.js');
    try {
      for (let w = 0; w < workers; w++) {
        const ctrl = new Int32Array(shared, w * CTRL_WORDS * 4, CTRL_WORDS);
        const base = workers * CTRL_WORDS * 4 + w * (inBytes + outBytes);
        ctrl[CTRL.inOffset] = base;
        ctrl[CTRL.outOffset] = base + inBytes;
        const worker = new Worker(script, {
          workerData: { module: wasmModule(), blob, shared, ctrlIndex: w, numFeatures: probe.numFeatures, laneRows, load: { compile: opts.compile, compiledBlockRows: opts.compiledBlockRows, compiledSelectNodes: opts.compiledSelectNodes } },
        });
        worker.unref();
        lanes.push({ worker, ctrl, seq: 0 });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { ready?: true; error?: string }) => (m.ready ? resolve() : reject(new EngineError(-12, `worker: ${m.error}`))));
          worker.once('error', reject);
        });
      }
    } catch (e) {
      for (const l of lanes) void l.worker.terminate();
      throw e;
    }
    return new GbtPool(engine, probe, opts, lanes, shared, inBytes, outBytes);
  }

  /**
   * Scores `rows` (row-major, numFeatures per row, at most maxRows rows) and
   * returns a new array: one prediction per row and output (raw margins when
   * `raw`). The same bits as GbtEngine.score. Synchronous: the caller's
   * thread scores its share while the workers score theirs.
   */
  score(rows: Float64Array, raw = false): Float64Array {
    const info = this.info;
    const F = info.numFeatures;
    const n = rows.length / F;
    if (!Number.isInteger(n)) throw new EngineError(-13, `rows: length ${rows.length} is not a multiple of ${F} features`);
    if (n > this.maxRows) throw new EngineError(-13, `rows: ${n} rows, more than the pool's maxRows ${this.maxRows}`);
    const width = raw ? info.numOutputs : info.numPredictions;
    const out = new Float64Array(n * width);
    if (this.lanes.length === 0 || n < this.minSplit) {
      out.set(this.engine.score(info, rows, raw));
      return out;
    }
    // Equal shares; the caller takes the last (and any remainder).
    const share = Math.floor(n / this.threads);
    for (let w = 0; w < this.lanes.length; w++) {
      const lane = this.lanes[w]!;
      const c = lane.ctrl;
      new Float64Array(this.shared, c[CTRL.inOffset]!, share * F).set(rows.subarray(w * share * F, (w + 1) * share * F));
      c[CTRL.rows] = share;
      c[CTRL.raw] = raw ? 1 : 0;
      lane.seq = (lane.seq + 1) | 0;
      Atomics.store(c, CTRL.seq, lane.seq);
      Atomics.notify(c, CTRL.seq);
    }
    const mine = this.lanes.length * share;
    out.set(this.engine.score(info, rows.subarray(mine * F), raw), mine * width);
    for (let w = 0; w < this.lanes.length; w++) {
      const lane = this.lanes[w]!;
      const c = lane.ctrl;
      // The workers usually finish with us; spin a little before sleeping.
      for (let spin = 0; Atomics.load(c, CTRL.done) !== lane.seq; spin++) {
        if (spin > 2000) Atomics.wait(c, CTRL.done, Atomics.load(c, CTRL.done), 5);
      }
      const status = c[CTRL.status]!;
      if (status < 0) throw new EngineError(status, `worker ${w}: scoring failed with status ${status}`);
      out.set(new Float64Array(this.shared, c[CTRL.outOffset]!, share * width), w * share * width);
    }
    return out;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}
