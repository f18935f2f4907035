// An instance's state image (docs/ABI.md, "State images"): after
// stateSave() its linear memory holds everything it knows, globals
// included, so the image is the memory's bytes; an instance of the same
// build takes it back by growing its memory to the image's size, writing
// the bytes and calling stateLoad(). The build is named by the SHA-256 of
// the module's bytes: an image means nothing to another build.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EngineError } from '../core/errors.js';
import { wasmPath, type Build } from './module.js';

export interface ImageExports {
  memory: WebAssembly.Memory;
  stateSave(): number;
  stateLoad(): number;
  /** The dirty map's address (assembly/state.ts): a byte per DIRTY_PAGE of memory, set by every write of the module's code. */
  stateDirty(): number;
}

/** The dirty map's page: a copy into a buffer that holds the last image copies only the pages written since. */
export const DIRTY_PAGE = 4096;
/** Bytes a store marked in one page may write into the next (scripts/asc/state-image.js SPILL). */
const SPILL = 15;
/** The map's bytes (a page of the largest memory each), after which the stamp of the last copy: 8 bytes. */
const MAP_BYTES = 2 ** 32 / DIRTY_PAGE;

/** A WebAssembly memory page: images are whole pages, and sparse ones are kept per page. */
export const PAGE = 65_536;

/**
 * An image without its all-zero pages (as a checkpoint stores it): a bit
 * per 64 KiB page, set when the page is in `data`, which holds those pages
 * in order. A fresh instance's memory is zero, so loading one writes (and
 * touches) only the pages it holds.
 */
export interface SparseImage {
  byteLength: number;
  pages: Uint8Array;
  data: Uint8Array;
}

export type Image = Uint8Array | SparseImage;

/**
 * The pages of an image that changed since another (its base): the
 * DIRTY_PAGEs listed in `changed` (ascending), their bytes in that order in
 * `data`. The image is the base with these pages written over it.
 */
export interface ImageDelta {
  byteLength: number;
  changed: Uint32Array;
  data: Uint8Array;
}


const ZERO = Buffer.alloc(PAGE);

/** Bytes of a sparse image's page map: a bit per page. */
export function pageMapBytes(byteLength: number): number {
  return Math.ceil(byteLength / PAGE / 8);
}

/** Calls `each` for every page of a sparse image in order, with its bytes, or null for a zero page left out. */
function eachPage(image: SparseImage, each: (page: number, bytes: Uint8Array | null) => void): void {
  let at = 0;
  for (let p = 0; p < image.byteLength / PAGE; p++) {
    if ((image.pages[p >> 3]! >> (p & 7)) & 1) {
      each(p, image.data.subarray(at, at + PAGE));
      at += PAGE;
    } else each(p, null);
  }
  if (at !== image.data.byteLength) throw new EngineError(-11, `a sparse state image holds ${image.data.byteLength} bytes of pages, its map names ${at}`);
}

/** The image with every page in place, and the deltas written over it (tests, tools). */
export function denseImage(image: Image, deltas: readonly ImageDelta[] = []): Uint8Array {
  let out: Uint8Array;
  if (image instanceof Uint8Array) out = deltas.length > 0 ? Uint8Array.from(image) : image;
  else {
    out = new Uint8Array(image.byteLength);
    eachPage(image, (p, bytes) => bytes && out.set(bytes, p * PAGE));
  }
  writeDeltas(out, image.byteLength, deltas);
  return out;
}

// Writes each delta's pages over `memory`, in order (an image of `byteLength` bytes).
function writeDeltas(memory: Uint8Array, byteLength: number, deltas: readonly ImageDelta[]): void {
  for (const d of deltas) {
    if (d.byteLength !== byteLength) throw new EngineError(-11, `a state image delta is of a ${d.byteLength}-byte image, its base has ${byteLength} bytes`);
    if (d.data.byteLength !== d.changed.length * DIRTY_PAGE) throw new EngineError(-11, `a state image delta lists ${d.changed.length} pages and holds ${d.data.byteLength} bytes`);
    d.changed.forEach((p, k) => memory.set(d.data.subarray(k * DIRTY_PAGE, (k + 1) * DIRTY_PAGE), p * DIRTY_PAGE));
  }
}

/**
 * A whole image as a sparse one stores it, without copying: its page map,
 * and the runs of pages that are not all zero (views of the image).
 * `turn` is awaited every 64 pages (a checkpoint lets the stream go on
 * meanwhile).
 */
export async function sparseParts(image: Uint8Array, turn?: () => Promise<unknown>): Promise<{ pages: Uint8Array; runs: Uint8Array[] }> {
  const pages = new Uint8Array(pageMapBytes(image.byteLength));
  const runs: Uint8Array[] = [];
  let first = -1;
  const n = image.byteLength / PAGE;
  const close = (end: number) => {
    if (first >= 0) runs.push(image.subarray(first * PAGE, end * PAGE));
    first = -1;
  };
  for (let p = 0; p < n; p++) {
    if (turn && p % 64 === 63) await turn();
    if (Buffer.from(image.buffer, image.byteOffset + p * PAGE, PAGE).equals(ZERO)) {
      close(p);
      continue;
    }
    pages[p >> 3] = pages[p >> 3]! | (1 << (p & 7));
    if (first < 0) first = p;
  }
  close(n);
  return { pages, runs };
}

/** An image as saveImage copies it, and which of its pages it changed. */
export interface SavedImage {
  image: Uint8Array;
  /**
   * The DIRTY_PAGEs that differ from what `into` held (ascending), when
   * only those were copied; null when the whole image was.
   */
  changed: Uint32Array | null;
}

