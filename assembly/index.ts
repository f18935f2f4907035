// The ABI: numbers, pointers and lengths only (docs/ABI.md). The module owns
// its buffers; the host writes into them and calls one function per batch.
// Logic lives in the concept folders (gbt/ for tree ensembles).

import { MAX_TS } from "./limits";
import { Forest, parseForest } from "./gbt/forest";
import { sumBlock, blockRowsFor, usesTable, initOutputs } from "./gbt/predict";
import { transformBlock } from "./gbt/transform";
import { explainRows, initContributions, scoreExplainBlock } from "./gbt/explain";
import { freeFast } from "./gbt/fast";
import { freeTable } from "./gbt/table";
import { OBJ_ARGMAX } from "./gbt/layout";
import { OK, E_NO_SLOT, E_BAD_HANDLE, E_NO_MEMORY, E_BAD_ARGUMENT, E_NO_BATCH } from "./status";

const MAX_MODELS = 16;
const models = new StaticArray<Forest | null>(MAX_MODELS);

let stage: usize = 0; // where the host writes the next model blob
let stageBytes: i32 = 0;

let explainOut: usize = 0;
let explainBytes: usize = 0;

let input: usize = 0;
let output: usize = 0;
let inputBytes: usize = 0;
let outputBytes: usize = 0;

/** ABI version: bumped on any incompatible change to these exports or the blob. Called once by embedders. */
export function abiVersion(): i32 {
  return 3;
}

/** Latest event time the engines accept, epoch ms (the earliest is 0). Called once by hosts that check their validator against it. */
export function eventsMaxTs(): f64 {
  return MAX_TS;
}

/** Returns a buffer of `bytes` bytes for the host to write a model blob into (0 if out of memory). Called once per model load. */
export function modelReserve(bytes: i32): usize {
  if (bytes <= 0) return 0;
  if (stage != 0) heap.free(stage);
  stage = heap.alloc(<usize>bytes);
  stageBytes = bytes;
  return stage;
}

/** Validates the staged blob and installs it; returns a handle >= 0 or a negative status. Called once per model load. */
export function modelLoad(): i32 {
  if (stage == 0) return E_NO_MEMORY;
  let slot = -1;
  for (let i = 0; i < MAX_MODELS; i++) {
    if (models[i] === null) { slot = i; break; }
  }
  if (slot < 0) return E_NO_SLOT;
  const f = new Forest();
  const s = parseForest(f, stage, stageBytes);
  if (s != OK) return s;
  // The forest now owns the staged memory.
  models[slot] = f;
  stage = 0;
  stageBytes = 0;
  return slot;
}

/** Unloads a model and frees its memory. Called when a model is replaced. */
export function modelFree(h: i32): i32 {
  if (h < 0 || h >= MAX_MODELS) return E_BAD_HANDLE;
  const f = models[h];
  if (f === null) return E_BAD_HANDLE;
  heap.free(f.blob);
  if (f.treeDepth != 0) heap.free(f.treeDepth);
  if (f.explainBias != 0) heap.free(f.explainBias);
  freeTable(f);
  freeFast(f);
  models[h] = null;
  return OK;
}

/** Features per input row the model reads (the row stride), or a negative status. */
export function modelNumFeatures(h: i32): i32 {
  const f = forest(h);
  return f === null ? E_BAD_HANDLE : f.numFeatures;
}

/** Margins per row (classes, or 1). Raw scores write this many values per row. */
export function modelNumOutputs(h: i32): i32 {
  const f = forest(h);
  return f === null ? E_BAD_HANDLE : f.numOutputs;
}

/** Predictions per row after the objective transform (1 for a class-index objective). */
export function modelNumPredictions(h: i32): i32 {
  const f = forest(h);
  if (f === null) return E_BAD_HANDLE;
  return f.objective == OBJ_ARGMAX ? 1 : f.numOutputs;
}

/** 1 when the model walks the fast layout (gbt/fast.ts), 0 when the blob's nodes; or a negative status. Called by tests and benchmarks. */
export function modelFastLayout(h: i32): i32 {
  const f = forest(h);
  return f === null ? E_BAD_HANDLE : (f.fastNodes != 0 ? 1 : 0);
}

/** The tests per tree of the model's table layout (gbt/table.ts: 3 or 7), 0 when it has none; or a negative status. Called by tests and benchmarks. */
export function modelTableLayout(h: i32): i32 {
  const f = forest(h);
  return f === null ? E_BAD_HANDLE : f.tableSplits;
}

/** Number of trees in the model. */
export function modelNumTrees(h: i32): i32 {
  const f = forest(h);
  return f === null ? E_BAD_HANDLE : f.numTrees;
}

/** Makes room for `rows` input rows of `cols` f64 and `rows * outs` f64 outputs. Called when a batch is larger than any before. */
export function batchReserve(rows: i32, cols: i32, outs: i32): i32 {
  if (rows < 0 || cols < 0 || outs < 0) return E_BAD_ARGUMENT;
  const inBytes = <u64>rows * <u64>cols * 8;
  const outBytes = <u64>rows * <u64>outs * 8;
  if (inBytes > 0x7fff0000 || outBytes > 0x7fff0000) return E_NO_MEMORY;
  if (<usize>inBytes > inputBytes) {
    if (input != 0) heap.free(input);
    input = heap.alloc(<usize>inBytes);
    inputBytes = <usize>inBytes;
  }
  if (<usize>outBytes > outputBytes) {
    if (output != 0) heap.free(output);
    output = heap.alloc(<usize>outBytes);
    outputBytes = <usize>outBytes;
  }
  return OK;
}

