// Compiles a packed forest (the blob of pack.ts, docs/ABI.md) into its own
// WebAssembly module, so that no node is loaded from memory while scoring:
// every tree is straight-line code, nested `if`s over `x > T` with the
// thresholds and leaf values as constants (as lleaves does for LightGBM with
// LLVM). The module imports the scorer's memory and exports
//
//   sum(rowsPtr, nRows, outPtr)
//
// which writes the raw margins of nRows rows (row-major f64, stride
// numFeatures) to outPtr (row-major f64, numOutputs per row): the base score,
// then every tree in model order, exactly as assembly/gbt/predict.ts sums
// them (float32 accumulation for XGBoost, DART weights), so the margins are
// bit-identical to the interpreter's. Each split is generated from the same
// (T, flags) node the interpreter reads, slow-path kinds included
// (zero-as-missing, both categorical kinds, literal float32 compares).
// Linear leaves are not generated: such models stay on the interpreter.
//
// Rows are scored in blocks: each tree's function runs over the rows of a
// block before the next tree, so its code stays in the instruction cache.

import { MAGIC, ZERO_THRESHOLD, F_LEAF, F_NAN_RIGHT, F_SPECIAL, F_ZERO_MISSING, F_DEFAULT_LEFT, F_CAT_LIGHTGBM, F_CAT_XGBOOST, F_LT32, MODEL_SUM_F32 } from './pack.js';

const HEADER_BYTES = 64;
const NODE_BYTES = 16;
const FEATURE_MASK = 0xffffff;


const XGB_MAX_CAT = 16777216;

/** Rows per pass over the trees in the generated code. */
export const DEFAULT_BLOCK_ROWS = 64;
/** See CodegenOptions.selectNodes. */
export const DEFAULT_SELECT_NODES = 7;

// Opcodes used below.
const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f64Load: 0x2b, f64Store: 0x39,
  i32Const: 0x41, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32LtU: 0x49, i32GeU: 0x4f,
  f32Lt: 0x5d, f32Ge: 0x60,
  f64Eq: 0x61, f64Ne: 0x62, f64Lt: 0x63, f64Gt: 0x64, f64Le: 0x65, f64Ge: 0x66,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32ShrU: 0x76,
  f32Add: 0x92, f64Add: 0xa0,
  f32DemoteF64: 0xb6, f64PromoteF32: 0xbb,
  prefixFC: 0xfc,
} as const;
const TRUNC_SAT_F32_S = 0; // 0xfc 0: i32.trunc_sat_f32_s
const TRUNC_SAT_F64_S = 2; // 0xfc 2: i32.trunc_sat_f64_s
const T_I32 = 0x7f;
const T_F32 = 0x7d;
const T_F64 = 0x7c;
const T_VOID = 0x40;

/** A growable byte buffer with the encodings the emitter needs. */
class Bytes {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private readonly dv8 = new DataView(new ArrayBuffer(8));

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): this {
    this.room(1);
    this.buf[this.len++] = b;
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  u32(v: number): this {
    this.room(5);
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v !== 0);
    return this;
  }
  i32(v: number): this {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }
  i64(v: bigint): this {
    this.room(10);
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }
  f64(v: number): this {
    this.dv8.setFloat64(0, v, true);
    return this.bytes(new Uint8Array(this.dv8.buffer));
  }
  f32(v: number): this {
    this.dv8.setFloat32(0, v, true);
    return this.bytes(new Uint8Array(this.dv8.buffer, 0, 4));
  }
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** The blob, read back for code generation (the layout of assembly/gbt/forest.ts). */
interface BlobView {
  numFeatures: number;
  numOutputs: number;
  numTrees: number;
  numNodes: number;
  numCatWords: number;
  numLinear: number;
  flags: number;
  dv: DataView;
  baseScore: number;
  treeRoot: number;
  treeGroup: number;
  treeWeight: number;
  nodes: number;
  nodeValue: number;
  catWords: number;
}

const align8 = (n: number) => (n + 7) & ~7;

