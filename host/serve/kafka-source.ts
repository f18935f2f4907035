// The Kafka source of `serve`: a kafkajs consumer group over the event
// topics, at-least-once. Each fetched partition batch is handed over in
// offset order (in slices of at most maxBatchMessages); an offset is
// committed only after onBatch resolved for every message before it, which
// is when every sink has written that slice's outputs. A crash at any point
// re-delivers what was not committed, and nothing is skipped.
//
// Ordering: kafkajs never hands out two batches of one partition at once (the
// next fetch of a broker waits for all batches of the last one), and onBatch
// calls are serialised here across partitions too, because the pipeline is
// one JS thread and one stateful engine. With partitionsConsumedConcurrently
// > 1 the only overlap is one partition's commit with another's processing.
//
// Slices in flight (maxSlicesInFlight, default 1): with 1, a slice is handed
// over only once the previous one's onBatch resolved (written). With more,
// the next slice (of this partition, or of another) is handed over as soon as
// onBatch *returned*, while earlier writes are still under way: scoring the
// next slice overlaps writing the last one, instead of the thread idling on
// the sinks' acknowledgements. This needs an onBatch that takes its slice in
// (moves the stream's state) synchronously, before it returns its promise,
// and sinks that apply writes in call order (the pipeline and the Redis and
// Kafka sinks do; `serve` sets KAFKA_SLICES_IN_FLIGHT, default 2). Commits
// stay in order and after the write: a partition's slice is committed only
// once its own write and every earlier one resolved; a failed write stops
// the partition (no later slice is committed) and it is read again from the
// failed slice after a back-off (redeliver): still at-least-once, never a
// skip, and never a hot loop.
//
// Scale-out: processes in one group split the partitions; events are keyed by
// userId, so a user's events stay on one partition and so in one process,
// in order. A rebalance stops a batch between slices (the heartbeat says one
// is under way), so the group is not held up for a whole batch; a slice whose
// commit is refused because its partition moved is re-delivered to the new
// owner: a duplicate, never a loss.

import { isUtf8 } from 'node:buffer';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { StreamscoreError, UsageError } from '../core/errors.js';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.js';
import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import type { Source, SourceMessage } from '../core/ports.js';

export const DEFAULT_EVENTS_TOPIC = 'streamscore.events';
export const DEFAULT_GROUP_ID = 'streamscore';

export interface KafkaSourceOptions extends KafkaClientOptions {
  /** Consumer group (default `streamscore`): processes in one group split the partitions. */
  groupId?: string;
  /** Topics to read (default [`streamscore.events`]). */
  topics?: string[];
  /**
   * Where a group with no committed offset starts: true reads the topics'
   * history (warms the features up), false (default, Kafka's own) only new events.
   */
  fromBeginning?: boolean;
  /** Most messages per onBatch call; a larger fetched batch is handed over in slices, each committed (default 2000). */
  maxBatchMessages?: number;
  /**
   * Slices handed to onBatch whose promise has not resolved yet, per partition
   * (default 1: one at a time). More overlaps the next slice's processing
   * with the earlier ones' writes; onBatch must then take a slice in
   * synchronously (see the top of this file).
   */
  maxSlicesInFlight?: number;
  /** Partition batches in flight at once (default 2); onBatch calls are serialised whatever this is. */
  partitionsConsumedConcurrently?: number;
  /** The group drops a member silent for this long, in ms (default 30000; the broker allows 6000 to 300000). */
  sessionTimeout?: number;
  /** How often a long batch heartbeats, in ms (default 3000). */
  heartbeatInterval?: number;
  /** Most bytes fetched per partition per request (default 1 MiB, kafkajs' own). */
  maxBytesPerPartition?: number;
  /** Most bytes per fetch response, all partitions together (default 10 MiB, kafkajs' own). */
  maxBytes?: number;
  /** Longest a fetch waits for new messages at the broker, in ms (default 1000): also how long stop() may wait for an idle fetch. */
  maxWaitTimeInMs?: number;
  /**
   * Least bytes a fetch waits for (default 1, kafkajs' own: answered as soon
   * as anything is there). More makes the broker hold a fetch until that much
   * arrived or maxWaitTimeInMs passed: fewer, larger batches at low rates.
   */
  minBytes?: number;
  /** Receives CONSUMER_LAG after each committed slice, SOURCE_RETRY after each failed one. */
  instrumentation?: Instrumentation;
  /** Gets one line per failed slice (default: stderr). */
  log?: (line: string) => void;
  /** First wait before a failed slice is read again, in ms (default 100); doubled per failure in a row, up to retryMaxMs. */
  retryMinMs?: number;
  /** Longest wait before a failed slice is read again, in ms (default 10000). */
  retryMaxMs?: number;
}

