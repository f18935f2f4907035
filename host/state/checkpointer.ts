// Takes `serve`'s checkpoints and restores from them (docs/STATE.md).
//
// A checkpoint is taken between two batches, right after the pipeline has
// handled one (the state has moved by it; its outputs may still be on the
// way): every job's snapshot is captured then, synchronously for the jobs
// on this thread (the copy of their images is the stream's only pause) and
// in order for the job on its own thread (its answer comes after the
// batches posted before), and so is each file sink's length with that
// batch's outputs. Once they are written, the checkpoint, tagged with the source's
// position after the batch, is written to the store while the stream goes
// on. One checkpoint is in flight at a time; a batch that comes while one
// is being written does not start another; a stream gone quiet gets one
// after an interval too. stop() takes a last one at the position of the
// last batch.
//
// A job's image is copied into the buffer of its last checkpoint, so only
// the pages written since are copied (host/wasm/image.ts saveImage). To a
// store that keeps deltas (STATE_DIR), a checkpoint then writes only those
// pages (Checkpoint.base); a whole one is written when the deltas since the
// last whole one number FULL_EVERY - 1 or add up to its size, and after a
// restore or a failed write.
//
// restore() loads the newest checkpoint that reads back whole into every
// job, ends each file output where the checkpoint saw it, and returns the
// position the source reads on from.

import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import type { Sink, SinkPosition, SourcePosition, Stateful } from '../core/ports.js';
import { CheckpointError, loadPart, storePart, type Checkpoint, type StoredPart } from './checkpoint.js';
import type { CheckpointStore } from './state-dir.js';

export interface CheckpointerOptions {
  store: CheckpointStore;
  /** The jobs whose state a checkpoint holds, by part name. */
  jobs: Record<string, Stateful>;
  /**
   * State made of outputs (the in-memory store the API reads), by part
   * name: taken once the batch's outputs are written. It may hold some of
   * the next batches' too, which the events read after a restore write
   * again, the same.
   */
  outputs?: Record<string, Stateful>;
  /** The sinks; those with a position (files) are ended at a restore. */
  sinks: Sink[];
  /** The source's name: a checkpoint of another source's positions is refused. */
  source: string;
  /** Between two checkpoints' starts, ms (CHECKPOINT_INTERVAL). */
  intervalMs: number;
  /** This build and feature catalogue (host/wasm/image.ts buildId, host/fraud/catalog.ts namesHash). */
  build: string;
  catalogue: number;
  instrumentation: Instrumentation;
  log: (line: string) => void;
}

/** A whole checkpoint at least every this many. */
export const FULL_EVERY = 10;

export interface Restored {
  /** Where the source reads on from. */
  position: SourcePosition;
  seq: number;
  createdAt: number;
}

