// The WASM trainer (assembly/train/abi.ts), wrapped for the host: its own
// instance and memory, typed views made fresh per call (growing memory
// detaches old ones), statuses turned into EngineErrors.

import { EngineError } from '../core/errors.js';
import { wasmModule } from '../wasm/module.js';
import { statusMessage } from '../wasm/status.js';

interface TrainExports {
  memory: WebAssembly.Memory;
  trainReserve(train: number, valid: number, features: number): number;
  trainLabelPtr(): number;
  trainColumnPtr(): number;
  trainBinColumn(f: number, maxBin: number, minDataInBin: number, minDataInLeaf: number): number;
  trainFeatureNumBins(f: number): number;
  trainFeatureMin(f: number): number;
  trainFeatureMax(f: number): number;
  trainConfigure(
    objective: number, trees: number, leaves: number, maxDepth: number, minDataInLeaf: number, minSumHessian: number,
    lambdaL2: number, minGainToSplit: number, learningRate: number, featureFraction: number, baggingFraction: number, seed: number,
  ): number;
  trainStart(): number;
  trainInitScore(): number;
  trainNextTree(): number;
  trainTreePtr(): number;
  trainScoresPtr(): number;
  trainRescore(k: number): number;
}

/** The objective codes of trainConfigure. */
export const OBJECTIVE_CODE = { binary: 0, regression: 1 } as const;

export interface TrainerConfig {
  objective: keyof typeof OBJECTIVE_CODE;
  trees: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambdaL2: number;
  minGainToSplit: number;
  learningRate: number;
  featureFraction: number;
  baggingFraction: number;
  seed: number;
}

/** One grown tree in LightGBM's numbering (assembly/train/tree.ts), values shrunk, no starting score folded in. */
export interface GrownTree {
  numLeaves: number;
  shrinkage: number;
  feature: Int32Array;
  thresholdBin: Int32Array;
  threshold: Float64Array;
  decisionType: Int32Array;
  gain: Float64Array;
  left: Int32Array;
  right: Int32Array;
  internalValue: Float64Array;
  internalWeight: Float64Array;
  internalCount: Int32Array;
  leafValue: Float64Array;
  leafWeight: Float64Array;
  leafCount: Int32Array;
}

export class TrainEngine {
  private readonly e: TrainExports;

  constructor() {
    this.e = new WebAssembly.Instance(wasmModule(), {}).exports as unknown as TrainExports;
  }

  private check(s: number): number {
    if (s < 0) throw new EngineError(s, `trainer: ${statusMessage(s)}`);
    return s;
  }

  /** Sizes the trainer; after it, write labels() and bin each column. */
  reserve(train: number, valid: number, features: number): void {
    this.check(this.e.trainReserve(train, valid, features));
  }

  /** The label buffer: training rows, then validation rows. */
  labels(rows: number): Float64Array {
    return new Float64Array(this.e.memory.buffer, this.e.trainLabelPtr(), rows);
  }

  /** The column buffer for the next binColumn. */
  column(rows: number): Float64Array {
    return new Float64Array(this.e.memory.buffer, this.e.trainColumnPtr(), rows);
  }

  /** Bins the column buffer as feature f; returns its bin count (1: it cannot split). */
  binColumn(f: number, maxBin: number, minDataInBin: number, minDataInLeaf: number): number {
    return this.check(this.e.trainBinColumn(f, maxBin, minDataInBin, minDataInLeaf));
  }

  /** Bins, smallest and largest training value of feature f. */
  featureInfo(f: number): { bins: number; min: number; max: number } {
    return { bins: this.e.trainFeatureNumBins(f), min: this.e.trainFeatureMin(f), max: this.e.trainFeatureMax(f) };
  }

  configure(c: TrainerConfig): void {
    this.check(this.e.trainConfigure(
      OBJECTIVE_CODE[c.objective], c.trees, c.numLeaves, c.maxDepth, c.minDataInLeaf, c.minSumHessian,
      c.lambdaL2, c.minGainToSplit, c.learningRate, c.featureFraction, c.baggingFraction, c.seed | 0,
    ));
  }

  /** Starts boosting; returns the starting score. */
  start(): number {
    this.check(this.e.trainStart());
    return this.e.trainInitScore();
  }

  /** Grows one tree; returns its leaf count (1: nothing left to split). */
  nextTree(): number {
    return this.check(this.e.trainNextTree());
  }

  /** The raw scores of every row (training then validation); valid until the next call. */
  scores(rows: number): Float64Array {
    return new Float64Array(this.e.memory.buffer, this.e.trainScoresPtr(), rows);
  }

  /** Recomputes the scores from the first k trees. */
  rescore(k: number): void {
    this.check(this.e.trainRescore(k));
  }

  /** A copy of the last tree grown, read from the output section. */
  tree(): GrownTree {
    const buf = this.e.memory.buffer;
    const base = this.e.trainTreePtr();
    const head = new DataView(buf, base, 16);
    const numLeaves = head.getInt32(0, true);
    const cap = head.getInt32(4, true);
    const n = numLeaves - 1;
    const f64 = (k: number, len: number) => new Float64Array(buf, base + 16 + k * cap * 8, len).slice();
    const i32 = (k: number, len: number) => new Int32Array(buf, base + 16 + 6 * cap * 8 + k * cap * 4, len).slice();
    return {
      numLeaves,
      shrinkage: head.getFloat64(8, true),
      threshold: f64(0, n),
      gain: f64(1, n),
      internalValue: f64(2, n),
      internalWeight: f64(3, n),
      leafValue: f64(4, numLeaves),
      leafWeight: f64(5, numLeaves),
      feature: i32(0, n),
      thresholdBin: i32(1, n),
      decisionType: i32(2, n),
      left: i32(3, n),
      right: i32(4, n),
      internalCount: i32(5, n),
      leafCount: i32(6, numLeaves),
    };
  }
}