/** Pointer to the input rows (row-major f64, stride = the model's feature count). Re-read after batchReserve. */
export function inputPtr(): usize {
  return input;
}

/** Pointer to the outputs (row-major f64). Re-read after batchReserve. */
export function outputPtr(): usize {
  return output;
}

/**
 * Scores `rows` rows of the input buffer with model `h`; raw != 0 writes margins
 * (modelNumOutputs per row), else predictions (modelNumPredictions per row).
 * Called by the host once per batch. Returns a status.
 */
export function score(h: i32, rows: i32, raw: i32): i32 {
  const f = forest(h);
  if (f === null) return E_BAD_HANDLE;
  if (rows < 0) return E_BAD_ARGUMENT;
  const k = f.numOutputs;
  if (<u64>rows * <u64>f.numFeatures * 8 > <u64>inputBytes || <u64>rows * <u64>k * 8 > <u64>outputBytes) return E_NO_BATCH;
  const block = blockRowsFor(f);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = min(rows, r0 + block);
    sumBlock(f, input, output, r0, r1);
    if (!raw) transformBlock(f, output, r0, r1);
  }
  if (!raw) packArgmax(f, rows);
  return OK;
}

/**
 * Turns `rows` rows of raw margins already at outputPtr() (modelNumOutputs
 * per row) into predictions, as score() with raw = 0 would have. Called by
 * hosts that sum the trees elsewhere (the compiled scorer,
 * host/gbt/compiled.ts). Returns a status.
 */
export function transform(h: i32, rows: i32): i32 {
  const f = forest(h);
  if (f === null) return E_BAD_HANDLE;
  if (rows < 0) return E_BAD_ARGUMENT;
  if (<u64>rows * <u64>f.numOutputs * 8 > <u64>outputBytes) return E_NO_BATCH;
  transformBlock(f, output, 0, rows);
  packArgmax(f, rows);
  return OK;
}

// multi:softmax leaves one prediction per row: pack them to the front.
function packArgmax(f: Forest, rows: i32): void {
  if (f.objective != OBJ_ARGMAX) return;
  const k = f.numOutputs;
  for (let r = 1; r < rows; r++) store<f64>(output + (<usize>r << 3), load<f64>(output + (<usize>r * k << 3)));
}

/**
 * Writes per-feature contributions of `rows` input rows to explainPtr(): per
 * row and output, modelNumFeatures + 1 f64, the last being the bias; they sum
 * to the raw margin. Called by the host for rows that need reasons. Returns a status.
 */
export function explain(h: i32, rows: i32): i32 {
  const f = forest(h);
  if (f === null) return E_BAD_HANDLE;
  if (rows < 0) return E_BAD_ARGUMENT;
  const s = reserveExplain(f, rows);
  if (s != OK) return s;
  explainRows(f, input, explainOut, rows);
  return OK;
}

// Checks the input holds `rows` rows and makes room for their contributions.
function reserveExplain(f: Forest, rows: i32): i32 {
  const need = <u64>rows * <u64>f.numOutputs * <u64>(f.numFeatures + 1) * 8;
  if (<u64>rows * <u64>f.numFeatures * 8 > <u64>inputBytes) return E_NO_BATCH;
  if (need > 0x7fff0000) return E_NO_MEMORY;
  if (<usize>need > explainBytes) {
    if (explainOut != 0) heap.free(explainOut);
    explainOut = heap.alloc(<usize>need);
    explainBytes = <usize>need;
  }
  return OK;
}

/**
 * score() with raw = 0 and explain() of the same `rows` rows together, as
 * the fraud scorer wants them: predictions at outputPtr(), contributions at
 * explainPtr(), the same bits as the two calls. A model on the table layout
 * (gbt/table.ts) finds each row's leaves once for both. Returns a status.
 */
export function scoreExplain(h: i32, rows: i32): i32 {
  const f = forest(h);
  if (f === null) return E_BAD_HANDLE;
  if (!usesTable(f)) {
    const s = score(h, rows, 0);
    return s != OK ? s : explain(h, rows);
  }
  if (rows < 0) return E_BAD_ARGUMENT;
  if (<u64>rows * <u64>f.numOutputs * 8 > <u64>outputBytes) return E_NO_BATCH;
  const s = reserveExplain(f, rows);
  if (s != OK) return s;
  initContributions(f, explainOut, rows);
  const block = blockRowsFor(f);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = min(rows, r0 + block);
    initOutputs(f, output, r0, r1);
    scoreExplainBlock(f, input, output, explainOut, r0, r1);
    transformBlock(f, output, r0, r1);
  }
  packArgmax(f, rows);
  return OK;
}

/** Pointer to the contributions written by explain(). Re-read after each explain(). */
export function explainPtr(): usize {
  return explainOut;
}

function forest(h: i32): Forest | null {
  if (h < 0 || h >= MAX_MODELS) return null;
  return models[h];
}
export * from "./train/abi";
export * from "./features/abi";
export * from "./recs/abi";
export * from "./forecast/abi";
export { stateSave, stateLoad, stateDirty } from "./state";
