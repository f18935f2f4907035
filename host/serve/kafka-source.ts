// The Kafka source of `serve`: a kafkajs consumer group over the event
// topics, at-least-once, in event-time order across the partitions.
//
// Order: each fetched partition batch is parsed and queued per partition
// (kafkajs fetches on at once; a partition with 4 slices queued holds the
// next fetch until the merge takes some), and the slices handed to onBatch are taken from the
// queues by an event-time merge (host/serve/event-time-merge.ts): the event
// with the smallest `ts` among the partitions' heads goes next, each
// partition in offset order, waiting for a partition that is behind (the
// broker holds more of it) for as long as it is, and for one that is caught
// up and empty for at most idleMs (KAFKA_IDLE_MS), which is counted
// (SOURCE_IDLE). So what the engines see, and every output, is a function of
// the partitions' contents, not of which was fetched first
// (docs/STATE.md). A slice mixes partitions; it is handed over with no
// stream name: its lateness is measured from the process's watermark, which
// follows the merge, i.e. the slowest partition.
//
// Commits: an offset is committed only after onBatch resolved for the slice
// that took it and for every slice before it, which is when every sink has
// written their outputs; a crash at any point re-delivers what was not
// committed, and nothing is skipped.
//
// Slices in flight (maxSlicesInFlight, default 1): with more, the next slice
// is handed over as soon as onBatch *returned*, while earlier writes are
// still under way. This needs an onBatch that takes its slice in (moves the
// stream's state) synchronously, and sinks that apply writes in call order
// (the pipeline and the Redis and Kafka sinks do; `serve` sets
// KAFKA_SLICES_IN_FLIGHT, default 2). A failed write commits nothing after
// it: every partition is read again from its last commit after a back-off
// (doubling, never a hot loop): still at-least-once, never a skip.
//
// Positions (docs/STATE.md): each slice is handed over with the position
// after it, every assigned partition's next offset to process, for a
// checkpoint (a partition nothing was taken from yet stands at the first
// offset it is read from; until every partition's is known, slices carry no
// position); a source created `from` a checkpoint's position seeks each
// partition it is assigned to that offset, whatever the group committed
// since.
//
// Scale-out: processes in one group split the partitions; events are keyed by
// userId, so a user's events stay on one partition and so in one process,
// in order. On a rebalance the queues of partitions that moved are dropped;
// a slice whose commit is refused because its partition moved is
// re-delivered to the new owner: a duplicate, never a loss.

import { isUtf8 } from 'node:buffer';
import type { Admin, Consumer, EachBatchPayload, TopicOffsets } from 'kafkajs';
import { StreamscoreError, UsageError } from '../core/errors.js';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.js';
import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import { parseEvent } from '../core/schema.js';
import type { Source, SourceMessage, SourcePosition } from '../core/ports.js';
import { EventTimeMerge, type MergeItem } from './event-time-merge.js';

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
  /** Most messages per onBatch call (a slice, each committed once written; default 2000). */
  maxBatchMessages?: number;
  /**
   * Slices handed to onBatch whose promise has not resolved yet (default 1:
   * one at a time). More overlaps the next slice's processing with the
   * earlier ones' writes; onBatch must then take a slice in synchronously
   * (see the top of this file).
   */
  maxSlicesInFlight?: number;
  /**
   * Longest wait, in ms, for a partition that is caught up and has nothing
   * queued before the merge goes on without it (default 50; 0: never wait
   * for a caught-up partition). A partition that is behind is always waited for.
   */
  idleMs?: number;
  /** Messages queued for a partition before its batch waits for the merge to take some (default 4 slices). */
  maxQueuedMessages?: number;
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
  /** Receives CONSUMER_LAG after each committed slice, SOURCE_RETRY after each failed one, SOURCE_IDLE per idle wait given up. */
  instrumentation?: Instrumentation;
  /** Gets one line per failed slice (default: stderr). */
  log?: (line: string) => void;
  /** First wait before a failed slice is read again, in ms (default 100); doubled per failure in a row, up to retryMaxMs. */
  retryMinMs?: number;
  /** Longest wait before a failed slice is read again, in ms (default 10000). */
  retryMaxMs?: number;
  /** Read on from here: a checkpoint's position (each partition named in it is sought to its offset when assigned). */
  from?: KafkaPosition;
  /** Exactly once: the group's offsets are committed in the checkpoints' transactions (host/serve/kafka-sink.ts), not after each slice. */
  offsetsInTransactions?: boolean;
}