function readBlob(blob: Uint8Array): BlobView {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.byteLength < HEADER_BYTES || dv.getUint32(0, true) !== MAGIC) throw new Error('not a model blob');
  const u = (o: number) => dv.getUint32(o, true);
  const v = {
    numFeatures: u(8), numOutputs: u(12), numTrees: u(16), numNodes: u(20), numCatWords: u(24), numLinear: u(28), flags: u(40), dv,
    baseScore: 0, treeRoot: 0, treeGroup: 0, treeWeight: 0, nodes: 0, nodeValue: 0, catWords: 0,
  };
  let p = HEADER_BYTES;
  v.baseScore = p; p += align8(v.numOutputs * 8);
  v.treeRoot = p; p += align8(v.numTrees * 4);
  v.treeGroup = p; p += align8(v.numTrees * 4);
  v.treeWeight = p; p += align8(v.numTrees * 8);
  v.nodes = p; p += v.numNodes * NODE_BYTES;
  v.nodeValue = p; p += v.numNodes * 8;
  v.catWords = p;
  return v;
}

/** Why a blob cannot be compiled (the interpreter still scores it), or null. */
export function unsupportedReason(blob: Uint8Array): string | null {
  const v = readBlob(blob);
  if (v.numLinear > 0) return 'linear leaves';
  return null;
}

/** Mean splits per tree of a blob. */
export function meanSplitsPerTree(blob: Uint8Array): number {
  const v = readBlob(blob);
  let leaves = 0;
  for (let n = 0; n < v.numNodes; n++) if ((v.dv.getUint32(v.nodes + n * NODE_BYTES + 8, true) >>> 24) & F_LEAF) leaves++;
  return v.numTrees === 0 ? 0 : (v.numNodes - leaves) / v.numTrees;
}

/**
 * Whether compiling pays off, measured (bench/results/2026-11-25-to-12-07-benchmarks-log.md, GBT scoring):
 * on trees of 31 leaves the generated code is about 2x faster than the
 * interpreter; on trees of 255 splits it is slower at batch 100 and up,
 * where the interpreter's four rows in lockstep hide its load latency and
 * the generated code's branches mispredict. The cut is between the two.
 */
export const COMPILE_MAX_MEAN_SPLITS = 64;

export interface CodegenOptions {
  /** Rows per pass over the trees (1 = row by row). */
  blockRows?: number;
  /**
   * Subtrees of at most this many splits (1 = a split over two leaves) are
   * generated without branches: every split in them is computed and
   * `select`s on the leaves' bits pick the leaf, which trades a few
   * comparisons for the mispredicted branches near the leaves. 0 = branches
   * everywhere.
   */
  selectNodes?: number;
}

// Locals of a tree function: params row, n, out; then x (f64), c (i32).
const L_ROW = 0;
const L_N = 1;
const L_OUT = 2;
const L_X = 3;
const L_C = 4;

/**
 * The WebAssembly module (binary) that scores `blob`. The blob must be one
 * the scorer's modelLoad accepted (it is not validated again here), and
 * unsupportedReason(blob) must be null.
 */
