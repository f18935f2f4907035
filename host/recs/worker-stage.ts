// The recommendations job on its own thread: serve's main thread takes each
// batch's interactions out of its events (interactionsOf) and posts them to
// a worker (host/recs/worker.ts) that runs the same RecsStage on its own
// instance of the WASM core; the lists it pushes come back in order, into
// the batch's deferred output, which the pipeline writes once they are in,
// in batch order, after the batch's scores (it is a deferred Stage); offsets
// are still committed only after both are written. The kNN updates and the
// users' lists, the job's cost, run beside the rest of the stream on another
// core; the main thread keeps the copying. The lists arrive as their JSON
// text (host/recs/worker.ts), which the Redis store writes as it is; their
// items are parsed only if a sink reads them (the in-memory store).

import { Worker } from 'node:worker_threads';
import { EngineError } from '../core/errors.js';
import { wasmModule } from '../wasm/module.js';
import { workerScript } from '../core/worker-script.js';
import { interactionsOf, type RecsStageOptions } from './stage.js';
import type { BatchMessage, ListText, ReplyMessage, StateMessage, WorkerData } from './worker.js';
import type { Stage } from '../core/pipeline.js';
import type { BatchOutput, Recommendation, RecommendationList, Snapshot, StatePart, Stateful } from '../core/ports.js';
import type { Event } from '../core/schema.js';

export interface RecsWorkerOptions extends Omit<RecsStageOptions, 'engine' | 'now'> {
  /** Called once if the worker fails (it then fails every batch): `serve` stops on it. */
  onFailure?: (e: Error) => void;
  /**
   * The worker thread's nice value (10 in serve), 0 to 19: on Linux a
   * thread has its own, so only the job yields the cores to the scores' path
   * when both want one. Elsewhere (the call would renice the whole process)
   * it is not applied.
   */
  nice?: number;
}

interface Waiting {
  /** A batch's output; absent for a state message. */
  out?: BatchOutput;
  resolve: (part?: Snapshot) => void;
  reject: (e: Error) => void;
}

export class RecsWorkerStage implements Stage, Stateful {
  readonly name = 'recommendations';
  readonly deferred = true;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private failed: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly onTopItems?: (items: Recommendation[]) => void,
    private readonly onFailure?: (e: Error) => void,
  ) {
    worker.on('message', (m: ReplyMessage) => this.answer(m));
    worker.on('error', (e) => this.fail(new EngineError(-12, `recommendations worker failed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new EngineError(-12, `recommendations worker exited (code ${code})`)));
  }

  /** Starts the worker; resolves once its engine is configured, rejects on bad settings. Called once by `serve`. */
  static async start(o: RecsWorkerOptions = {}): Promise<RecsWorkerStage> {
    const { onTopItems, onFailure, nice = 0, ...options } = o;
    const worker = new Worker(workerScript(import.meta.url, 'host/recs/worker.js'), { workerData: { module: wasmModule(), options, nice } satisfies WorkerData });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: ReplyMessage) => (m.error === undefined ? resolve() : reject(new EngineError(-12, `recommendations worker: ${m.error}`))));
      worker.once('error', reject);
    });
    // Idle, it must not keep a process alive; while it holds batches it does (process, answer).
    worker.unref();
    return new RecsWorkerStage(worker, onTopItems, onFailure);
  }

  /** Posts the batch's interactions; resolves when its lists are in `out`. Called by the pipeline once per batch, in order. */
  process(events: readonly Event[], out: BatchOutput): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.seq++;
    if (this.waiting.size === 0) this.worker.ref();
    // Posted even when the batch has none: users waiting for their interval are pushed by the next batch.
    this.worker.postMessage({ seq, interactions: interactionsOf(events), postedAt: Date.now() } satisfies BatchMessage);
    return new Promise((resolve, reject) => this.waiting.set(seq, { out, resolve: () => resolve(), reject }));
  }

  /** The recommender's state after every batch posted so far (the worker answers in order); `into` moves to the worker and comes back as the image's buffer. */
  snapshot(into?: Uint8Array): Promise<Snapshot> {
    return this.post({ seq: this.seq++, state: 'snapshot', into }, into ? [into.buffer as ArrayBuffer] : []) as Promise<Snapshot>;
  }

  async restore(part: StatePart): Promise<void> {
    // The image's own bytes, moved to the worker: a view would clone the whole checkpoint's buffer.
    // (new Uint8Array(view) copies; a Buffer's slice() would not.)
    const image = part.image === null ? null : part.image instanceof Uint8Array ? new Uint8Array(part.image) : { byteLength: part.image.byteLength, pages: new Uint8Array(part.image.pages), data: new Uint8Array(part.image.data) };
    const deltas = (part.deltas ?? []).map((d) => ({ byteLength: d.byteLength, changed: new Uint32Array(d.changed), data: new Uint8Array(d.data) }));
    const moved = image === null ? [] : image instanceof Uint8Array ? [image.buffer] : [image.pages.buffer, image.data.buffer];
    for (const d of deltas) moved.push(d.changed.buffer, d.data.buffer);
    await this.post({ seq: this.seq++, state: { image, deltas, meta: part.meta } }, moved);
  }

  private post(m: StateMessage, transfer: ArrayBuffer[] = []): Promise<Snapshot | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.waiting.size === 0) this.worker.ref();
    this.worker.postMessage(m, transfer);
    return new Promise((resolve, reject) => this.waiting.set(m.seq, { resolve, reject }));
  }

  /** Stops the worker (after the pipeline drained). */
  async stop(): Promise<void> {
    this.failed ??= new EngineError(-12, 'recommendations worker closed');
    await this.worker.terminate();
  }

  private answer(m: ReplyMessage): void {
    const w = this.waiting.get(m.seq);
    if (w === undefined) return;
    this.waiting.delete(m.seq);
    if (this.waiting.size === 0) this.worker.unref();
    if (m.topItems) this.onTopItems?.(m.topItems);
    if (m.error !== undefined) return w.reject(new EngineError(-12, `recommendations worker: ${m.error}`));
    if (w.out === undefined) return w.resolve(m.part);
    for (const r of m.recommendations!) w.out.recommendations.push(new TextList(r));
    w.resolve();
  }

  private fail(e: Error): void {
    if (this.failed === null) {
      this.failed = e;
      this.onFailure?.(e);
    }
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
  }
}

/** A list that came as text: parsed on first read of its items. */
class TextList implements RecommendationList {
  readonly userId?: string;
  readonly itemId?: string;
  readonly text: { json: string; count: number };
  private parsed: Recommendation[] | undefined;

  constructor(t: ListText) {
    if (t.userId !== undefined) this.userId = t.userId;
    if (t.itemId !== undefined) this.itemId = t.itemId;
    this.text = { json: t.json, count: t.count };
  }

  get items(): Recommendation[] {
    return (this.parsed ??= JSON.parse(this.text.json) as Recommendation[]);
  }
}
