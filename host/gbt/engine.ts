// The tree scorer of the WASM core, wrapped for the host. Each GbtEngine is an
// instance of the process's one compiled module (host/wasm/module.ts) with its own memory. Views into memory are made
// fresh per call because growing memory detaches old ones.

import { EngineError } from '../core/errors.js';
import { statusMessage } from '../wasm/status.js';
import { wasmModule } from '../wasm/module.js';
import { compileSum, type CompiledSum } from './compiled.js';
import { COMPILE_MAX_MEAN_SPLITS, meanSplitsPerTree } from './codegen.js';
import { loadImage, saveImage, wrote, type Image, type ImageDelta, type SavedImage } from '../wasm/image.js';

interface Exports {
  memory: WebAssembly.Memory;
  modelReserve(bytes: number): number;
  modelLoad(): number;
  modelFree(h: number): number;
  modelNumFeatures(h: number): number;
  modelNumOutputs(h: number): number;
  modelNumPredictions(h: number): number;
  modelNumTrees(h: number): number;
  batchReserve(rows: number, cols: number, outs: number): number;
  inputPtr(): number;
  outputPtr(): number;
  score(h: number, rows: number, raw: number): number;
  transform(h: number, rows: number): number;
  modelTableLayout(h: number): number;
  modelFastLayout(h: number): number;
  explain(h: number, rows: number): number;
  scoreExplain(h: number, rows: number): number;
  explainPtr(): number;
  abiVersion(): number;
  stateSave(): number;
  stateLoad(): number;
  stateDirty(): number;
}

function wantCompiled(blob: Uint8Array, compile: LoadOptions['compile']): boolean {
  if (compile === 'auto') return meanSplitsPerTree(blob) <= COMPILE_MAX_MEAN_SPLITS;
  return compile === true;
}

/** A loaded model inside an engine. */
export interface ModelInfo {
  handle: number;
  numFeatures: number;
  numOutputs: number;
  numPredictions: number;
  numTrees: number;
  /** The model compiled to its own module (load with `compile: true`), or null: the interpreter scores it. */
  compiled: CompiledSum | null;
  /** Whether the module built the model's table layout (small trees): scoreExplain then finds each row's leaves once. */
  table: boolean;
}

export interface LoadOptions {
  /**
   * Compile the model into its own WebAssembly module (host/gbt/codegen.ts)
   * and score with it: same margins bit for bit, faster, at a compile cost
   * at load time (bench/results/2026-11-25-to-12-07-benchmarks-log.md). Models with linear leaves stay on the
   * interpreter. 'auto' compiles when the trees are small enough for it to
   * be faster (COMPILE_MAX_MEAN_SPLITS in host/gbt/codegen.ts).
   */
  compile?: boolean | 'auto';
  /** Rows per pass over the trees in the compiled code (default 64). */
  compiledBlockRows?: number;
  /** Subtrees generated without branches (host/gbt/codegen.ts CodegenOptions.selectNodes). */
  compiledSelectNodes?: number;
}

/** The debug build's switches (assembly/debug.ts), for tests and benchmarks that compare the scorer's walks. */
interface DebugExports extends Exports {
  setBlockRows(n: number): void;
  useFastLayout(on: number): void;
  useTableLayout(on: number): void;
}

export class GbtEngine {
  readonly exports: Exports;
  private rowsReserved = 0;
  private colsReserved = 0;
  private outsReserved = 0;

  constructor(wasm: WebAssembly.Module = wasmModule()) {
    this.exports = new WebAssembly.Instance(wasm, {}).exports as unknown as Exports;
  }

  /** Copies a packed model blob in and validates it. Throws EngineError on a bad blob. */
  load(blob: Uint8Array, opts: LoadOptions = {}): ModelInfo {
    const e = this.exports;
    const ptr = e.modelReserve(blob.byteLength);
    if (ptr === 0) throw new EngineError(-10, statusMessage(-10));
    new Uint8Array(e.memory.buffer, ptr, blob.byteLength).set(blob);
    wrote(e, ptr, blob.byteLength);
    const h = e.modelLoad();
    if (h < 0) throw new EngineError(h, statusMessage(h));
    return {
      handle: h,
      numFeatures: e.modelNumFeatures(h),
      numOutputs: e.modelNumOutputs(h),
      numPredictions: e.modelNumPredictions(h),
      numTrees: e.modelNumTrees(h),
      table: e.modelTableLayout(h) > 0,
      compiled: wantCompiled(blob, opts.compile) ? compileSum(blob, e.memory, { blockRows: opts.compiledBlockRows, selectNodes: opts.compiledSelectNodes }) : null,
    };
  }

  /** Unloads a model. */
  free(model: ModelInfo): void {
    this.exports.modelFree(model.handle);
  }

  /**
   * Returns a view of the input buffer sized for `rows` rows of `model`; fill
   * it (row-major, NaN for missing) and call run(). Valid until the next call.
   */
  input(model: ModelInfo, rows: number): Float64Array {
    this.reserve(rows, model.numFeatures, model.numOutputs);
    return this.view(0, this.exports.inputPtr(), rows * model.numFeatures);
  }

