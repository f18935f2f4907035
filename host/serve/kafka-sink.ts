// The Kafka sink of `serve`: every batch's outputs produced to the output
// topics, in one produce request per broker that carries all of them. It is
// the durable record of what the stream produced, so the source commits its
// input offsets only after write() resolved, and write() resolves only once
// the brokers acknowledged with acks=-1 (every in-sync replica has the
// messages): with acks=1 a leader could acknowledge, the source commit, and
// the leader then fail before a follower copied the messages: the input
// would be marked done and its outputs lost, silently.
//
// Topics (names configurable; null or an empty KAFKA_TOPIC_* leaves one out):
//   streamscore.scores        key userId  the score record {eventId, userId, ts, amount, fraudScore, decision, reasons} and scoredAt
//   streamscore.alerts.fraud  key userId  the FraudAlert: the score record with its topic (decisions review and block)
//   streamscore.alerts.stock  key sku     the StockAlert
//   streamscore.features      key eventId {kind:"features", eventId, userId, ts, fraudScore, scoredAt, featureSet, features: [v0, v1, ...]}
//                             key purchaseEventId {kind:"label", eventId, purchaseEventId, fraud, ts}
//                             key featureSet:<hash> {kind:"header", featureSet, featureNames: [...]}
//   streamscore.deadletter    key: the source message's  {where, key, raw, reason, field, ts} (raw null: a null value)
//
// The feature log holds the values as an array in catalogue order, as the
// embedded feature log file does (host/serve/feature-log-file.ts), and the
// names once in a header record: measured on real scored purchases, records
// with the names in each (2.4 KB instead of 0.4 KB) were slower in 5 of 6
// runs, 1.3 to 1.8 times at batches of 1,000 (bench/results/2026-11-25-to-12-07-benchmarks-log.md, "Sinks").
// Each record carries `featureSet`,
// the FNV-1a hash of the names that the WASM module also carries
// (host/fraud/catalog.ts namesHash), and a header record with that hash
// and the names goes out with the sink's first write and again each hour, so
// that any retention of an hour or more keeps one. Labels go to the same
// topic keyed by the purchase's eventId, so a label and the features it
// labels are on one partition: the join for retraining is partition-local.
//
// The producer is idempotent (kafkajs serialises requests per broker and
// numbers them, so its own retries write nothing twice); re-deliveries of the
// input after a crash still write twice: consumers dedupe on eventId.
//
// Writes go out in call order, one send at a time: a write() made while a
// send is under way waits, and every write waiting when it ends goes out
// together in the next send (its messages in call order, split in requests
// as usual). So the Kafka source can hand the pipeline the next slice while
// the last one is being written (host/serve/kafka-source.ts, maxSlicesInFlight)
// and each partition's outputs still land in order; under load this also
// makes fewer, larger produce requests. A message's scoredAt is the time of
// its write() call (its batch scored), not of the send.
//
// Exactly once (with `transactionalId`: serve with STATE_TOPIC, docs/STATE.md):
// the writes go into a Kafka transaction that stays open from one
// checkpoint to the next. A checkpoint marks its place in the write order
// (commitPoint(), called right after its batch is handed to the pipeline);
// when the sends reach the mark, the checkpoint's chunks, the consumer
// offsets it covers (sendOffsets) and the outputs before it are committed
// together, and the writes after it go into the next transaction (they wait
// meanwhile). A crash aborts the open transaction (the next producer with
// the id fences it), the restore goes back to the checkpoint's offsets, and
// the aborted outputs are written again: a read_committed reader sees each
// once. A failed send in a transaction cannot be retried alone (the
// transaction holds outputs of batches already settled): the sink reports
// it to onFatal and refuses further writes, and the restart restores.

