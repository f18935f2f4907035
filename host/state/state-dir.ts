// Checkpoints in a directory (STATE_DIR, embedded mode): one file each,
// `checkpoint-<seq>.ssc`, written whole to a temporary name, flushed to disk
// and renamed, so a crash mid-write leaves the previous ones intact; the
// newest `keep` are kept. Reading goes from the newest back: one that is
// torn or corrupt is skipped (reported through onSkip), one made by another
// build refuses the start (its message says how to start empty).

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, encodeCheckpoint, readCheckpoint, type Checkpoint } from './checkpoint.js';

const NAME = /^checkpoint-(\d{12})\.ssc$/;

export interface StateDirOptions {
  dir: string;
  /** Checkpoints kept (default 2: the newest and one to fall back to). */
  keep?: number;
}

/** Where checkpoints are kept: a directory (StateDir) or a Kafka topic (host/state/state-topic.ts). */
export interface CheckpointStore {
  /** Named in log lines. */
  readonly where: string;
  /** The newest checkpoint's sequence number known (0: none). */
  lastSeq(): number;
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
  private readonly keep: number;

  constructor(o: StateDirOptions) {
    this.dir = o.dir;
    this.where = o.dir;
    this.keep = Math.max(1, o.keep ?? 2);
  }

  /** The sequence number of the newest checkpoint file, or 0. */
  lastSeq(): number {
    return this.files()[0]?.seq ?? 0;
  }

  /** Writes a checkpoint atomically, then drops all but the newest `keep`; returns the bytes written. */
  async write(c: Checkpoint): Promise<number> {
    mkdirSync(this.dir, { recursive: true });
    const final = join(this.dir, fileName(c.seq));
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
    for (const old of this.files().slice(this.keep)) rmSync(join(this.dir, old.name), { force: true });
    return bytes;
  }

  /**
   * The newest checkpoint that reads back whole, or null when there is none.
   * Torn and corrupt files are skipped for the one before, each reported to
   * onSkip; an incompatible one throws its CheckpointError.
   */
  async read(expect: { build: string; catalogue: number }, onSkip: (file: string, e: CheckpointError) => void): Promise<Loaded | null> {
    for (const f of this.files()) {
      const file = join(this.dir, f.name);
      const t0 = performance.now();
      let bytes: Buffer;
      try {
        bytes = await readWhole(file);
      } catch (e) {
        onSkip(file, new CheckpointError('corrupt', `cannot be read: ${(e as Error).message}`));
        continue;
      }
      const checkpoint = readCheckpoint(bytes, expect, file, "the directory's checkpoints", onSkip);
      if (checkpoint !== null) return { checkpoint, file, bytes: bytes.byteLength, readMs: performance.now() - t0 };
    }
    return null;
  }

  /** Deletes every checkpoint (--reset-state). */
  async reset(): Promise<void> {
    for (const f of this.files(true)) rmSync(join(this.dir, f.name), { force: true });
  }

  // Checkpoint files, newest first (with unfinished .tmp ones too when asked).
  private files(withTmp = false): { name: string; seq: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: { name: string; seq: number }[] = [];
    for (const name of names) {
      const m = NAME.exec(name) ?? (withTmp ? /^checkpoint-(\d{12})\.ssc\.tmp$/.exec(name) : null);
      if (m) out.push({ name, seq: Number(m[1]) });
    }
    return out.sort((a, b) => b.seq - a.seq);
  }
}

function fileName(seq: number): string {
  return `checkpoint-${String(seq).padStart(12, '0')}.ssc`;
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

