// `streamscore score`: batch scoring of a file or stdin in constant memory.
// Rows are parsed straight into the WASM input buffer a batch at a time, and
// each batch's predictions are written before the next is read.

import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { loadModel } from '../gbt/load.js';
import { ModelError } from '../core/errors.js';
import { GbtEngine, type ModelInfo } from '../gbt/engine.js';
import { GbtPool } from '../gbt/pool.js';
import { formatOf, rowParser } from '../gbt/rows.js';
import { openInput, readLines } from '../core/lines.js';
import { progress } from './progress.js';

export interface ScoreOptions {
  model: string;
  input: string;
  output: string;
  raw: boolean;
  format?: string;
  batchRows?: number;
  /** Threads scoring each batch (default 1); more split every batch between worker threads (host/gbt/pool.ts). */
  threads?: number;
}

/** Runs `score`; resolves to the number of rows scored. */
export async function score(opts: ScoreOptions): Promise<number> {
  const format = formatOf(opts.input, opts.format);
  const loaded = loadModel(opts.model);
  const batchRows = opts.batchRows ?? 4096;
  const threads = opts.threads ?? 1;
  const engine = new GbtEngine();
  let model: ModelInfo;
  let pool: GbtPool | null = null;
  try {
    if (threads > 1) {
      pool = await GbtPool.create(loaded.blob, { compile: 'auto', threads, maxRows: batchRows });
      model = pool.info;
    } else model = engine.load(loaded.blob, { compile: 'auto' });
  } catch (e) {
    throw new ModelError(opts.model, (e as Error).message, { cause: e });
  }
  const parse = rowParser(format, opts.input, model.numFeatures, loaded.featureNames);
  // One engine: rows are parsed into its input buffer. A pool: into a buffer of ours, split at score time.
  const rowsBuffer = pool === null ? null : new Float64Array(batchRows * model.numFeatures);
  const nextInput = () => rowsBuffer ?? engine.input(model, batchRows);
  const width = opts.raw ? model.numOutputs : model.numPredictions;
  const out: Writable = opts.output === '-' ? process.stdout : createWriteStream(opts.output);
  const total = opts.input === '-' ? undefined : statSync(opts.input).size;
  const bar = progress('scoring', total);
  let scored = 0;
  let pending = 0;
  let input = nextInput();

  const flush = async () => {
    if (pending === 0) return;
    const res = pool === null ? engine.run(model, pending, opts.raw) : pool.score(rowsBuffer!.subarray(0, pending * model.numFeatures), opts.raw);
    const lines: string[] = new Array(pending);
    for (let r = 0; r < pending; r++) {
      if (width === 1) lines[r] = String(res[r]);
      else {
        const parts: string[] = new Array(width);
        for (let j = 0; j < width; j++) parts[j] = String(res[r * width + j]);
        lines[r] = parts.join(',');
      }
    }
    scored += pending;
    pending = 0;
    input = nextInput();
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
  };

  try {
    for await (const batch of readLines(openInput(opts.input))) {
      for (let i = 0; i < batch.lines.length; i++) {
        if (parse(batch.lines[i]!, batch.firstLine + i, input, pending * model.numFeatures)) pending++;
        if (pending === batchRows) await flush();
      }
      bar.update(scored + pending, batch.bytesRead);
    }
    await flush();
  } finally {
    bar.done();
    await pool?.close();
    if (out !== process.stdout) {
      out.end();
      await once(out, 'close');
    }
  }
  return scored;
}