import { CompressionTypes, Partitioners, type Message, type Producer, type TopicMessages, type TopicOffsets, type Transaction } from 'kafkajs';
import { FEATURE_NAMES, namesHash } from '../fraud/catalog.js';
import { StreamscoreError, UsageError } from '../core/errors.js';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.js';
import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import type { BatchOutput, Sink } from '../core/ports.js';
import { alertRecord, num, scoreRecord, valuesJson } from '../core/records.js';

export interface KafkaSinkTopics {
  scores: string | null;
  fraudAlerts: string | null;
  stockAlerts: string | null;
  features: string | null;
  deadLetters: string | null;
}

export const DEFAULT_OUTPUT_TOPICS: KafkaSinkTopics = {
  scores: 'streamscore.scores',
  fraudAlerts: 'streamscore.alerts.fraud',
  stockAlerts: 'streamscore.alerts.stock',
  features: 'streamscore.features',
  deadLetters: 'streamscore.deadletter',
};

export interface KafkaSinkOptions extends KafkaClientOptions {
  /** Output topic names; a topic set to null is not written. */
  topics?: Partial<KafkaSinkTopics>;
  /** Names of ScoredOutput.features, in order (default: host/fraud/catalog.ts). */
  featureNames?: readonly string[];
  /** How often the feature log's header record (the names) is written again, in ms (default 1 hour). */
  featureHeaderEveryMs?: number;
  /**
   * Batch compression (default none): gzip was level or slower in the full
   * benchmark runs, faster only at batches of 1,000 in interleaved ones, and
   * always took more CPU (bench/results/2026-11-25-to-12-07-benchmarks-log.md, "Sinks"); it shrinks the
   * messages 8 to 15 times, for where storage or bandwidth matter (or set
   * compression.type on the topics).
   */
  compression?: 'none' | 'gzip';
  /** Idempotent producer (default true). */
  idempotent?: boolean;
  /** Send attempts after the first before write() rejects (default 10, about two minutes of backoff). */
  retries?: number;
  /** Most message bytes per produce request; a larger batch is sent in several, in order (default 900,000: under the broker's 1 MiB message.max.bytes). */
  maxRequestBytes?: number;
  /** A dead letter's raw text is cut to this many characters (default 100,000) so one huge bad message cannot exceed the request limit. */
  maxRawChars?: number;
  /** Receives SINK_ERROR (sink "kafka") on a failed write. */
  instrumentation?: Instrumentation;
  /** Exactly once: write in transactions that commit with the checkpoints (commitPoint), under this transactional id. */
  transactionalId?: string;
  /** The consumer group whose offsets a checkpoint's transaction commits. */
  consumerGroupId?: string;
  /** Called once when a transaction fails: nothing more can be written exactly once until a restart restores. */
  onFatal?: (e: Error) => void;
}

/** What a checkpoint commits with the outputs before it: its chunks (sent by `send`) and the offsets it covers. */
export interface CommitWork {
  send: (txn: Transaction) => Promise<void>;
  /** Per topic, per partition, the next offset to read. */
  offsets: TopicOffsets[];
}

/** A checkpoint's place in the write order: fulfil() it once its bytes are ready; resolves once committed. */
export interface CommitPoint {
  fulfil(work: CommitWork): Promise<void>;
  /** The checkpoint failed: the outputs before it are committed alone. */
  cancel(reason: Error): void;
}

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;

/** A write waiting for its send: its messages (feature-log header not included), and how to settle it. */
interface Queued {
  commit?: undefined;
  topicMessages: TopicMessages[];
  logsFeatures: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}
/** A commit point in the queue. */
interface QueuedCommit {
  commit: Promise<CommitWork | null>;
  done: (e?: unknown) => void;
}

// Record overhead in a v2 record batch, bounded above (varints, headers count, attributes).
const RECORD_OVERHEAD = 32;

