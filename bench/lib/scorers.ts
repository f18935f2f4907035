// The scorers under test, behind one shape: score n row-major rows, get one
// value per row (probability, or raw margin with raw = true). Each call does
// all the per-batch work a caller would: WASM copies the rows into its memory
// and the outputs out; onnxruntime gets a fresh float32 tensor.

import { DebugGbtEngine, GbtEngine, type LoadOptions } from '../../host/gbt/engine.js';
import { GbtPool } from '../../host/gbt/pool.js';
import { loadModel } from '../../host/gbt/load.js';
import { referencePredict, referenceRaw } from '../../host/gbt/reference.js';
import type { BenchModel } from './data.js';
import type { Ort, OrtSession } from './ort.js';

export interface Scorer {
  name: string;
  score(rows: Float64Array, n: number, raw?: boolean): ArrayLike<number> | Promise<ArrayLike<number>>;
}

/**
 * The WASM scorer; blockRows 1 walks row by row (on the debug build, which
 * has the switch and is optimised as the release build is), undefined keeps
 * the release build's default (blocked). load { compile: true } scores with
 * the model compiled to its own module.
 */
export function wasmScorer(model: BenchModel, name: string, blockRows?: number, load: LoadOptions = {}): Scorer {
  let engine = new GbtEngine();
  if (blockRows !== undefined) {
    const debug = new DebugGbtEngine();
    debug.exports.setBlockRows(blockRows);
    engine = debug;
  }
  const info = engine.load(loadModel(model.modelPath).blob, load);
  if (load.compile === true && info.compiled === null) throw new Error(`${model.name}: not compiled`);
  // score() = input().set(rows) + run() + slice(): the copy in and out is timed.
  return { name, score: (rows, n, raw = false) => engine.score(info, rows.subarray(0, n * model.numFeatures), raw) };
}

/**
 * The WASM scorer on `threads` threads (host/gbt/pool.ts): the caller's
 * thread plus worker threads, each scoring its share of the batch.
 */
export async function poolScorer(model: BenchModel, name: string, threads: number, load: LoadOptions = {}): Promise<Scorer> {
  const pool = await GbtPool.create(loadModel(model.modelPath).blob, { ...load, threads, maxRows: model.numRows });
  if (load.compile === true && pool.info.compiled === null) throw new Error(`${model.name}: not compiled`);
  return { name, score: (rows, n, raw = false) => pool.score(rows.subarray(0, n * model.numFeatures), raw) };
}

export function referenceScorer(model: BenchModel): Scorer {
  const forest = loadModel(model.modelPath).forest!;
  const F = model.numFeatures;
  return {
    name: 'reference TS',
    score(rows, n, raw = false) {
      const out = new Float64Array(n);
      const f = raw ? referenceRaw : referencePredict;
      for (let i = 0; i < n; i++) out[i] = f(forest, rows.subarray(i * F, (i + 1) * F))[0]!;
      return out;
    },
  };
}

/**
 * onnxruntime-node. intraOpNumThreads undefined is its default (one thread
 * per physical core); the WASM scorer is single-threaded, so a 1-thread
 * session is measured too. The raw session is only made for exactness.
 */
export async function ortScorer(ort: Ort, model: BenchModel, name: string, intraOpNumThreads?: number, withRaw = false): Promise<Scorer> {
  // The native binding rejects an explicit undefined, so leave the key out.
  // Severity 3 (errors only): the converter declares the unused label output
  // as shape [1], and onnxruntime warns about that on every batch > 1.
  const threads = intraOpNumThreads === undefined ? {} : { intraOpNumThreads };
  const options = { executionMode: 'sequential' as const, logSeverityLevel: 3 as const, ...threads };
  const prob = await ort.InferenceSession.create(model.onnxPath, options);
  const raw = withRaw ? await ort.InferenceSession.create(model.onnxRawPath, options) : null;
  const F = model.numFeatures;
  const probName = prob.outputNames.find((o) => o.includes('prob')) ?? prob.outputNames[prob.outputNames.length - 1]!;
  const run = async (s: OrtSession, output: string, rows: Float64Array, n: number) => {
    const t = new ort.Tensor('float32', new Float32Array(rows.subarray(0, n * F)), [n, F]);
    return (await s.run({ [s.inputNames[0]!]: t }))[output]!.data;
  };
  return {
    name,
    async score(rows, n, wantRaw = false) {
      if (!wantRaw) return run(prob, probName, rows, n); // [n, 2]: P(class 0), P(class 1)
      if (raw === null) throw new Error(`${name}: made without the raw session`);
      return run(raw, raw.outputNames[0]!, rows, n); // [n, 1]
    },
  };
}

/** One value per row: the positive class's column when the output is [n, 2]. */
export function perRow(out: ArrayLike<number>, n: number): Float64Array {
  const width = out.length / n;
  return Float64Array.from({ length: n }, (_, i) => out[i * width + width - 1]!);
}