  /** Scores the rows written through input(); returns a view of the outputs, valid until the next call. */
  run(model: ModelInfo, rows: number, raw = false): Float64Array {
    const e = this.exports;
    wrote(e, e.inputPtr(), rows * model.numFeatures * 8);
    if (model.compiled !== null) {
      // The generated code does not check bounds against the buffers: do it here.
      if (!Number.isInteger(rows) || rows < 0 || rows * model.numFeatures > this.rowsReserved * this.colsReserved || rows * model.numOutputs > this.rowsReserved * this.outsReserved) {
        throw new EngineError(-13, statusMessage(-13));
      }
      model.compiled.sum(e.inputPtr(), rows, e.outputPtr());
      wrote(e, e.outputPtr(), rows * model.numOutputs * 8); // the generated module's writes are not marked
      if (!raw) {
        const s = e.transform(model.handle, rows);
        if (s < 0) throw new EngineError(s, statusMessage(s));
      }
    } else {
      const s = e.score(model.handle, rows, raw ? 1 : 0);
      if (s < 0) throw new EngineError(s, statusMessage(s));
    }
    const width = raw ? model.numOutputs : model.numPredictions;
    return this.view(1, this.exports.outputPtr(), rows * width);
  }

  /**
   * Contributions of the rows written through input(): per row and output,
   * numFeatures + 1 values (the last is the bias), summing to the margin.
   * A view, valid until the next call.
   */
  explain(model: ModelInfo, rows: number): Float64Array {
    const s = this.exports.explain(model.handle, rows);
    if (s < 0) throw new EngineError(s, statusMessage(s));
    return this.view(2, this.exports.explainPtr(), rows * model.numOutputs * (model.numFeatures + 1));
  }

  /**
   * run() and explain() of the same rows together: predictions (transformed)
   * and contributions, as views valid until the next call. A model on the
   * table layout (assembly/gbt/table.ts: small trees) finds each row's
   * leaves once for both; the others make the two calls. The same bits either way.
   */
  scoreExplain(model: ModelInfo, rows: number): { scores: Float64Array; contributions: Float64Array } {
    const e = this.exports;
    if (model.table) {
      wrote(e, e.inputPtr(), rows * model.numFeatures * 8);
      const s = e.scoreExplain(model.handle, rows);
      if (s < 0) throw new EngineError(s, statusMessage(s));
      const scores = this.view(1, e.outputPtr(), rows * model.numPredictions);
      return { scores, contributions: this.view(2, e.explainPtr(), rows * model.numOutputs * (model.numFeatures + 1)) };
    }
    const scores = this.run(model, rows);
    return { scores, contributions: this.explain(model, rows) };
  }

  /** Scores a row-major matrix; returns a copy of the outputs. */
  score(model: ModelInfo, rows: Float64Array, raw = false): Float64Array {
    const n = rows.length / model.numFeatures;
    this.input(model, n).set(rows);
    return this.run(model, n, raw).slice();
  }

  /**
   * The instance's state image (host/wasm/image.ts): everything every engine
   * on this instance knows, models included. Written into `into` (only the
   * pages changed since, when it holds this instance's last image). Called
   * between batches.
   */
  saveImage(into?: Uint8Array): SavedImage {
    return saveImage(this.exports, into);
  }

  /**
   * Makes this instance the one the image was saved from. Its models are
   * the image's (the caller frees or keeps them by handle); the buffers are
   * reserved again on the next batch.
   */
  loadImage(image: Image, deltas?: readonly ImageDelta[]): void {
    loadImage(this.exports, image, deltas);
    this.rowsReserved = this.colsReserved = this.outsReserved = 0;
    this.views.fill(undefined);
  }

  // The last view of each buffer (input, output, contributions), handed out
  // again while memory, pointer and length are the same: a call per batch
  // then makes no typed array (they cost more than a small batch's work).
  private readonly views: (Float64Array | undefined)[] = [undefined, undefined, undefined];

  private view(slot: number, ptr: number, length: number): Float64Array {
    const buffer = this.exports.memory.buffer;
    const v = this.views[slot];
    if (v !== undefined && v.buffer === buffer && v.byteOffset === ptr && v.length === length) return v;
    return (this.views[slot] = new Float64Array(buffer, ptr, length));
  }

  private reserve(rows: number, cols: number, outs: number): void {
    if (rows <= this.rowsReserved && cols <= this.colsReserved && outs <= this.outsReserved) return;
    this.rowsReserved = Math.max(rows, this.rowsReserved);
    this.colsReserved = Math.max(cols, this.colsReserved);
    this.outsReserved = Math.max(outs, this.outsReserved);
    const s = this.exports.batchReserve(this.rowsReserved, this.colsReserved, this.outsReserved);
    if (s < 0) throw new EngineError(s, statusMessage(s));
  }
}

/** A GbtEngine on the debug build: the same scorer, plus switches that tests and benchmarks use to compare its walks (the bits are the same in each). */
export class DebugGbtEngine extends GbtEngine {
  declare readonly exports: DebugExports;

  constructor() {
    super(wasmModule('debug'));
  }
}