/** The Sink that produces each batch's outputs to Kafka. */
export class KafkaSink implements Sink {
  readonly name = 'kafka';
  readonly topics: KafkaSinkTopics;
  private readonly producer: Producer;
  /** The hash of the feature names that each feature record carries. */
  readonly featureSet: string;
  /** The feature log's header record: the names. */
  private readonly featureHeader: string;
  private readonly headerEveryMs: number;
  private headerAt = -Infinity;
  private readonly compression: CompressionTypes;
  private readonly maxRequestBytes: number;
  private readonly maxRawChars: number;
  private readonly instrumentation?: Instrumentation;
  private connecting: Promise<void> | null = null;
  private lastError: { at: number; message: string } | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Writes (and commit points) waiting for the send under way to end, in call order. */
  private queue: (Queued | QueuedCommit)[] = [];
  private readonly transactional: boolean;
  private readonly consumerGroupId: string | undefined;
  private readonly onFatal: (e: Error) => void;
  private txn: Transaction | null = null;
  private fatal: Error | null = null;
  private sending = false;
  private closed = false;

  constructor(options: KafkaSinkOptions) {
    this.topics = { ...DEFAULT_OUTPUT_TOPICS, ...options.topics };
    const names = options.featureNames ?? FEATURE_NAMES;
    this.featureSet = namesHash(names).toString(16).padStart(8, '0');
    this.featureHeader = JSON.stringify({ kind: 'header', featureSet: this.featureSet, featureNames: names });
    this.headerEveryMs = options.featureHeaderEveryMs ?? 3_600_000;
    this.compression = COMPRESSION[options.compression ?? 'none'];
    this.maxRequestBytes = options.maxRequestBytes ?? 900_000;
    this.maxRawChars = options.maxRawChars ?? 100_000;
    this.instrumentation = options.instrumentation;
    this.transactional = options.transactionalId !== undefined;
    this.consumerGroupId = options.consumerGroupId;
    this.onFatal = options.onFatal ?? (() => {});
    const idempotent = this.transactional || (options.idempotent ?? true);
    this.producer = createKafkaClient(options).producer({
      transactionalId: options.transactionalId,
      // Java's murmur2 partitioner: the same key lands where a Java producer would put it.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent,
      // Idempotence needs at most 5 in flight; kafkajs allows 1 per broker anyway.
      maxInFlightRequests: idempotent ? 1 : undefined,
      retry: { retries: options.retries ?? 10 },
    });
  }

