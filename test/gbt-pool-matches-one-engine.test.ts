// Scoring on several threads (GbtPool: the batch split between the caller and
// worker threads, each with its own WASM instance) gives the same bits as one
// GbtEngine: raw margins and predictions, on every fixture model (multiclass,
// categorical, linear trees, XGBoost float32 sums), for batch sizes that split
// unevenly and batches too small to split; a bad blob is refused before any
// worker starts, and an oversized batch is a clear error.

import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { cases, inputs, modelPath } from './helpers/fixtures.js';
import { loadModel } from '../host/gbt/load.js';
import { GbtEngine } from '../host/gbt/engine.js';
import { GbtPool } from '../host/gbt/pool.js';
import { EngineError } from '../host/core/errors.js';

const engine = new GbtEngine();
const pools: GbtPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** `data` repeated until it has at least `rows` rows, then cut to exactly `rows`. */
function tile(data: Float64Array, cols: number, rows: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += data.length) out.set(data.subarray(0, Math.min(data.length, out.length - i)), i);
  return out;
}

describe('every fixture model: a pool of 2 and of 3 threads scores like one engine', () => {
  for (const c of cases()) {
    it(c.name, async () => {
      const blob = loadModel(modelPath(c), { unchecked: true }).blob;
      const { cols, data } = inputs(c);
      const one = engine.load(blob);
      onTestFinished(() => engine.free(one));
      for (const threads of [2, 3]) {
        const pool = await GbtPool.create(blob, { threads, maxRows: 1000, minSplitRows: 4 });
        try {
          expect(pool.threads).toBe(threads);
          for (const rows of [1, 3, 4, 7, 64, 101, 1000]) {
            const x = tile(data, cols, rows);
            for (const raw of [true, false]) {
              expect(bits(pool.score(x, raw)).equals(bits(engine.score(one, x, raw))), `${c.name}: ${threads} threads, ${rows} rows, raw ${raw}`).toBe(true);
            }
          }
        } finally {
          await pool.close();
        }
      }
    });
  }
});

it('a pool compiles its model in every thread when asked, with the same bits', async () => {
  const c = cases().find((k) => k.library === 'lightgbm' && k.numOutputs === 1)!;
  const blob = loadModel(modelPath(c), { unchecked: true }).blob;
  const { cols, data } = inputs(c);
  const pool = await GbtPool.create(blob, { threads: 2, compile: true, maxRows: 500, minSplitRows: 2 });
  pools.push(pool);
  expect(pool.info.compiled).not.toBeNull();
  const x = tile(data, cols, 333);
  const one = engine.load(blob);
  expect(bits(pool.score(x, true)).equals(bits(engine.score(one, x, true)))).toBe(true);
  engine.free(one);
});

it('a corrupt blob is refused with an EngineError and no worker is left running', async () => {
  const c = cases()[0]!;
  const blob = loadModel(modelPath(c), { unchecked: true }).blob.slice();
  blob[0] = blob[0]! ^ 0xff; // the magic
  await expect(GbtPool.create(blob, { threads: 2 })).rejects.toBeInstanceOf(EngineError);
});

it('a batch larger than maxRows, or not a whole number of rows, is a clear error', async () => {
  const c = cases()[0]!;
  const pool = await GbtPool.create(loadModel(modelPath(c), { unchecked: true }).blob, { threads: 2, maxRows: 10 });
  pools.push(pool);
  const F = pool.info.numFeatures;
  expect(() => pool.score(new Float64Array(11 * F))).toThrow(/11 rows, more than the pool's maxRows 10/);
  expect(() => pool.score(new Float64Array(2 * F + 1))).toThrow(/not a multiple of/);
});