export function generateModule(blob: Uint8Array, opts: CodegenOptions = {}): Uint8Array {
  const m = readBlob(blob);
  if (m.numLinear > 0) throw new Error('models with linear leaves are not compiled');
  const dv = m.dv;
  const sumF32 = (m.flags & MODEL_SUM_F32) !== 0;
  const k = m.numOutputs;
  const stride = m.numFeatures * 8;
  const blockRows = Math.max(1, Math.floor(opts.blockRows ?? DEFAULT_BLOCK_ROWS));
  const nodeWord = (n: number) => dv.getUint32(m.nodes + n * NODE_BYTES + 8, true);
  const nodeT = (n: number) => dv.getFloat64(m.nodes + n * NODE_BYTES, true);
  const nodeLink = (n: number) => dv.getUint32(m.nodes + n * NODE_BYTES + 12, true);
  const catWord = (i: number) => dv.getUint32(m.catWords + i * 4, true);

  const code = new Bytes();
  const body = new Bytes();

  const loadX = (b: Bytes, feature: number) => {
    b.byte(OP.localGet).u32(L_ROW).byte(OP.f64Load).u32(3).u32(feature * 8);
  };
  // acc = OR over the set's nonzero words of (w == i ? word_i : 0), w = c >>> 5;
  // then bit c & 31 of it (i32.shr_u takes the count mod 32). Categories past
  // the bitset, and negative ones (huge unsigned w), find no word: 0.
  const bitOfC = (b: Bytes, off: number, count: number) => {
    b.byte(OP.i32Const).i32(0);
    for (let i = 0; i < count; i++) {
      const w = catWord(off + i);
      if (w === 0) continue;
      b.byte(OP.i32Const).i32(w).byte(OP.i32Const).i32(0);
      b.byte(OP.localGet).u32(L_C).byte(OP.i32Const).i32(5).byte(OP.i32ShrU).byte(OP.i32Const).i32(i).byte(OP.i32Eq);
      b.byte(OP.select).byte(OP.i32Or);
    }
    b.byte(OP.localGet).u32(L_C).byte(OP.i32ShrU).byte(OP.i32Const).i32(1).byte(OP.i32And);
  };

  /**
   * Emits an i32 condition for node n and returns which child it selects
   * when true: 'right' or 'left'. Mirrors step() and slowSplit() in
   * assembly/gbt/predict.ts.
   */
  const condition = (b: Bytes, n: number): 'right' | 'left' => {
    const word = nodeWord(n);
    const flags = word >>> 24;
    const feature = word & FEATURE_MASK;
    const dRight = flags & F_DEFAULT_LEFT ? 0 : 1;
    const nanRight = flags & F_NAN_RIGHT ? 1 : 0;
    if (!(flags & F_SPECIAL)) {
      // right = x > T, or NaN with flag 2.
      const t = nodeT(n);
      loadX(b, feature);
      if (Number.isNaN(t)) {
        // x > NaN is false: only NaN x can go right.
        b.byte(OP.localTee).u32(L_X).byte(OP.localGet).u32(L_X).byte(OP.f64Ne);
        if (!nanRight) b.byte(OP.i32Const).i32(0).byte(OP.i32And);
        return 'right';
      }
      b.byte(OP.f64Const).f64(t);
      if (nanRight) {
        // x <= T goes left; NaN fails it and goes right.
        b.byte(OP.f64Le);
        return 'left';
      }
      b.byte(OP.f64Gt);
      return 'right';
    }
    loadX(b, feature);
    b.byte(OP.localSet).u32(L_X);
    const x = () => b.byte(OP.localGet).u32(L_X);
    const isNaN = () => { x(); x(); b.byte(OP.f64Ne); };
    const inZeroBand = () => {
      x(); b.byte(OP.f64Const).f64(-ZERO_THRESHOLD).byte(OP.f64Ge);
      x(); b.byte(OP.f64Const).f64(ZERO_THRESHOLD).byte(OP.f64Le);
      b.byte(OP.i32And);
    };
    if (flags & F_ZERO_MISSING) {
      // NaN or |x| <= 1e-35f: the default; else x <= t goes left.
      b.byte(OP.i32Const).i32(dRight);
      x(); b.byte(OP.f64Const).f64(nodeT(n)).byte(OP.f64Le).byte(OP.i32Eqz);
      isNaN(); inZeroBand(); b.byte(OP.i32Or);
      b.byte(OP.select);
      return 'right';
    }
    const off = dv.getUint32(m.nodes + n * NODE_BYTES, true);
    const count = dv.getUint32(m.nodes + n * NODE_BYTES + 4, true);
    if (flags & F_CAT_LIGHTGBM) {
      // NaN goes right; c = (i32) x saturating; in the set goes left.
      x(); b.byte(OP.prefixFC).u32(TRUNC_SAT_F64_S).byte(OP.localSet).u32(L_C);
      isNaN();
      bitOfC(b, off, count);
      b.byte(OP.i32Const).i32(1).byte(OP.i32Xor).byte(OP.i32Or);
      return 'right';
    }
    if (flags & F_CAT_XGBOOST) {
      // NaN: the default; float(x) < 0 or >= 2^24: left; in the set: right.
      x(); b.byte(OP.f32DemoteF64).byte(OP.prefixFC).u32(TRUNC_SAT_F32_S).byte(OP.localSet).u32(L_C);
      b.byte(OP.i32Const).i32(dRight);
      b.byte(OP.i32Const).i32(0);
      bitOfC(b, off, count);
      x(); b.byte(OP.f32DemoteF64).byte(OP.f32Const).f32(0).byte(OP.f32Lt);
      x(); b.byte(OP.f32DemoteF64).byte(OP.f32Const).f32(XGB_MAX_CAT).byte(OP.f32Ge);
      b.byte(OP.i32Or);
      b.byte(OP.select); // out of range ? 0 : bit
      isNaN();
      b.byte(OP.select); // NaN ? default : ...
      return 'right';
    }
    // A literal comparison (T is NaN or -Infinity).
    const t = nodeT(n);
    b.byte(OP.i32Const).i32(nanRight);
    if (flags & F_LT32) {
      // float(x) < float(t) goes left.
      x(); b.byte(OP.f32DemoteF64).byte(OP.f32Const).f32(Math.fround(t)).byte(OP.f32Lt).byte(OP.i32Eqz);
    } else {
      // x in the zero band reads as 0; x <= t goes left.
      b.byte(OP.i32Const).i32(0 <= t ? 0 : 1);
      x(); b.byte(OP.f64Const).f64(t).byte(OP.f64Le).byte(OP.i32Eqz);
      inZeroBand();
      b.byte(OP.select);
    }
    isNaN();
    b.byte(OP.select);
    return 'right';
  };

  const leafConst = (b: Bytes, n: number, weight: number) => {
    // The interpreter adds v * weight (f64), rounded to float32 when summing in float32.
    const v = dv.getFloat64(m.nodeValue + n * 8, true) * weight;
    if (sumF32) b.byte(OP.f32Const).f32(Math.fround(v));
    else b.byte(OP.f64Const).f64(v);
  };

  // The leaf's bits as an integer (i64, or i32 for float32), for selects
  // on integers (cmov) rather than on floats.
  const leafBits = (b: Bytes, n: number, weight: number) => {
    const v = dv.getFloat64(m.nodeValue + n * 8, true) * weight;
    const s8 = new DataView(new ArrayBuffer(8));
    if (sumF32) {
      s8.setFloat32(0, Math.fround(v), true);
      b.byte(OP.i32Const).i32(s8.getInt32(0, true));
    } else {
      s8.setFloat64(0, v, true);
      b.byte(0x42).i64(s8.getBigInt64(0, true));
    }
  };
  const emitBits = (b: Bytes, n: number, weight: number): void => {
    if (isLeaf(n)) {
      leafBits(b, n, weight);
      return;
    }
    const first = nodeLink(n);
    cond.len = 0;
    const when = condition(cond, n);
    const c = cond.view().slice();
    emitBits(b, when === 'right' ? first + 1 : first, weight);
    emitBits(b, when === 'right' ? first : first + 1, weight);
    b.bytes(c).byte(OP.select);
  };

  // The tree below node n as an expression of type f64 (f32 when summing in float32).
  const selectNodes = Math.max(0, Math.floor(opts.selectNodes ?? DEFAULT_SELECT_NODES));
  const isLeaf = (n: number) => (nodeWord(n) >>> 24 & F_LEAF) !== 0;
  // Splits below each node; children come after their parent in the blob.
  const splits = new Int32Array(m.numNodes);
  for (let n = m.numNodes - 1; n >= 0; n--) {
    if (!isLeaf(n)) splits[n] = 1 + splits[nodeLink(n)]! + splits[nodeLink(n) + 1]!;
  }
  const size = (n: number) => splits[n]!;
  const cond = new Bytes();
  const emitNode = (b: Bytes, n: number, weight: number): void => {
    if (isLeaf(n)) {
      leafConst(b, n, weight);
      return;
    }
    const first = nodeLink(n);
    if (selectNodes > 0 && size(n) <= selectNodes) {
      // select(a, b, c) is c ? a : b, on the leaves' bits. Children
      // first: their conditions reuse the scratch locals, which this
      // condition then sets afresh.
      emitBits(b, n, weight);
      b.byte(sumF32 ? 0xbe : 0xbf); // f32.reinterpret_i32 / f64.reinterpret_i64
      return;
    }
    const when = condition(b, n);
    b.byte(OP.if).byte(sumF32 ? T_F32 : T_F64);
    emitNode(b, when === 'right' ? first + 1 : first, weight);
    b.byte(OP.else);
    emitNode(b, when === 'right' ? first : first + 1, weight);
    b.byte(OP.end);
  };

  // Tree functions: (row, n, out) adds the tree to n rows; n >= 1.
  for (let t = 0; t < m.numTrees; t++) {
    const root = dv.getUint32(m.treeRoot + t * 4, true);
    const weight = dv.getFloat64(m.treeWeight + t * 8, true);
    body.len = 0;
    body.u32(2).u32(1).byte(T_F64).u32(1).byte(T_I32); // locals: x f64, c i32
    body.byte(OP.loop).byte(T_VOID);
    body.byte(OP.localGet).u32(L_OUT);
    body.byte(OP.localGet).u32(L_OUT).byte(OP.f64Load).u32(3).u32(0);
    if (sumF32) body.byte(OP.f32DemoteF64);
    emitNode(body, root, weight);
    body.byte(sumF32 ? OP.f32Add : OP.f64Add);
    if (sumF32) body.byte(OP.f64PromoteF32);
    body.byte(OP.f64Store).u32(3).u32(0);
    body.byte(OP.localGet).u32(L_ROW).byte(OP.i32Const).i32(stride).byte(OP.i32Add).byte(OP.localSet).u32(L_ROW);
    body.byte(OP.localGet).u32(L_OUT).byte(OP.i32Const).i32(k * 8).byte(OP.i32Add).byte(OP.localSet).u32(L_OUT);
    body.byte(OP.localGet).u32(L_N).byte(OP.i32Const).i32(1).byte(OP.i32Sub).byte(OP.localTee).u32(L_N).byte(OP.brIf).u32(0);
    body.byte(OP.end); // loop
    body.byte(OP.end); // function
    code.u32(body.len).bytes(body.view());
  }

  // sum(in, n, out): base scores, then the trees over blocks of rows.
  // Locals after the params: r0, m (rows in this block), p, q.
  {
    const IN = 0, N = 1, OUT = 2, R0 = 3, M = 4, P = 5;
    body.len = 0;
    body.u32(1).u32(3).byte(T_I32);
    const get = (l: number) => body.byte(OP.localGet).u32(l);
    const set = (l: number) => body.byte(OP.localSet).u32(l);
    // Base scores.
    get(OUT); set(P);
    get(N); set(M);
    body.byte(OP.block).byte(T_VOID).byte(OP.loop).byte(T_VOID);
    get(M); body.byte(OP.i32Eqz).byte(OP.brIf).u32(1);
    for (let j = 0; j < k; j++) {
      let base = dv.getFloat64(m.baseScore + j * 8, true);
      if (sumF32) base = Math.fround(base);
      get(P); body.byte(OP.f64Const).f64(base).byte(OP.f64Store).u32(3).u32(j * 8);
    }
    get(P); body.byte(OP.i32Const).i32(k * 8).byte(OP.i32Add); set(P);
    get(M); body.byte(OP.i32Const).i32(1).byte(OP.i32Sub); set(M);
    body.byte(OP.br).u32(0).byte(OP.end).byte(OP.end);
    // Blocks.
    body.byte(OP.i32Const).i32(0); set(R0);
    body.byte(OP.block).byte(T_VOID).byte(OP.loop).byte(T_VOID);
    get(R0); get(N); body.byte(OP.i32GeU).byte(OP.brIf).u32(1);
    // m = min(n - r0, blockRows)
    body.byte(OP.i32Const).i32(blockRows);
    get(N); get(R0); body.byte(OP.i32Sub);
    body.byte(OP.i32Const).i32(blockRows); get(N); get(R0); body.byte(OP.i32Sub).byte(OP.i32LtU);
    body.byte(OP.select); set(M);
    for (let t = 0; t < m.numTrees; t++) {
      const g = dv.getUint32(m.treeGroup + t * 4, true);
      get(IN); get(R0); body.byte(OP.i32Const).i32(stride).byte(OP.i32Mul).byte(OP.i32Add);
      get(M);
      get(OUT); get(R0); body.byte(OP.i32Const).i32(k * 8).byte(OP.i32Mul).byte(OP.i32Add);
      if (g !== 0) body.byte(OP.i32Const).i32(g * 8).byte(OP.i32Add);
      body.byte(OP.call).u32(t);
    }
    get(R0); body.byte(OP.i32Const).i32(blockRows).byte(OP.i32Add); set(R0);
    body.byte(OP.br).u32(0).byte(OP.end).byte(OP.end);
    body.byte(OP.end);
    code.u32(body.len).bytes(body.view());
  }

  const out = new Bytes();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, content: Bytes) => {
    out.byte(id).u32(content.len).bytes(content.view());
  };
  // Types: 0 = (i32, i32, i32) -> ().
  section(1, new Bytes().u32(1).byte(0x60).u32(3).byte(T_I32).byte(T_I32).byte(T_I32).u32(0));
  // Imports: env.memory, at least 1 page, no maximum.
  section(2, new Bytes().u32(1).name('env').name('memory').byte(0x02).byte(0x00).u32(1));
  // Functions: the trees, then sum.
  const fs = new Bytes().u32(m.numTrees + 1);
  for (let t = 0; t <= m.numTrees; t++) fs.u32(0);
  section(3, fs);
  section(7, new Bytes().u32(1).name('sum').byte(0x00).u32(m.numTrees));
  const codeSection = new Bytes().u32(m.numTrees + 1);
  codeSection.bytes(code.view());
  section(10, codeSection);
  return out.view().slice();
}