/** A partition's slices handed over and not yet committed. */
interface PartitionState {
  /** Write-then-commit of each slice, chained: commits go in order. */
  chain: Promise<void>;
  /** Links of the chain not yet settled, oldest first (at most maxSlicesInFlight). */
  open: Promise<void>[];
  writes: Set<Promise<void>>;
  /** After a failure: settles once the writes handed over before it have; nothing is handed over until then. */
  after: Promise<void> | null;
}

/** A Source reading a Kafka consumer group. */
export class KafkaSource implements Source {
  readonly name = 'kafka';
  readonly topics: readonly string[];
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly options: KafkaSourceOptions;
  private readonly maxBatch: number;
  private readonly inFlight: number;
  private readonly heartbeatMs: number;
  /** Per partition: its slices' write-then-commit chain, and the writes under way. */
  private readonly partitions = new Map<string, PartitionState>();
  private stopRequested = false;
  /** The tail of the chain that serialises onBatch calls across partitions. */
  private turn: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private ended: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  /** Partitions whose last slice failed: failures in a row and the last error (cleared by a slice committed). */
  private readonly failing = new Map<string, { attempt: number; error: string }>();
  private readonly log: (line: string) => void;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  /** What readiness() says: not yet in a group, in one, or crashed (and whether kafkajs restarts it). */
  private state: { ok: boolean; detail?: string } = { ok: false, detail: 'kafka consumer not in its group yet' };

