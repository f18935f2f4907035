// A checkpoint (docs/STATE.md): every job's state after the same prefix of
// the input, with the input position it covers and where each output file
// ended then. One byte layout, for a file in STATE_DIR:
//
//   "SSCKPT01"  u32 headerBytes  header (UTF-8 JSON)  u32 crc32(header)
//   for each part, in the header's order: image, meta bytes
//   "SSCKEND!"  u32 crc32(header)
//
// An image is stored without its all-zero 64 KiB pages (a third of the
// fraud instance's, measured): a bit per page, set when it is stored,
// then the stored pages in order. In a delta checkpoint (`base`: the
// checkpoint it follows), an image may be stored as the 4 KiB pages changed
// since that one's: their numbers (u32 each), then the pages in order.
//
// The header names the build and the feature catalogue it was made by, the
// source position, the sinks' positions, and per part its image and meta
// lengths and CRC-32s. The meta is the job's host-side state in node:v8's
// serialization. A file cut short lacks the trailer; a flipped bit fails a
// CRC: either is a CheckpointError('corrupt'), and the one before is used.
// One made by another build or catalogue is CheckpointError('incompatible'):
// its images mean nothing to this build.

import { crc32 } from 'node:zlib';
import { deserialize, serialize } from 'node:v8';
import { StreamscoreError } from '../core/errors.js';
import type { Snapshot, StatePart } from '../core/ports.js';
import { DIRTY_PAGE, pageMapBytes, sparseParts, type Image, type ImageDelta, type SparseImage } from '../wasm/image.js';

/**
 * A part as a checkpoint holds it: the image, and the meta already
 * serialized (at capture: the job's objects move on while it is written).
 * Taken, it may name the image's pages `changed` since the job's last
 * checkpoint (a delta checkpoint stores only those); read back from a chain
 * of checkpoints, it is the image of the chain's first and the `deltas` of
 * the ones after.
 */
export interface StoredPart {
  image: Image | null;
  changed?: Uint32Array | null;
  deltas?: ImageDelta[];
  meta: Uint8Array;
}

/** Captures a job's part: serializes its meta now. */
export function storePart(p: Snapshot | StatePart): StoredPart {
  return { image: p.image, changed: 'changed' in p ? p.changed : undefined, meta: serialize(p.meta) };
}

/** A stored part as the job's restore() takes it. */
export function loadPart(p: StoredPart): StatePart {
  if (p.image === null && p.deltas?.length) throw new CheckpointError('corrupt', 'a state delta without the image it applies to');
  return { image: p.image, deltas: p.deltas ?? [], meta: deserialize(p.meta) };
}

export const FORMAT = 3;
const MAGIC = Buffer.from('SSCKPT01');
const END = Buffer.from('SSCKEND!');

export interface Checkpoint {
  /** Increases by one per checkpoint of a state directory. */
  seq: number;
  /** The engine build's id (host/wasm/image.ts buildId). */
  build: string;
  /** The fraud feature catalogue's names hash (host/fraud/catalog.ts). */
  catalogue: number;
  /** Epoch ms when it was taken. */
  createdAt: number;
  /** The checkpoint whose images this one's deltas apply to (its seq), or null: every image is whole. */
  base: number | null;
  /** The source and the position after the last event the state holds. */
  source: { name: string; position: unknown };
  /** Each positional sink's position then (docs/STATE.md: file outputs end there again). */
  sinks: Record<string, unknown>;
  /** Each job's state. */
  parts: Record<string, StoredPart>;
}

interface PartHeader {
  name: string;
  /** The image's size in memory, null without one. */
  image: number | null;
  /** Its bytes in the file: the page map and the pages that are not all zero; or, with `changed`, the page numbers and pages. */
  imageStored: number;
  /** Stored as a delta: the number of 4 KiB pages changed since the base's image. */
  changed?: number;
  imageCrc: number;
  meta: number;
  metaCrc: number;
}

interface Header extends Omit<Checkpoint, 'parts'> {
  format: number;
  parts: PartHeader[];
}

export type CheckpointProblem = 'corrupt' | 'incompatible';

export class CheckpointError extends StreamscoreError {
  constructor(readonly problem: CheckpointProblem, message: string) {
    super(message, { code: problem === 'corrupt' ? 'CHECKPOINT_CORRUPT' : 'CHECKPOINT_INCOMPATIBLE' });
  }
}

