// Checkpoints in a directory (STATE_DIR, embedded mode): one file each,
// `checkpoint-<seq>.ssc` (whole images) or `checkpoint-<seq>.delta.ssc`
// (the pages changed since the checkpoint before), written whole to a
// temporary name, flushed to disk and renamed, so a crash mid-write leaves
// the previous ones intact. Kept: the newest `keep` whole checkpoints and
// every delta after the oldest of them. Reading goes from the newest back,
// each delta with the chain back to its whole checkpoint: a chain with a
// torn or corrupt file is skipped (reported through onSkip) for the newest
// checkpoint before the bad file, and one made by another build refuses
// the start (its message says how to start empty).

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, encodeCheckpoint, readCheckpoint, resolveChain, type Checkpoint } from './checkpoint.js';

const NAME = /^checkpoint-(\d{12})(\.delta)?\.ssc$/;

export interface StateDirOptions {
  dir: string;
  /** Whole checkpoints kept, with the deltas after them (default 2: the newest and one to fall back to). */
  keep?: number;
}

/** Where checkpoints are kept: a directory (StateDir) or a Kafka topic (host/state/state-topic.ts). */
export interface CheckpointStore {
  /** Named in log lines. */
  readonly where: string;
  /** The newest checkpoint's sequence number known (0: none). */
  lastSeq(): number;
  /** Whether it keeps delta checkpoints (Checkpoint.base): else every one is whole. */
  readonly deltas: boolean;
  /**
   * A checkpoint's place in the outputs, marked when it is taken (a store
   * that commits checkpoints with the outputs: the state topic with
   * exactly-once outputs); the token goes back with write() or abandon().
   */
  mark?(position: unknown): unknown;
  /** The marked checkpoint will not be written. */
  abandon?(token: unknown, reason: Error): void;
  /** Writes a checkpoint whole or not at all; returns its bytes. */
  write(c: Checkpoint, token?: unknown): Promise<number>;
  /** The newest checkpoint that reads back whole, or null; throws a CheckpointError('incompatible') for one this build cannot take. */
  read(expect: { build: string; catalogue: number }, onSkip: (where: string, e: CheckpointError) => void): Promise<Loaded | null>;
  /** Deletes every checkpoint (--reset-state). */
  reset(): Promise<void>;
  close?(): Promise<void>;
}

export interface Loaded {
  checkpoint: Checkpoint;
  file: string;
  bytes: number;
  /** Reading and checking it, ms. */
  readMs: number;
}

export class StateDir implements CheckpointStore {
  readonly dir: string;
  readonly where: string;
  readonly deltas = true;
  private readonly keep: number;
  private tidied = false;

  constructor(o: StateDirOptions) {
    this.dir = o.dir;
    this.where = o.dir;
    this.keep = Math.max(1, o.keep ?? 2);
  }

  /** The sequence number of the newest checkpoint file, or 0. */
  lastSeq(): number {
    return this.files()[0]?.seq ?? 0;
  }

  /** Writes a checkpoint atomically, then drops what the newest `keep` whole ones and their deltas do not need; returns the bytes written. */
  async write(c: Checkpoint): Promise<number> {
    mkdirSync(this.dir, { recursive: true });
    if (!this.tidied) {
      // What a process killed mid-write left: never read, and as large as a checkpoint.
      for (const f of this.files(true)) if (f.name.endsWith('.tmp')) rmSync(join(this.dir, f.name), { force: true });
      this.tidied = true;
    }
    const final = join(this.dir, fileName(c.seq, c.base !== null));
    const tmp = final + '.tmp';
    const chunks = await encodeCheckpoint(c, true);
    const f = await open(tmp, 'w');
    let bytes = 0;
    try {
      for (let i = 0; i < chunks.length; i += 512) {
        const part = chunks.slice(i, i + 512);
        await f.writev(part);
        bytes += part.reduce((s, b) => s + b.byteLength, 0);
      }
      await f.sync();
    } finally {
      await f.close();
    }
    renameSync(tmp, final);
    syncDir(this.dir);
    const files = this.files();
    const wholes = files.filter((f) => !f.delta);
    const from = wholes.length >= this.keep ? wholes[this.keep - 1]!.seq : 0;
    for (const old of files) if (old.seq < from) rmSync(join(this.dir, old.name), { force: true });
    return bytes;
  }

  /**
   * The newest checkpoint that reads back whole, or null when there is none.
   * Torn and corrupt files are skipped for the one before, each reported to
   * onSkip; an incompatible one throws its CheckpointError.
   */
  async read(expect: { build: string; catalogue: number }, onSkip: (file: string, e: CheckpointError) => void): Promise<Loaded | null> {
    const t0 = performance.now();
    const files = this.files();
    // Each file read and checked once; a bad one is null (reported once).
    const read = new Map<number, { checkpoint: Checkpoint; bytes: number } | null>();
    const load = async (f: { name: string; seq: number }) => {
      if (read.has(f.seq)) return read.get(f.seq)!;
      const file = join(this.dir, f.name);
      let got: { checkpoint: Checkpoint; bytes: number } | null = null;
      try {
        const bytes = await readWhole(file);
        const checkpoint = readCheckpoint(bytes, expect, file, "the directory's checkpoints", onSkip);
        if (checkpoint !== null) got = { checkpoint, bytes: bytes.byteLength };
      } catch (e) {
        if (e instanceof CheckpointError) throw e;
        onSkip(file, new CheckpointError('corrupt', `cannot be read: ${(e as Error).message}`));
      }
      read.set(f.seq, got);
      return got;
    };
    for (const [k, f] of files.entries()) {
      // The chain back from f to a whole checkpoint, newest first.
      const chain: Checkpoint[] = [];
      let bytes = 0;
      for (let at = k; at < files.length; at++) {
        const got = await load(files[at]!);
        if (got === null) break;
        if (chain.length > 0 && chain[chain.length - 1]!.base !== got.checkpoint.seq) break;
        chain.push(got.checkpoint);
        bytes += got.bytes;
        if (got.checkpoint.base === null) {
          return { checkpoint: resolveChain(chain.reverse()), file: join(this.dir, f.name) + (chain.length > 1 ? ` (and the ${chain.length - 1} checkpoints before it its deltas apply to)` : ''), bytes, readMs: performance.now() - t0 };
        }
      }
    }
    return null;
  }

  /** Deletes every checkpoint (--reset-state). */
  async reset(): Promise<void> {
    for (const f of this.files(true)) rmSync(join(this.dir, f.name), { force: true });
  }

  // Checkpoint files, newest first (with unfinished .tmp ones too when asked).
  private files(withTmp = false): { name: string; seq: number; delta: boolean }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: { name: string; seq: number; delta: boolean }[] = [];
    for (const name of names) {
      const m = NAME.exec(name) ?? (withTmp ? /^checkpoint-(\d{12})(\.delta)?\.ssc\.tmp$/.exec(name) : null);
      if (m) out.push({ name, seq: Number(m[1]), delta: m[2] !== undefined });
    }
    return out.sort((a, b) => b.seq - a.seq);
  }
}

function fileName(seq: number, delta: boolean): string {
  return `checkpoint-${String(seq).padStart(12, '0')}${delta ? '.delta' : ''}.ssc`;
}

// One buffer (images are views of it, not copies), read in large steps off the event loop.
async function readWhole(file: string): Promise<Buffer> {
  const f = await open(file, 'r');
  try {
    const size = (await f.stat()).size;
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await f.read(buf, at, Math.min(size - at, 1 << 30), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    await f.close();
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

