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

/** The image with every page in place (tests, tools). */
export function denseImage(image: Image): Uint8Array {
  if (image instanceof Uint8Array) return image;
  const out = new Uint8Array(image.byteLength);
  eachPage(image, (p, bytes) => bytes && out.set(bytes, p * PAGE));
  return out;
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
    eachPage(image, (p, bytes) => {
      if (bytes !== null) memory.set(bytes, p * PAGE);
      else if (p * PAGE < have) memory.fill(0, p * PAGE, (p + 1) * PAGE);
    });
  }
  e.stateLoad();
}

const ids: Partial<Record<Build, string>> = {};

/** The build's identity: hex SHA-256 of the module's bytes. Images and checkpoints carry it. */
export function buildId(build: Build = 'release'): string {
  return (ids[build] ??= createHash('sha256').update(readFileSync(wasmPath(build))).digest('hex'));
}