/** Where a Kafka source stands: each partition's next offset to process ("topic[2]" -> offset, as text). */
export interface KafkaPosition extends SourcePosition {
  offsets: Record<string, string>;
}

/** A partition of the assignment: where it is read to, and what the broker holds. */
interface Partition {
  topic: string;
  partition: number;
  /** The next offset to queue (messages before it that come again are dropped); null until known. */
  next: bigint | null;
  /** The first offset queued since it was assigned: where a redelivery starts when no slice of it was committed. */
  first: bigint | null;
  /** The next offset to commit (everything before it is written); null until a slice of it is. */
  committed: bigint | null;
  /** The broker's high watermark as last seen. */
  high: bigint | null;
}

/** A queued message: its SourceMessage, its partition ("topic[2]", the merge's stream) and offset. */
interface Queued {
  message: SourceMessage;
  stream: string;
  offset: bigint;
}

/** A Source reading a Kafka consumer group. */
export class KafkaSource implements Source {
  readonly name = 'kafka';
  readonly topics: readonly string[];
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly options: KafkaSourceOptions;
  private readonly maxBatch: number;
  private readonly inFlight: number;
  private readonly maxQueued: number;
  private readonly merge: EventTimeMerge<Queued>;
  /** The assignment, by stream name ("topic[2]"). */
  private readonly partitions = new Map<string, Partition>();
  private onBatch: ((messages: readonly SourceMessage[], position?: SourcePosition) => Promise<void>) | null = null;
  /** Each partition's next offset to process, as of the last slice handed over (and the restored position's for the others). */
  private readonly positions = new Map<string, bigint>();
  /** Partitions of the restored position not sought yet. */
  private readonly seekTo = new Map<string, bigint>();
  /** Write-then-commit of each slice, chained: commits go in order. */
  private chain: Promise<void> = Promise.resolve();
  /** Slices handed over whose write has not settled. */
  private readonly writes = new Set<Promise<void>>();
  /** Set after a failure: nothing is handed over until it settles. */
  private after: Promise<void> | null = null;
  /** Bumped by each redelivery: links of an older epoch neither commit nor redeliver again. */
  private epoch = 0;
  private pumping = false;
  /** Batches waiting for the merge to take from a full queue: woken after each take. */
  private drained: (() => void)[] = [];
  private wake: NodeJS.Timeout | null = null;
  /** Since when the merge has been waiting for a partition that is behind (to ask the broker again). */
  private blockedSince: number | null = null;
  private lagCheck: Promise<void> | null = null;
  private stopRequested = false;
  private stopping: Promise<void> | null = null;
  private ended: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  /** Failures in a row and the last error (cleared by a slice committed). */
  private failing: { attempt: number; error: string; stream: string } | null = null;
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
    this.maxQueued = options.maxQueuedMessages ?? 4 * this.maxBatch;
    this.merge = new EventTimeMerge(options.idleMs ?? 50);
    this.log = options.log ?? ((line) => process.stderr.write(line + '\n'));
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    for (const [stream, offset] of Object.entries(options.from?.offsets ?? {})) {
      this.positions.set(stream, BigInt(offset));
      this.seekTo.set(stream, BigInt(offset));
    }
    if (this.topics.length === 0) throw new UsageError('the Kafka source needs at least one topic');
    if (!(this.maxBatch >= 1)) throw new RangeError(`maxBatchMessages must be at least 1, got ${this.maxBatch}`);
    if (!(Number.isInteger(this.inFlight) && this.inFlight >= 1)) throw new RangeError(`maxSlicesInFlight must be an integer of at least 1, got ${this.inFlight}`);
    const client = createKafkaClient(options);
    this.admin = client.admin();
    this.consumer = client.consumer({
      groupId: this.groupId,
      sessionTimeout: options.sessionTimeout ?? 30_000,
      heartbeatInterval: options.heartbeatInterval ?? 3000,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      minBytes: options.minBytes ?? 1,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned: [string, number][] = [];
      for (const [topic, ps] of Object.entries(payload.memberAssignment)) for (const p of ps) assigned.push([topic, p]);
      this.assign(assigned);
      this.state = { ok: true, detail: `in group ${this.groupId} with ${assigned.length} partition(s)` };
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
   * Joins the group and hands slices to onBatch until stop(). Called once by
   * `serve`. Rejects if the consumer stops on an error kafkajs does not retry.
   */
  async run(onBatch: (messages: readonly SourceMessage[], position?: SourcePosition) => Promise<void>): Promise<void> {
    if (this.stopping) return;
    this.onBatch = onBatch;
    const ended = new Promise<void>((resolve, reject) => (this.ended = { resolve, reject }));
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition's batch is queued at once: the merge needs them all.
      partitionsConsumedConcurrently: 64,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    return ended;
  }

  /**
   * Takes no new slice, waits for the slices handed over to be written and
   * committed, leaves the group (its partitions go to the others at once)
   * and disconnects. Called by `serve` on shutdown; safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      if (this.wake) clearTimeout(this.wake);
      await Promise.allSettled([this.chain]);
      await this.consumer.disconnect();
      await this.admin.disconnect().catch(() => {});
      this.ended?.resolve();
    })();
    return this.stopping;
  }

  /** For /ready: ok once the consumer has joined its group; false before, after a crash, and while slices fail. */
  readiness(): { ok: boolean; detail?: string } {
    if (!this.state.ok || this.failing === null) return this.state;
    const f = this.failing;
    return { ok: false, detail: `${f.stream} failing (${f.attempt} in a row, retrying with back-off): ${f.error}` };
  }

  // The group's new assignment: the merge follows it (ties by topic, then
  // partition), partitions that moved lose their queue, and what the broker
  // holds for each new one is asked for (an empty partition never sends a batch).
  private assign(assigned: [string, number][]): void {
    assigned.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    const streams = new Set(assigned.map(([t, p]) => streamName(t, p)));
    for (const stream of [...this.partitions.keys()]) if (!streams.has(stream)) this.partitions.delete(stream);
    for (const [topic, partition] of assigned) {
      const stream = streamName(topic, partition);
      if (!this.partitions.has(stream)) this.partitions.set(stream, { topic, partition, next: null, first: null, committed: null, high: null });
      // A restored state goes on from its own position, not the group's commit.
      const from = this.seekTo.get(stream);
      if (from !== undefined) {
        this.seekTo.delete(stream);
        const part = this.partitions.get(stream)!;
        part.next = part.first = from;
        this.consumer.seek({ topic, partition, offset: from.toString() });
      }
    }
    this.merge.assign([...streams]);
    void this.checkLag();
  }

  // A fetched batch: parsed, queued behind what the partition has queued
  // (messages that come again after a rebalance are dropped), and the fetch
  // position moved past it so kafkajs fetches on. Returns at once, unless
  // the partition's queue is full and the merge can go on without a fetch:
  // then it waits for the merge to take some (kafkajs' next fetch waits for
  // it), which bounds what is queued. It never waits while a partition that
  // is behind has nothing queued, since only a fetch can feed that one.
  // (Pausing partitions instead made kafkajs sleep KAFKA_FETCH_MAX_WAIT_MS
  // whenever all were paused: half the throughput in bench:e2e.)
  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { topic, partition, messages, highWatermark } = p.batch;
    const stream = streamName(topic, partition);
    const part = this.partitions.get(stream);
    if (part === undefined || messages.length === 0 || this.stopRequested) return;
    const items: MergeItem<Queued>[] = [];
    for (const m of messages) {
      const offset = BigInt(m.offset);
      if (part.next !== null && offset < part.next) continue;
      const value = m.value === null ? null : m.value.toString('utf8');
      // toString would put U+FFFD in place of bad bytes and score an altered event.
      const invalid = m.value === null || isUtf8(m.value) ? undefined : 'the message value is not valid UTF-8';
      const parsed = value === null || invalid !== undefined ? undefined : parseEvent(value);
      const message: SourceMessage = {
        // A null value (a tombstone) stays null: the dead letter tells it from an empty one.
        value,
        where: `${stream}@${m.offset}`,
        key: m.key === null || m.key === undefined ? undefined : m.key.toString('utf8'),
        invalid,
        parsed,
      };
      items.push({ ts: parsed?.ok ? parsed.event.ts : -Infinity, item: { message, stream, offset } });
      // Nothing of this partition is in the state before its first message read.
      if (!this.positions.has(stream)) this.positions.set(stream, offset);
      part.first ??= offset;
      part.next = offset + 1n;
    }
    part.high = BigInt(highWatermark);
    // Fetch on from here (with autoCommit off kafkajs never commits a resolved offset itself).
    p.resolveOffset(messages[messages.length - 1]!.offset);
    this.merge.push(stream, items, part.next !== null && part.next >= part.high, Date.now());
    this.pump();
    let beatAt = Date.now();
    while (this.merge.size(stream) >= this.maxQueued && !this.merge.waitsForBehind() && !this.stopRequested && p.isRunning() && !p.isStale()) {
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        setTimeout(resolve, 1000).unref();
      });
      if (Date.now() - beatAt >= 3000) {
        beatAt = Date.now();
        // A failed heartbeat is how a member learns the group is rebalancing: let the batch end.
        if (!(await p.heartbeat().then(() => true, () => false))) break;
      }
    }
  }

  // Hands over slices while the merge has them and fewer than maxSlicesInFlight are unwritten.
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopRequested && this.after === null && this.onBatch !== null && this.writes.size < this.inFlight) {
        const now = Date.now();
        const { items, idled } = this.merge.take(this.maxBatch, now);
        for (const stream of idled) this.options.instrumentation?.emit(INSTRUMENTATION.SOURCE_IDLE, { stream });
        if (this.drained.length > 0) for (const wake of this.drained.splice(0)) wake();
        if (items.length === 0) {
          this.waitOnClock(now);
          break;
        }
        this.blockedSince = null;
        this.handOver(items);
      }
    } finally {
      this.pumping = false;
    }
  }

  // One slice to onBatch, then its write and its commits chained after the earlier ones'.
  private handOver(items: Queued[]): void {
    // Per partition, the next offset after the last the slice took.
    const ends = new Map<string, bigint>();
    for (const it of items) ends.set(it.stream, it.offset + 1n);
    for (const [stream, next] of ends) this.positions.set(stream, next);
    // A position only once every assigned partition's is known: one left out would be read from the group's commit at a restore.
    let position: KafkaPosition | undefined;
    if ([...this.partitions.keys()].every((s) => this.positions.has(s))) {
      const offsets: Record<string, string> = {};
      for (const [stream, next] of this.positions) offsets[stream] = next.toString();
      position = { offsets };
    }
    let written: Promise<void>;
    try {
      written = this.onBatch!(items.map((it) => it.message), position);
    } catch (e) {
      written = Promise.reject(e);
    }
    this.writes.add(written);
    const epoch = this.epoch;
    written.then(
      () => {
        this.writes.delete(written);
        this.pump();
      },
      (e) => {
        // At once, before anything else is handed over.
        this.writes.delete(written);
        if (epoch === this.epoch) this.redeliver(items[0]!, e);
      },
    );
    const link = this.chain.then(async () => {
      await written;
      if (epoch !== this.epoch) throw new Error('superseded by a redelivery');
      // Straight to the coordinator, in slice order; a partition that moved meanwhile is its new owner's to commit.
      const mine = [...ends].flatMap(([stream, next]) => {
        const part = this.partitions.get(stream);
        return part === undefined ? [] : [{ part, next }];
      });
      if (this.options.offsetsInTransactions !== true) await this.consumer.commitOffsets(mine.map(({ part, next }) => ({ topic: part.topic, partition: part.partition, offset: next.toString() })));
      for (const { part, next } of mine) {
        part.committed = next;
        this.options.instrumentation?.emit(INSTRUMENTATION.CONSUMER_LAG, {
          topic: part.topic,
          partition: part.partition,
          lag: part.high === null ? 0 : Math.max(0, Number(part.high - next)),
        });
      }
      if (this.failing !== null) {
        this.log(`streamscore: ${this.failing.stream} moves again`);
        this.failing = null;
      }
    });
    this.chain = link.catch((e) => {
      if (epoch === this.epoch) this.redeliver(items[0]!, e);
    });
  }

  // Nothing to take: wake when a dry partition's idle bound passes, and ask
  // the broker again about a partition that has been waited for a while
  // (it may hold nothing more: only transaction markers, or it was emptied).
  private waitOnClock(now: number): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    const at = this.merge.wakeAt();
    if (at === null && !this.merge.waitsForBehind()) return; // a push wakes it
    this.blockedSince ??= now;
    const check = now - this.blockedSince >= 1000 ? now : this.blockedSince + 1000;
    const next = at === null ? check : Math.min(at, check);
    this.wake = setTimeout(() => {
      this.wake = null;
      if (Date.now() - (this.blockedSince ?? Date.now()) >= 1000) void this.checkLag();
      this.pump();
    }, Math.max(1, next - now));
    this.wake.unref();
  }

  // Asks the broker where each partition ends and, for one whose position is
  // not known yet, where the group is: a partition read to its end is caught
  // up (waited for at most idleMs), else it is behind (waited for).
  private checkLag(): Promise<void> {
    this.lagCheck ??= (async () => {
      try {
        for (const topic of this.topics) {
          const ends = await this.admin.fetchTopicOffsets(topic);
          const group = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
          const committed = new Map(group.flatMap((t) => t.partitions.map((p) => [p.partition, p.offset] as const)));
          for (const e of ends) {
            const stream = streamName(topic, e.partition);
            const part = this.partitions.get(stream);
            if (part === undefined) continue;
            const high = BigInt(e.high);
            const c = committed.get(e.partition);
            const start = c !== undefined && c !== '-1' ? BigInt(c) : this.options.fromBeginning ? BigInt(e.low) : high;
            const position = part.next ?? part.committed ?? start;
            if (!this.positions.has(stream)) this.positions.set(stream, position);
            if (this.merge.size(stream) === 0 && position >= high) this.merge.push(stream, [], true, Date.now());
          }
        }
      } catch {
        // Asked again while the merge waits.
      } finally {
        this.lagCheck = null;
        this.blockedSince = null;
        this.pump();
      }
    })();
    return this.lagCheck;
  }

  /**
   * After a failed write or commit: nothing is handed over until the writes
   * under way have settled and a back-off has passed (doubling per failure
   * in a row, so a sink that is down is not hammered and the thread is not
   * spun); then every partition is read again from its last commit. Each
   * failure is logged, emitted (SOURCE_RETRY) and shown by readiness() until
   * a slice is committed again.
   */
  private redeliver(first: Queued, error: unknown): void {
    this.epoch++;
    const { stream, message: { where } } = first;
    const attempt = (this.failing?.attempt ?? 0) + 1;
    const delayMs = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(attempt - 1, 30));
    const message = error instanceof Error ? error.message : String(error);
    this.failing = { attempt, error: message, stream };
    this.options.instrumentation?.emit(INSTRUMENTATION.SOURCE_RETRY, { source: 'kafka', stream, attempt, delayMs, error });
    this.log(`streamscore: the slice from ${where} failed (${message}); reading every partition again from its last commit in ${delayMs} ms (failure ${attempt} in a row)`);
    const after = Promise.allSettled([...this.writes]).then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref()));
    this.after = after;
    this.chain = Promise.resolve();
    void after.then(() => {
      if (this.after !== after) return;
      this.merge.clear();
      for (const [, part] of this.partitions) {
        const from = part.committed ?? part.first;
        if (from === null) continue; // nothing of it was taken
        part.next = from;
        try {
          this.consumer.seek({ topic: part.topic, partition: part.partition, offset: from.toString() });
        } catch {
          // Not running any more: the next owner starts from the last commit.
        }
      }
      this.after = null;
      for (const wake of this.drained.splice(0)) wake();
      void this.checkLag();
      this.pump();
    });
  }
}

/** A partition's name as a stream: "topic[2]" (Kafka topic names cannot hold brackets). */
function streamName(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}

/** A position's offsets per topic and partition, as Kafka takes them (a transaction's sendOffsets). */
export function topicOffsets(position: KafkaPosition): TopicOffsets[] {
  const byTopic = new Map<string, TopicOffsets>();
  for (const [stream, offset] of Object.entries(position.offsets)) {
    const at = stream.lastIndexOf('[');
    const topic = stream.slice(0, at);
    let t = byTopic.get(topic);
    if (t === undefined) byTopic.set(topic, (t = { topic, partitions: [] }));
    t.partitions.push({ partition: Number(stream.slice(at + 1, -1)), offset });
  }
  return [...byTopic.values()];
}

/** Creates the source. Called once by `serve` with --source kafka. */
export function createKafkaSource(options: KafkaSourceOptions): KafkaSource {
  return new KafkaSource(options);
}
