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
}

const PAGE = 65_536;

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

const ZERO = new Uint8Array(PAGE);

/** The image with every page in place (tests, tools). */
export function denseImage(image: Image): Uint8Array {
  if (image instanceof Uint8Array) return image;
  const out = new Uint8Array(image.byteLength);
  let at = 0;
  for (let p = 0; p < image.byteLength / PAGE; p++) {
    if (((image.pages[p >> 3]! >> (p & 7)) & 1) === 0) continue;
    out.set(image.data.subarray(at, at + PAGE), p * PAGE);
    at += PAGE;
  }
  return out;
}

/**
 * The image's pages that are not all zero, as runs [first, end) of page
 * numbers; `turn` is awaited every 64 pages (a checkpoint lets the stream
 * go on meanwhile).
 */
export async function nonZeroRuns(image: Uint8Array, turn?: () => Promise<unknown>): Promise<[number, number][]> {
  const zero = Buffer.from(ZERO.buffer);
  const runs: [number, number][] = [];
  const n = image.byteLength / PAGE;
  for (let p = 0; p < n; p++) {
    if (turn && p % 64 === 63) await turn();
    if (Buffer.from(image.buffer, image.byteOffset + p * PAGE, PAGE).equals(zero)) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === p) last[1] = p + 1;
    else runs.push([p, p + 1]);
  }
  return runs;
}

/**
 * Copies the instance's state image into `into` when it is large enough
 * (a checkpoint reuses its buffer: a fresh one costs page faults on every
 * byte), else into a new buffer; returns the image (a view of the buffer).
 * Called between batches: the copy is the checkpoint's pause.
 */
export function saveImage(e: ImageExports, into?: Uint8Array): Uint8Array {
  if (typeof e.stateSave !== 'function') throw new EngineError(-11, 'this build/streamscore.wasm has no state images: run `npm run build`');
  e.stateSave();
  const memory = new Uint8Array(e.memory.buffer);
  const out = into !== undefined && into.byteLength >= memory.byteLength ? into.subarray(0, memory.byteLength) : new Uint8Array(memory.byteLength);
  out.set(memory);
  return out;
}

/**
 * Makes the instance the one the image was saved from. The instance must
 * be of the same build (the caller checks buildId) and its memory no larger
 * than the image (a fresh instance, or one that grew less): memory cannot
 * shrink.
 */
export function loadImage(e: ImageExports, image: Image): void {
  if (image.byteLength % PAGE !== 0) throw new EngineError(-11, `a state image is whole 64 KiB pages; this one has ${image.byteLength} bytes`);
  const have = e.memory.buffer.byteLength;
  if (have > image.byteLength) throw new EngineError(-11, `the instance's memory (${have} bytes) is larger than the state image (${image.byteLength} bytes): restore into a fresh instance`);
  if (have < image.byteLength) e.memory.grow((image.byteLength - have) / PAGE);
  const memory = new Uint8Array(e.memory.buffer);
  if (image instanceof Uint8Array) memory.set(image);
  else {
    // Pages past the old size are zero already: only those below it may need clearing.
    let at = 0;
    for (let p = 0; p < image.byteLength / PAGE; p++) {
      if ((image.pages[p >> 3]! >> (p & 7)) & 1) {
        memory.set(image.data.subarray(at, at + PAGE), p * PAGE);
        at += PAGE;
      } else if (p * PAGE < have) memory.fill(0, p * PAGE, (p + 1) * PAGE);
    }
    if (at !== image.data.byteLength) throw new EngineError(-11, `a sparse state image holds ${image.data.byteLength} bytes of pages, its map names ${at}`);
  }
  e.stateLoad();
}

const ids: Partial<Record<Build, string>> = {};

/** The build's identity: hex SHA-256 of the module's bytes. Images and checkpoints carry it. */
export function buildId(build: Build = 'release'): string {
  return (ids[build] ??= createHash('sha256').update(readFileSync(wasmPath(build))).digest('hex'));
}
