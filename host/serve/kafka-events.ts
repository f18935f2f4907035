// Writes events to a Kafka topic as fast as kafkajs can while keeping each
// partition in order: values serialised once by the caller, each message's
// partition computed here with Kafka's own key hash (host/serve/murmur2.ts),
// and the partitions dealt into `inFlight` lanes (partition p -> lane
// p mod lanes). A lane sends one produce request at a time, of up to
// batchMessages messages; the lanes' requests are in flight together.
//
// Why lanes: kafkajs encodes a request asynchronously before it reaches the
// socket, so of two send() calls in flight the later can be written first.
// Requests in flight never share a partition here, so that cannot reorder a
// partition; and a request kafkajs retries is still its partition's only one,
// so the order holds through retries as well.
//
// acks=1 by default: the leader has the batch before it counts as sent. A
// replay can be run again from its file, so waiting for every replica
// (acks=-1) buys little here and costs a round of replication per request;
// pass acks -1 for a topic whose durability matters.

import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { StreamscoreError } from '../core/errors.js';
import { partitionOf } from './murmur2.js';

export interface KafkaEventsOptions {
  brokers: string[];
  topic: string;
  clientId?: string;
  /** Produce requests in flight at once, at most (default 4; no more than the topic's partitions). */
  inFlight?: number;
  /** Messages per request, at most (default 512 per partition of a lane, at most 4096: kafkajs' cost per message grows with the messages per partition in a request). */
  batchMessages?: number;
  /** Bytes per request, at most (default 512 KiB: under the broker's 1 MiB record batch limit). */
  batchBytes?: number;
  acks?: 1 | -1;
  /** gzip each request (default off; kafkajs has no lz4 here). */
  gzip?: boolean;
}

interface Lane {
  messages: Message[];
  bytes: number;
  /** The request in flight, if any. */
  busy: Promise<void> | null;
}

/** The events writer of `replay --to kafka`. */
export class KafkaEventWriter {
  /** Messages acknowledged by the broker. */
  acked = 0;
  private readonly lanes: Lane[];
  private failure: unknown = null;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    /** The topic's partition count. */
    readonly partitions: number,
    inFlight: number,
    private readonly batchMessages: number,
    private readonly batchBytes: number,
    private readonly acks: 1 | -1,
    private readonly compression: CompressionTypes,
  ) {
    this.lanes = Array.from({ length: inFlight }, () => ({ messages: [], bytes: 0, busy: null }));
  }

  /** Connects, creates the topic if it is missing, and learns its partitions. */
  static async open(o: KafkaEventsOptions): Promise<KafkaEventWriter> {
    const kafka = new Kafka({ clientId: o.clientId ?? 'streamscore-replay', brokers: o.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 5000 });
    // Messages carry their partition; this partitioner only reads it back.
    const producer = kafka.producer({ createPartitioner: () => ({ message }) => message.partition!, allowAutoTopicCreation: true });
    let partitions = 0;
    try {
      const admin = kafka.admin();
      await admin.connect();
      try {
        // false when it exists; an error when we may not create topics (the broker may still auto-create it).
        await admin.createTopics({ topics: [{ topic: o.topic }], waitForLeaders: true }).catch(() => false);
        const meta = await admin.fetchTopicMetadata({ topics: [o.topic] });
        partitions = meta.topics[0]?.partitions.length ?? 0;
      } finally {
        await admin.disconnect();
      }
      if (partitions === 0) throw new Error(`topic ${o.topic} has no partitions`);
      await producer.connect();
    } catch (e) {
      await producer.disconnect().catch(() => {});
      throw kafkaError(`cannot reach Kafka at ${o.brokers.join(',')} (topic ${o.topic})`, e);
    }
    const inFlight = Math.max(1, Math.min(o.inFlight ?? 4, partitions));
    const batch = o.batchMessages ?? Math.min(4096, 512 * Math.ceil(partitions / inFlight));
    return new KafkaEventWriter(
      producer, o.topic, partitions, inFlight, batch, o.batchBytes ?? 512 * 1024,
      o.acks ?? 1, o.gzip ? CompressionTypes.GZIP : CompressionTypes.None,
    );
  }

  /**
   * Queues messages; resolves once there is room for more. A full lane whose
   * request is still in flight keeps filling up to twice its batch (so
   * writing goes on meanwhile), and only then waits for it.
   */
  async write(keys: readonly string[], values: readonly string[]): Promise<void> {
    const lanes = this.lanes;
    for (let i = 0; i < values.length; i++) {
      const key = keys[i]!;
      const value = values[i]!;
      const partition = partitionOf(key, this.partitions);
      const lane = lanes[partition % lanes.length]!;
      lane.messages.push({ key, value, partition });
      lane.bytes += size(key, value);
      if (lane.messages.length < this.batchMessages && lane.bytes < this.batchBytes) continue;
      if (lane.busy === null) this.dispatch(lane);
      else if (lane.messages.length >= 2 * this.batchMessages || lane.bytes >= 2 * this.batchBytes) {
        await lane.busy;
        this.dispatch(lane);
      }
    }
  }

  /** Sends what is queued and waits for every request to be acknowledged. */
  async flush(): Promise<void> {
    await Promise.all(
      this.lanes.map(async (lane) => {
        while (lane.messages.length > 0 || lane.busy) {
          if (lane.busy) await lane.busy;
          if (lane.messages.length > 0) this.dispatch(lane);
        }
      }),
    );
    this.check();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.producer.disconnect().catch(() => {});
    }
  }

  /** Sends up to one batch of an idle lane's messages as one request. */
  private dispatch(lane: Lane): void {
    this.check();
    let n = 0;
    let bytes = 0;
    const all = lane.messages;
    while (n < all.length && n < this.batchMessages && bytes < this.batchBytes) bytes += size(all[n]!.key as string, all[n]!.value as string), n++;
    const messages = n === all.length ? all : all.slice(0, n);
    lane.messages = n === all.length ? [] : all.slice(n);
    lane.bytes -= bytes;
    const p: Promise<void> = this.producer
      .send({ topic: this.topic, acks: this.acks, compression: this.compression, messages })
      .then(
        () => {
          this.acked += n;
        },
        (e: unknown) => {
          this.failure ??= e;
        },
      )
      .finally(() => {
        if (lane.busy === p) lane.busy = null;
      });
    lane.busy = p;
  }

  private check(): void {
    if (this.failure !== null) throw kafkaError(`producing to ${this.topic} failed`, this.failure);
  }
}

/** A message's share of a request, about: its bytes when ASCII (events mostly are), plus record overhead. */
function size(key: string, value: string): number {
  return key.length + value.length + 24;
}

function kafkaError(what: string, cause: unknown): StreamscoreError {
  const retriable = (cause as { retriable?: boolean })?.retriable === true;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new StreamscoreError(`${what}: ${why}`, { code: 'KAFKA', retriable, cause });
}