/** An image as the file stores it: its page map, then the pages that are not all zero (views, not copies). */
async function storedImage(image: Image, turns: boolean): Promise<Buffer[]> {
  const { pages, runs } = image instanceof Uint8Array ? await sparseParts(image, turns ? turn : undefined) : { pages: image.pages, runs: [image.data] };
  return [pages, ...runs].map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** An image as a delta stores it: the changed pages' numbers, then those pages (views, a run of pages at once). */
function storedDelta(image: Uint8Array, changed: Uint32Array): Buffer[] {
  const out = [Buffer.from(changed.buffer, changed.byteOffset, changed.byteLength)];
  for (let i = 0; i < changed.length; ) {
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] === changed[j]! + 1) j++;
    out.push(Buffer.from(image.buffer, image.byteOffset + changed[i]! * DIRTY_PAGE, (j - i + 1) * DIRTY_PAGE));
    i = j + 1;
  }
  return out;
}

/** Whether a part goes into a checkpoint as a delta: the checkpoint has a base and the part names its changed pages. */
function asDelta(c: Checkpoint, p: StoredPart): p is StoredPart & { image: Uint8Array; changed: Uint32Array } {
  return c.base !== null && p.image instanceof Uint8Array && p.changed instanceof Uint32Array;
}

/** Bytes checked (CRC) between two turns of the event loop: a large image must not hold the stream up. */
const STEP = 4 << 20;

function turn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

// CRC-32 of buffers one after the other; with `turns`, yielding to the event loop every STEP bytes.
async function crcOf(buffers: Uint8Array[], turns: boolean): Promise<number> {
  let crc = 0;
  for (const b of buffers) {
    for (let at = 0; at < b.byteLength; at += STEP) {
      crc = crc32(b.subarray(at, Math.min(b.byteLength, at + STEP)), crc);
      if (turns) await turn();
    }
  }
  return crc;
}

/**
 * The checkpoint as buffers to write one after the other (images are not
 * copied). With `turns` (serve), the CRCs of large images are taken a few
 * MiB per turn of the event loop, so batches go on meanwhile.
 */
export async function encodeCheckpoint(c: Checkpoint, turns = false): Promise<Buffer[]> {
  const metas = Object.values(c.parts).map((p) => p.meta);
  const images: Buffer[][] = [];
  for (const p of Object.values(c.parts)) images.push(p.image === null ? [] : asDelta(c, p) ? storedDelta(p.image, p.changed) : await storedImage(p.image, turns));
  const parts: PartHeader[] = [];
  for (const [k, [name, p]] of Object.entries(c.parts).entries()) {
    parts.push({
      name,
      image: p.image === null ? null : p.image.byteLength,
      ...(asDelta(c, p) ? { changed: p.changed.length } : {}),
      imageStored: images[k]!.reduce((s, b) => s + b.byteLength, 0),
      imageCrc: await crcOf(images[k]!, turns),
      meta: metas[k]!.byteLength,
      metaCrc: crc32(metas[k]!),
    });
  }
  const header = Buffer.from(JSON.stringify({ format: FORMAT, seq: c.seq, build: c.build, catalogue: c.catalogue, createdAt: c.createdAt, base: c.base, source: c.source, sinks: c.sinks, parts } satisfies Header));
  const headerCrc = crc32(header);
  const out: Buffer[] = [MAGIC, u32(header.byteLength), header, u32(headerCrc)];
  Object.values(c.parts).forEach((p, k) => {
    out.push(...images[k]!);
    out.push(Buffer.from(metas[k]!.buffer, metas[k]!.byteOffset, metas[k]!.byteLength));
  });
  out.push(END, u32(headerCrc));
  return out;
}

/**
 * Reads a checkpoint back, checking every CRC; images are views of `bytes`.
 * `expect` is this build: a checkpoint of another is refused, saying which.
 */