/**
 * Copies the instance's state image. When `into` holds the image this
 * instance's last copy made (its stamp says so) and memory has not grown
 * since, only the pages written since are copied into it (a checkpoint
 * keeps its buffer for this); else the whole memory is copied into `into`
 * when it is large enough, or into a new buffer. Either way the dirty map
 * is cleared, the copy's map is zero, and the copy carries a new stamp.
 * Called between batches: the copy is the checkpoint's pause.
 */
export function saveImage(e: ImageExports, into?: Uint8Array): SavedImage {
  if (typeof e.stateDirty !== 'function') throw new EngineError(-11, 'this build/streamscore.wasm has no state images: run `npm run build`');
  e.stateSave();
  const memory = new Uint8Array(e.memory.buffer);
  const n = memory.byteLength;
  const map = e.stateDirty();
  const pages = n / DIRTY_PAGE;
  const stamp = map + MAP_BYTES;
  // A stamp of zeros is an instance never copied (its data segments were never marked): no buffer is in step with it.
  const current = Buffer.from(memory.buffer, stamp, 8);
  const inSync = into !== undefined && into.byteLength === n && !current.equals(ZERO.subarray(0, 8)) && Buffer.from(into.buffer, into.byteOffset + stamp, 8).equals(current);
  crypto.getRandomValues(memory.subarray(stamp, stamp + 8));
  let changed: Uint32Array | null = null;
  let out: Uint8Array;
  if (inSync) {
    out = into!;
    memory[map + Math.floor(stamp / DIRTY_PAGE)] = 1;
    changed = copyDirty(memory, out, map, pages);
  } else {
    out = into !== undefined && into.byteLength >= n ? into.subarray(0, n) : new Uint8Array(n);
    out.set(memory);
  }
  memory.fill(0, map, map + pages);
  out.fill(0, map, map + pages);
  return { image: out, changed };
}

// Copies the pages marked in the map (runs of them at once), and the SPILL
// bytes after each run where they differ (a store marked in the run's last
// page may have written them: then the next page counts as changed too).
// Returns the pages copied. No allocation per page or run: at 50,000 fraud
// events a second a third of a GiB image's pages are marked, in runs of a
// few pages.
function copyDirty(memory: Uint8Array, out: Uint8Array, map: number, pages: number): Uint32Array {
  const changed = new Uint32Array(pages);
  let n = 0;
  const words = new Uint32Array(memory.buffer, map, pages >>> 2); // the map is 16-byte aligned
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    for (let p = w * 4; p < w * 4 + 4; p++) if (memory[map + p] !== 0) changed[n++] = p;
  }
  for (let p = words.length * 4; p < pages; p++) if (memory[map + p] !== 0) changed[n++] = p;
  const from = Buffer.from(memory.buffer, 0, memory.byteLength);
  const to = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  const all = new Uint32Array(pages);
  let m = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && changed[j + 1] === changed[j]! + 1) j++;
    const start = changed[i]! * DIRTY_PAGE;
    const end = (changed[j]! + 1) * DIRTY_PAGE;
    from.copy(to, start, start, end);
    for (let p = changed[i]!; p <= changed[j]!; p++) all[m++] = p;
    const spill = Math.min(end + SPILL, memory.byteLength);
    let differs = false;
    for (let b = end; b < spill; b++) if (from[b] !== to[b]) differs = true;
    if (differs) {
      // The next page (not marked: the run ends here) changed in those bytes only.
      from.copy(to, end, end, spill);
      all[m++] = changed[j]! + 1;
    }
    i = j + 1;
  }
  return all.slice(0, m);
}

/**
 * Marks bytes the host wrote into the instance's memory (the module marks
 * its own writes), so that the next copy into the last one's buffer takes
 * them. Called after each write through a view of memory.
 */
export function wrote(e: Pick<ImageExports, 'memory' | 'stateDirty'>, ptr: number, bytes: number): void {
  if (bytes <= 0) return;
  const map = e.stateDirty();
  new Uint8Array(e.memory.buffer).fill(1, map + Math.floor(ptr / DIRTY_PAGE), map + Math.floor((ptr + bytes - 1) / DIRTY_PAGE) + 1);
}

/**
 * Makes the instance the one the image was saved from. The instance must
 * be of the same build (the caller checks buildId) and its memory no larger
 * than the image (a fresh instance, or one that grew less): memory cannot
 * shrink.
 */
export function loadImage(e: ImageExports, image: Image, deltas: readonly ImageDelta[] = []): void {
  if (image.byteLength % PAGE !== 0) throw new EngineError(-11, `a state image is whole 64 KiB pages; this one has ${image.byteLength} bytes`);
  const have = e.memory.buffer.byteLength;
  if (have > image.byteLength) throw new EngineError(-11, `the instance's memory (${have} bytes) is larger than the state image (${image.byteLength} bytes): restore into a fresh instance`);
  if (have < image.byteLength) e.memory.grow((image.byteLength - have) / PAGE);
  const memory = new Uint8Array(e.memory.buffer);
  if (image instanceof Uint8Array) memory.set(image);
  else {
    // Pages past the old size are zero already: only those below it may need clearing.
    eachPage(image, (p, bytes) => {
      if (bytes !== null) memory.set(bytes, p * PAGE);
      else if (p * PAGE < have) memory.fill(0, p * PAGE, (p + 1) * PAGE);
    });
  }
  writeDeltas(memory, image.byteLength, deltas);
  const map = e.stateDirty();
  memory.fill(0, map, map + memory.byteLength / DIRTY_PAGE);
  e.stateLoad();
}

const ids: Partial<Record<Build, string>> = {};

/** The build's identity: hex SHA-256 of the module's bytes. Images and checkpoints carry it. */
export function buildId(build: Build = 'release'): string {
  return (ids[build] ??= createHash('sha256').update(readFileSync(wasmPath(build))).digest('hex'));
}