  constructor(options: KafkaSourceOptions) {
    this.options = options;
    this.topics = options.topics ?? [DEFAULT_EVENTS_TOPIC];
    this.groupId = options.groupId ?? DEFAULT_GROUP_ID;
    this.maxBatch = options.maxBatchMessages ?? 2000;
    this.inFlight = options.maxSlicesInFlight ?? 1;
    this.heartbeatMs = options.heartbeatInterval ?? 3000;
    this.log = options.log ?? ((line) => process.stderr.write(line + '\n'));
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    if (this.topics.length === 0) throw new UsageError('the Kafka source needs at least one topic');
    if (!(this.maxBatch >= 1)) throw new RangeError(`maxBatchMessages must be at least 1, got ${this.maxBatch}`);
    if (!(Number.isInteger(this.inFlight) && this.inFlight >= 1)) throw new RangeError(`maxSlicesInFlight must be an integer of at least 1, got ${this.inFlight}`);
    this.consumer = createKafkaClient(options).consumer({
      groupId: this.groupId,
      sessionTimeout: options.sessionTimeout ?? 30_000,
      heartbeatInterval: this.heartbeatMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      minBytes: options.minBytes ?? 1,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = Object.values(payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
      this.state = { ok: true, detail: `in group ${this.groupId} with ${partitions} partition(s)` };
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.state = { ok: false, detail: `kafka consumer crashed (${payload.error.message})${payload.restart ? ', restarting' : ''}` };
      // kafkajs restarts the consumer itself after a retriable crash.
      if (payload.restart) return;
      this.ended?.reject(
        new StreamscoreError(`the Kafka consumer stopped: ${payload.error.message}`, { code: 'KAFKA_CONSUMER', retriable: true, cause: payload.error }),
      );
    });
  }

  /**
   * Joins the group and hands batches to onBatch until stop(). Called once by
   * `serve`. Rejects if the consumer stops on an error kafkajs does not retry.
   */
  async run(onBatch: (messages: readonly SourceMessage[], stream?: string) => Promise<void>): Promise<void> {
    if (this.stopping) return;
    const ended = new Promise<void>((resolve, reject) => (this.ended = { resolve, reject }));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 2,
      eachBatch: (payload) => this.eachBatch(payload, onBatch),
    });
    return ended;
  }

  /**
   * Takes no new slice, waits for the one in hand to be written and
   * committed, leaves the group (its partitions go to the others at once)
   * and disconnects. Called by `serve` on shutdown; safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      // Slices handed over are written and committed before the group is left.
      await Promise.allSettled([...this.partitions.values()].map((st) => st.chain));
      await this.consumer.disconnect();
      this.ended?.resolve();
    })();
    return this.stopping;
  }

  private async eachBatch(p: EachBatchPayload, onBatch: (messages: readonly SourceMessage[], stream?: string) => Promise<void>): Promise<void> {
    const { topic, partition, messages } = p.batch;
    const key = `${topic}|${partition}`;
    const stream = `${topic}[${partition}]`;
    let st = this.partitions.get(key);
    if (st === undefined) this.partitions.set(key, (st = { chain: Promise.resolve(), open: [], writes: new Set(), after: null }));
    // Set when a heartbeat fails, which is how a member learns that the group
    // is rebalancing (or that it was dropped): finish the slice, take no more.
    let interrupted = false;
    const beat = setInterval(() => p.heartbeat().catch(() => (interrupted = true)), this.heartbeatMs);
    // Re-delivered after a failure: the earlier writes settle first, then the back-off passes.
    if (st.after) {
      try {
        await st.after;
      } finally {
        st.after = null;
      }
    }
    const detached = this.inFlight > 1;
    // This batch's writes (one slice at a time: the batch ends once they are written).
    const writes: Promise<void>[] = [];
    const state = st;
    // The first offset of the slice being handed over (where to read again if its write fails).
    let failedAt = messages[0]?.offset ?? '0';
    try {
      for (let start = 0; start < messages.length; start += this.maxBatch) {
        // At most maxSlicesInFlight of this partition's slices unwritten.
        while (state.open.length >= this.inFlight) await state.open.shift()!.catch(() => {});
        const slice = messages.slice(start, start + this.maxBatch);
        // The turn covers onBatch's call (its slice taken in); with one slice
        // in flight it also covers the write, as before.
        failedAt = slice[0]!.offset;
        const handed = await this.inTurn(() => {
          if (!p.isRunning() || p.isStale() || interrupted || this.stopRequested || this.partitions.get(key) !== state) return null;
          const batch: SourceMessage[] = slice.map((m) => ({
            // A null value (a tombstone) stays null: the dead letter tells it from an empty one.
            value: m.value === null ? null : m.value.toString('utf8'),
            where: `${stream}@${m.offset}`,
            key: m.key === null || m.key === undefined ? undefined : m.key.toString('utf8'),
            // toString would put U+FFFD in place of bad bytes and score an altered event.
            invalid: m.value === null || isUtf8(m.value) ? undefined : 'the message value is not valid UTF-8',
          }));
          // The partition is the stream: its events' lateness is measured from its own newest event.
          const written = onBatch(batch, stream);
          // Tracked at once, in the same turn as the call: a redelivery that
          // starts before this loop resumes (a failed link's catch) must wait
          // for this write too, or more than maxSlicesInFlight slices would be
          // unwritten at once.
          state.writes.add(written);
          const forget = () => state.writes.delete(written);
          written.then(forget, forget);
          return detached ? { written } : written.then(() => ({ written }));
        });
        if (handed === null) break;
        const first = slice[0]!.offset;
        const last = slice[slice.length - 1]!.offset;
        const next = (BigInt(last) + 1n).toString();
        const { written } = handed;
        writes.push(written);
        // Detached: kafkajs fetches on from here while the write is under way
        // (with autoCommit off it never commits a resolved offset itself).
        if (detached) p.resolveOffset(last);
        const link = state.chain.then(async () => {
          await written;
          if (!detached) p.resolveOffset(last);
          // Straight to the coordinator (kafkajs' consumer.commitOffsets would
          // skip it once stop() was called, and the slice would come again).
          await p.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
          this.recovered(stream);
          this.options.instrumentation?.emit(INSTRUMENTATION.CONSUMER_LAG, {
            topic,
            partition,
            lag: Math.max(0, Number(BigInt(p.batch.highWatermark) - BigInt(next))),
          });
        });
        state.chain = link;
        state.open.push(link);
        // The first link to fail (its write, or its commit) is where the
        // partition is read again: nothing after it is committed (the links
        // after it fail with it), and once the writes handed over after it have
        // settled, the partition is re-delivered from it.
        if (detached) link.catch((e) => this.redeliver(key, state, topic, partition, first, e));
      }
      if (!detached) {
        // Every slice handed over is written and committed (or failed) before
        // the batch ends; a failure fails the batch once the writes after it
        // have settled too (so none is still under way when kafkajs delivers
        // the batch again).
        await Promise.allSettled(writes);
        await state.chain;
      }
    } catch (e) {
      // One slice at a time: the partition is read again from the failed
      // slice, to a fresh chain, after a back-off; the batch itself ends
      // normally (kafkajs' own retries would re-read it at once).
      if (!detached) this.redeliver(key, state, topic, partition, failedAt, e);
      else throw e;
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * After a failed write or commit: a fresh state for the partition that
   * hands nothing over until the writes under way have settled and a
   * back-off has passed (doubling per failure in a row, so a sink that is
   * down is not hammered and the thread is not spun), and a seek back to the
   * failed slice. Each failure is logged, emitted (SOURCE_RETRY) and shown
   * by readiness() until a slice of the partition is committed again.
   */
  private redeliver(key: string, state: PartitionState, topic: string, partition: number, offset: string, error: unknown): void {
    if (this.partitions.get(key) !== state) return;
    const stream = `${topic}[${partition}]`;
    const attempt = (this.failing.get(stream)?.attempt ?? 0) + 1;
    const delayMs = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(attempt - 1, 30));
    const message = error instanceof Error ? error.message : String(error);
    this.failing.set(stream, { attempt, error: message });
    this.options.instrumentation?.emit(INSTRUMENTATION.SOURCE_RETRY, { source: 'kafka', stream, attempt, delayMs, error });
    this.log(`streamscore: ${stream} from offset ${offset} failed (${message}); reading it again in ${delayMs} ms (failure ${attempt} in a row)`);
    const settled = Promise.allSettled([...state.writes]);
    const after = settled.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref()));
    this.partitions.set(key, { chain: Promise.resolve(), open: [], writes: new Set(), after });
    try {
      this.consumer.seek({ topic, partition, offset });
    } catch {
      // Not running any more: the next owner starts from the last commit, which is before this slice.
    }
  }

  /** A slice of the stream was committed: it is no longer failing. */
  private recovered(stream: string): void {
    if (this.failing.size > 0 && this.failing.delete(stream)) this.log(`streamscore: ${stream} moves again`);
  }

  /** For /ready: ok once the consumer has joined its group; false before, after a crash, and while a partition's slices fail. */
  readiness(): { ok: boolean; detail?: string } {
    if (!this.state.ok || this.failing.size === 0) return this.state;
    const [stream, f] = this.failing.entries().next().value!;
    return { ok: false, detail: `${stream} failing (${f.attempt} in a row, retrying with back-off): ${f.error}${this.failing.size > 1 ? ` (+${this.failing.size - 1} more partitions)` : ''}` };
  }

  /** Runs `work` once every earlier call's work has settled: one onBatch at a time, in arrival order. */
  private inTurn<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}

/** Creates the source. Called once by `serve` with --source kafka. */
export function createKafkaSource(options: KafkaSourceOptions): KafkaSource {
  return new KafkaSource(options);
}