export function decodeCheckpoint(bytes: Buffer, expect: { build: string; catalogue: number }): Checkpoint {
  const header = readHeader(bytes);
  if (header.format !== FORMAT) throw new CheckpointError('incompatible', `checkpoint format ${header.format}, this build reads format ${FORMAT}`);
  if (header.build !== expect.build) {
    throw new CheckpointError('incompatible', `made by another build of the engine (build/streamscore.wasm sha256 ${header.build.slice(0, 12)}..., this one ${expect.build.slice(0, 12)}...): its state images hold that build's layout`);
  }
  if (header.catalogue !== expect.catalogue) {
    throw new CheckpointError('incompatible', `made with another fraud feature catalogue (names hash ${header.catalogue >>> 0}, this one ${expect.catalogue >>> 0})`);
  }
  let at = 8 + 4 + readU32(bytes, 8) + 4;
  const parts: Record<string, StoredPart> = {};
  for (const p of header.parts) {
    let image: SparseImage | null = null;
    let deltas: ImageDelta[] = [];
    if (p.image !== null) {
      const stored = bytes.subarray(at, at + p.imageStored);
      if (crc32(stored) !== p.imageCrc) throw new CheckpointError('corrupt', `the ${p.name} image fails its CRC`);
      if (p.changed !== undefined) {
        if (header.base === null || stored.byteLength !== p.changed * (4 + DIRTY_PAGE)) throw new CheckpointError('corrupt', `the ${p.name} image delta does not add up`);
        // The page numbers are copied out: a u32 array must be 4-byte aligned.
        deltas = [{ byteLength: p.image, changed: new Uint32Array(Uint8Array.from(stored.subarray(0, 4 * p.changed)).buffer), data: stored.subarray(4 * p.changed) }];
      } else {
        const mapBytes = pageMapBytes(p.image);
        image = { byteLength: p.image, pages: stored.subarray(0, mapBytes), data: stored.subarray(mapBytes) };
      }
      at += p.imageStored;
    }
    const meta = bytes.subarray(at, at + p.meta);
    if (crc32(meta) !== p.metaCrc) throw new CheckpointError('corrupt', `the ${p.name} state fails its CRC`);
    at += p.meta;
    parts[p.name] = { image, deltas, meta };
  }
  return { seq: header.seq, build: header.build, catalogue: header.catalogue, createdAt: header.createdAt, base: header.base ?? null, source: header.source, sinks: header.sinks, parts };
}

/**
 * One checkpoint from a chain (oldest first: a whole one, then each a delta
 * on the one before): the last one's position, sinks and metas, each image
 * the last whole one of its part with the deltas after it.
 */
export function resolveChain(chain: readonly Checkpoint[]): Checkpoint {
  const last = chain[chain.length - 1]!;
  const parts: Record<string, StoredPart> = {};
  for (const [k, c] of chain.entries()) {
    if (k > 0 && c.base !== chain[k - 1]!.seq) throw new CheckpointError('corrupt', `checkpoint ${c.seq} follows ${c.base}, not ${chain[k - 1]!.seq}`);
    for (const [name, p] of Object.entries(c.parts)) {
      const before = parts[name];
      const deltas = p.image === null && p.deltas?.length ? [...(before?.deltas ?? []), ...p.deltas] : (p.deltas ?? []);
      if (p.image === null && p.deltas?.length && (before === undefined || before.image === null)) throw new CheckpointError('corrupt', `checkpoint ${c.seq} holds changes to a ${name} image no checkpoint before it holds`);
      parts[name] = { image: p.image ?? (p.deltas?.length ? before!.image : null), deltas, meta: p.meta };
    }
  }
  return { ...last, base: null, parts };
}

/**
 * decodeCheckpoint for a store reading its newest: null when the bytes are
 * torn or corrupt (reported to onSkip, the store goes on to the one
 * before); one this build cannot take throws, naming `where` and what
 * --reset-state deletes (`emptied`).
 */
export function readCheckpoint(bytes: Buffer, expect: { build: string; catalogue: number }, where: string, emptied: string, onSkip: (where: string, e: CheckpointError) => void): Checkpoint | null {
  try {
    return decodeCheckpoint(bytes, expect);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    if (e.problem === 'corrupt') {
      onSkip(where, e);
      return null;
    }
    throw new CheckpointError('incompatible', `${where}: ${e.message}; start with --reset-state to begin empty (${emptied} are deleted), or run the build that made it`);
  }
}

/** The header alone (listing a directory, or naming what a file holds), after checking the framing. */
export function readHeader(bytes: Buffer): Header {
  if (bytes.byteLength < 8 + 4 || !bytes.subarray(0, 8).equals(MAGIC)) throw new CheckpointError('corrupt', 'not a streamscore checkpoint (bad magic)');
  const n = readU32(bytes, 8);
  if (12 + n + 4 > bytes.byteLength) throw new CheckpointError('corrupt', 'cut short inside its header');
  const header = bytes.subarray(12, 12 + n);
  const crc = readU32(bytes, 12 + n);
  if (crc32(header) !== crc) throw new CheckpointError('corrupt', 'its header fails its CRC');
  const end = bytes.byteLength - 12;
  if (end < 12 + n + 4 || !bytes.subarray(end, end + 8).equals(END) || readU32(bytes, end + 8) !== crc) throw new CheckpointError('corrupt', 'cut short (no end marker): it was being written when the process stopped');
  const h = JSON.parse(header.toString('utf8')) as Header;
  const body = h.parts.reduce((s, p) => s + p.imageStored + p.meta, 0);
  if (12 + n + 4 + body !== end) throw new CheckpointError('corrupt', `its parts take ${body} bytes, the file holds ${end - (12 + n + 4)}`);
  return h;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function readU32(b: Buffer, at: number): number {
  return b.readUInt32LE(at);
}