export class Checkpointer {
  private seq: number;
  private lastStart = performance.now();
  private writing: Promise<void> | null = null;
  private last: { position: SourcePosition; written: Promise<void> } | null = null;
  private lastTaken: SourcePosition | null = null;
  /** Each job's last image buffer, written into by its next snapshot once this checkpoint is written (moved to a job on another thread). */
  private readonly buffers = new Map<string, Uint8Array>();
  private failed: Error | null = null;
  /** The last checkpoint written, the deltas after its whole one and their bytes: the next may be a delta on it. */
  private chain: { seq: number; wholeBytes: number; deltas: number; deltaBytes: number } | null = null;

  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: CheckpointerOptions) {
    this.seq = o.store.lastSeq();
    // A stream gone quiet is checkpointed too (an open output transaction must not wait for the next batch).
    this.timer = setInterval(() => {
      if (this.writing === null && this.last !== null && this.last.position !== this.lastTaken && performance.now() - this.lastStart >= o.intervalMs) this.start(this.last.position, this.last.written);
    }, Math.max(50, o.intervalMs / 2));
    this.timer.unref();
  }

  /**
   * Called after each batch is handed to the pipeline (its state has
   * moved), with the source's position after it and the promise of its
   * outputs. Takes a checkpoint when one is due.
   */
  afterBatch(position: SourcePosition | undefined, written: Promise<void>): void {
    if (position === undefined) {
      // The state is past the last position known: nothing to checkpoint until the next one.
      this.last = null;
      return;
    }
    this.last = { position, written };
    if (this.writing !== null || performance.now() - this.lastStart < this.o.intervalMs) return;
    this.start(position, written);
  }

  /** The last checkpoint, at the last batch's position (unless one holds it already); resolves once it is written. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    if (this.last !== null && this.last.position !== this.lastTaken) this.start(this.last.position, this.last.written);
    await this.writing;
    if (this.failed) throw this.failed;
  }

  /**
   * Loads the newest whole checkpoint into the jobs and ends the file
   * outputs where it saw them; null when there is none (the state starts
   * empty). Throws a CheckpointError for one this build cannot take.
   */
  async restore(): Promise<Restored | null> {
    const t0 = performance.now();
    const loaded = await this.o.store.read({ build: this.o.build, catalogue: this.o.catalogue }, (file, e) => {
      this.o.log(`streamscore: checkpoint ${file} skipped: ${e.message}`);
      this.o.instrumentation.emit(INSTRUMENTATION.CHECKPOINT_SKIPPED, { file, reason: e.message });
    });
    if (loaded === null) return null;
    const c = loaded.checkpoint;
    if (c.source.name !== this.o.source) {
      throw new CheckpointError('incompatible', `${loaded.file}: it holds the state of source ${c.source.name}, this run reads ${this.o.source}; start with --reset-state to begin empty, or read the same source`);
    }
    const all = { ...this.o.jobs, ...this.o.outputs };
    for (const [name, job] of Object.entries(all)) {
      const part = c.parts[name];
      if (part === undefined) {
        this.o.log(`streamscore: checkpoint ${loaded.file} has no ${name} state: that job starts empty`);
        continue;
      }
      await job.restore(loadPart(part));
    }
    for (const name of Object.keys(c.parts)) if (!(name in all)) this.o.log(`streamscore: checkpoint ${loaded.file} holds ${name} state, a job this run does not run: left out`);
    for (const s of this.o.sinks) {
      const at = c.sinks[s.name] as SinkPosition | undefined;
      if (s.rewind && at !== undefined) await s.rewind(at);
    }
    this.seq = Math.max(this.seq, c.seq);
    this.lastTaken = c.source.position as SourcePosition;
    const seconds = (performance.now() - t0) / 1000;
    this.o.instrumentation.emit(INSTRUMENTATION.RESTORED, { seconds, bytes: loaded.bytes, createdAt: c.createdAt });
    this.o.log(`streamscore: state restored from ${loaded.file} (${(loaded.bytes / 1048576).toFixed(1)} MiB in ${(seconds * 1000).toFixed(0)} ms; read ${loaded.readMs.toFixed(0)} ms)`);
    return { position: c.source.position as SourcePosition, seq: c.seq, createdAt: c.createdAt };
  }

  private start(position: SourcePosition, written: Promise<void>): void {
    const t0 = performance.now();
    this.lastStart = t0;
    this.lastTaken = position;
    // Captured now, before the next batch moves any state.
    const parts = new Map<string, StoredPart | Promise<StoredPart>>();
    for (const [name, job] of Object.entries(this.o.jobs)) {
      const into = this.buffers.get(name);
      this.buffers.delete(name); // a job on another thread takes it
      const p = job.snapshot(into);
      parts.set(name, p instanceof Promise ? p.then(storePart) : storePart(p));
    }
    const token = this.o.store.mark?.(position);
    // Where the files end with this batch's outputs (their writes were called in handle()).
    const sinks: Record<string, SinkPosition> = {};
    for (const s of this.o.sinks) if (s.position) sinks[s.name] = s.position();
    const pauseSeconds = (performance.now() - t0) / 1000;
    let handedToStore = false;
    this.writing = (async () => {
      const stored: Record<string, StoredPart> = {};
      for (const [name, p] of parts) stored[name] = await p;
      await written;
      for (const [name, o] of Object.entries(this.o.outputs ?? {})) stored[name] = storePart(await o.snapshot());
      for (const s of this.o.sinks) await s.durable?.();
      const createdAt = Date.now();
      const chain = this.chain;
      const base = this.o.store.deltas && chain !== null && chain.deltas < FULL_EVERY - 1 && chain.deltaBytes < chain.wholeBytes ? chain.seq : null;
      const c: Checkpoint = { seq: ++this.seq, build: this.o.build, catalogue: this.o.catalogue, createdAt, base, source: { name: this.o.source, position }, sinks, parts: stored };
      handedToStore = true;
      this.chain = null; // until this one is written
      const bytes = await this.o.store.write(c, token);
      this.chain = base === null ? { seq: c.seq, wholeBytes: bytes, deltas: 0, deltaBytes: 0 } : { seq: c.seq, wholeBytes: chain!.wholeBytes, deltas: chain!.deltas + 1, deltaBytes: chain!.deltaBytes + bytes };
      for (const [name, p] of Object.entries(stored)) if (p.image instanceof Uint8Array) this.buffers.set(name, new Uint8Array(p.image.buffer));
      this.failed = null;
      this.o.instrumentation.emit(INSTRUMENTATION.CHECKPOINT, { pauseSeconds, seconds: (performance.now() - t0) / 1000, bytes, createdAt, delta: base !== null });
    })()
      .catch((e) => {
        if (!handedToStore) this.o.store.abandon?.(token, e as Error);
        // The stream goes on; the next checkpoint tries again. Logged once per failure.
        this.o.log(`streamscore: checkpoint failed: ${(e as Error).message}`);
        this.failed = e as Error;
      })
      .finally(() => (this.writing = null));
  }
}