  /** Connects the producer. Called by `serve` at start (write() connects too, if not yet). */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e: unknown) => {
      this.connecting = null;
      throw e;
    });
    return this.connecting;
  }

  /** Produces the batch's outputs; resolves once Kafka acknowledged all. Called by the pipeline once per batch. */
  write(out: BatchOutput): Promise<void> {
    if (this.closed) return Promise.reject(new StreamscoreError('the Kafka sink is closed', { code: 'SINK_CLOSED' }));
    if (this.fatal) return Promise.reject(this.fatal);
    const now = Date.now();
    const logsFeatures = this.topics.features !== null && (out.scores.length > 0 || (out.labels?.length ?? 0) > 0);
    let topicMessages: TopicMessages[];
    try {
      topicMessages = this.messages(out, now, false);
    } catch (e) {
      return Promise.reject(e);
    }
    if (topicMessages.length === 0) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.queue.push({ topicMessages, logsFeatures, resolve, reject }));
    this.pump();
    this.inFlight.add(p);
    const forget = () => this.inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /**
   * Marks a checkpoint's place after every write so far (exactly-once mode):
   * the outputs before it commit with it. Called right after its batch was
   * handed to the pipeline, before the next batch's write.
   */
  commitPoint(): CommitPoint {
    let settle!: (w: CommitWork | null) => void;
    const commit = new Promise<CommitWork | null>((r) => (settle = r));
    let done!: (e?: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => (done = (e?: unknown) => (e === undefined ? resolve() : reject(e))));
    committed.catch(() => {});
    this.queue.push({ commit, done });
    this.pump();
    return {
      fulfil: (work) => {
        settle(work);
        return committed;
      },
      cancel: () => settle(null),
    };
  }

  readiness(): { ok: boolean; detail?: string } {
    if (this.fatal) return { ok: false, detail: this.fatal.message };
    if (this.lastError === null) return { ok: true };
    return { ok: false, detail: `kafka writes failing since ${new Date(this.lastError.at).toISOString()}: ${this.lastError.message}` };
  }

  /** Waits for writes in flight, then disconnects. Called by `serve` on shutdown, after the source stopped. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    // A commit point still waiting for its checkpoint is given up after 30 s.
    for (const end = Date.now() + 30_000; (this.sending || this.queue.length > 0) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    // Outputs after the last checkpoint: committed without offsets (a restart replays them: at least once).
    if (this.txn !== null && this.fatal === null) await this.txn.commit().catch(() => {});
    await this.producer.disconnect();
  }

  /** The messages of one batch, per topic, with the feature log's header record first when `header` (public for the benchmark and tests). */
  messages(out: BatchOutput, scoredAt = Date.now(), header = false): TopicMessages[] {
    const t = this.topics;
    const result: TopicMessages[] = [];
    const add = (topic: string | null, messages: Message[]) => {
      if (topic !== null && topic !== '' && messages.length > 0) result.push({ topic, messages });
    };
    add(
      t.scores,
      out.scores.map((s) => ({
        key: s.userId,
        value: `${scoreRecord(s).slice(0, -1)},"scoredAt":${scoredAt}}`,
      })),
    );
    const fraud: Message[] = [];
    const stock: Message[] = [];
    for (const a of out.alerts) {
      if (a.topic === 'alerts.fraud') fraud.push({ key: a.userId, value: alertRecord(a) });
      else stock.push({ key: a.sku, value: alertRecord(a) });
    }
    add(t.fraudAlerts, fraud);
    add(t.stockAlerts, stock);
    if (t.features !== null) {
      const features: Message[] = header ? [{ key: `featureSet:${this.featureSet}`, value: this.featureHeader }] : [];
      for (const s of out.scores) {
        features.push({
          key: s.eventId,
          value:
            `{"kind":"features","eventId":${JSON.stringify(s.eventId)},"userId":${JSON.stringify(s.userId)},"ts":${num(s.ts)},` +
            `"fraudScore":${num(s.fraudScore)},"scoredAt":${scoredAt},"featureSet":"${this.featureSet}","features":${valuesJson(s.features)}}`,
        });
      }
      for (const l of out.labels ?? []) {
        features.push({ key: l.purchaseEventId, value: JSON.stringify({ kind: 'label', eventId: l.eventId, purchaseEventId: l.purchaseEventId, fraud: l.fraud, ts: l.ts }) });
      }
      add(t.features, features);
    }
    add(
      t.deadLetters,
      out.deadLetters.map((d) => {
        // The source's key, so a dead letter lands on the partition its event would have; raw null (a null value) stays null.
        const cut = d.raw !== null && d.raw.length > this.maxRawChars;
        const raw = cut ? d.raw!.slice(0, this.maxRawChars) : d.raw;
        return {
          key: d.key ?? null,
          value: JSON.stringify({ where: d.where, key: d.key, raw, reason: d.reason, field: d.field, ts: d.ts, ...(cut ? { rawLength: d.raw!.length } : {}) }),
        };
      }),
    );
    return result;
  }

  /** Starts a send of the queued writes up to a commit point (or the commit), unless one is under way (its end starts the next). */
  private pump(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const head = this.queue[0]!;
    let step: Promise<void>;
    if (head.commit !== undefined) {
      this.queue.shift();
      step = this.commit(head);
    } else {
      let n = 0;
      while (n < this.queue.length && this.queue[n]!.commit === undefined) n++;
      step = this.send(this.queue.splice(0, n) as Queued[]);
    }
    void step.finally(() => {
      this.sending = false;
      this.pump();
    });
  }

  // A checkpoint's commit: its chunks, the offsets it covers and the outputs sent before it, in one transaction.
  private async commit(point: QueuedCommit): Promise<void> {
    const work = await point.commit;
    if (this.fatal) return point.done(this.fatal);
    try {
      const txn = await this.transaction();
      if (work !== null) {
        await work.send(txn);
        if (work.offsets.length > 0) await txn.sendOffsets({ consumerGroupId: this.consumerGroupId!, topics: work.offsets });
      }
      await txn.commit();
      this.txn = null;
      point.done();
    } catch (e) {
      this.fail(e);
      point.done(this.fatal);
    }
  }

  private async transaction(): Promise<Transaction> {
    await this.connect();
    return (this.txn ??= await this.producer.transaction());
  }

  // A transaction that failed: its outputs are lost with it, so nothing more is written until a restart restores.
  private fail(e: unknown): void {
    if (this.fatal) return;
    const message = e instanceof Error ? e.message : String(e);
    this.fatal = new StreamscoreError(`kafka sink: a transaction failed (${message}); the outputs since the last checkpoint are aborted, and a restart restores it`, { code: 'KAFKA_TRANSACTION', retriable: false, cause: e });
    void this.txn?.abort().catch(() => {});
    this.txn = null;
    for (const q of this.queue.splice(0)) (q.commit === undefined ? q.reject : q.done)(this.fatal);
    this.onFatal(this.fatal);
  }

  /** Sends the queued writes' messages together, per topic in call order; settles each write. */
  private async send(group: Queued[]): Promise<void> {
    const now = Date.now();
    const header = group.some((q) => q.logsFeatures) && now - this.headerAt >= this.headerEveryMs;
    const byTopic = new Map<string, Message[]>();
    if (header) byTopic.set(this.topics.features!, [{ key: `featureSet:${this.featureSet}`, value: this.featureHeader }]);
    for (const q of group) {
      for (const { topic, messages } of q.topicMessages) {
        const list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, messages.slice());
        else for (const m of messages) list.push(m);
      }
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    if (this.fatal) {
      for (const q of group) q.reject(this.fatal);
      return;
    }
    try {
      await this.connect();
      const sender = this.transactional ? await this.transaction() : this.producer;
      for (const request of this.requests(topicMessages)) {
        await sender.sendBatch({ topicMessages: request, acks: -1, compression: this.compression });
      }
      if (header) this.headerAt = now;
      this.lastError = null;
    } catch (e) {
      if (this.transactional) {
        this.fail(e);
        for (const q of group) q.reject(this.fatal);
        return;
      }
      this.lastError = { at: Date.now(), message: e instanceof Error ? e.message : String(e) };
      this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'kafka', error: e });
      const error = new StreamscoreError(`kafka sink: ${this.lastError.message}`, { code: 'KAFKA_WRITE', retriable: true, cause: e });
      for (const q of group) q.reject(error);
      return;
    }
    for (const q of group) q.resolve();
  }

  /** Splits the batch into produce requests of at most maxRequestBytes, keeping each topic's messages in order. */
  private *requests(topicMessages: TopicMessages[]): Generator<TopicMessages[]> {
    let request: TopicMessages[] = [];
    let bytes = 0;
    for (const { topic, messages } of topicMessages) {
      let current: Message[] = [];
      request.push({ topic, messages: current });
      for (const m of messages) {
        const size = RECORD_OVERHEAD + byteLength(m.key) + byteLength(m.value);
        if (bytes + size > this.maxRequestBytes && bytes > 0) {
          yield request;
          current = [];
          request = [{ topic, messages: current }];
          bytes = 0;
        }
        current.push(m);
        bytes += size;
      }
    }
    request = request.filter((r) => r.messages.length > 0);
    if (request.length > 0) yield request;
  }
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** Creates the sink. Called once by `serve` in service mode. */
export function createKafkaSink(options: KafkaSinkOptions): KafkaSink {
  return new KafkaSink(options);
}
