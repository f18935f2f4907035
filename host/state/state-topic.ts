// Checkpoints in a Kafka topic (STATE_TOPIC, service mode): state that
// survives the loss of the machine and that another `serve` can read,
// without another kind of server. A checkpoint is the same bytes as a
// STATE_DIR file (host/state/checkpoint.ts), cut into chunks under the
// broker's message size, written in one Kafka transaction with a manifest:
//
//   key <name>/chunk/<i>   value: u32 seq, then the chunk's bytes
//   key <name>/manifest    value: JSON {seq, chunks, bytes, crc32 of each chunk}
//
// Chunks past the new count (left by a larger checkpoint before) get
// tombstones in the same transaction. The topic is compacted (created so if
// missing, one partition), so it keeps about the newest checkpoint per
// name. Reading is read_committed from the beginning to the end, the last
// value per key kept: a checkpoint whose transaction did not commit (the
// process died while writing it) is never seen, so the one before is read.
// A manifest whose chunks do not match (a CRC) is skipped as corrupt.
//
// With `outputs` (the Kafka sink in exactly-once mode) a checkpoint is not
// written in a transaction of its own but in the sink's, at the place
// mark() took in the write order, with the outputs before it and the
// consumer offsets of its position (host/serve/kafka-sink.ts).

import { crc32 } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer, TopicOffsets, Transaction } from 'kafkajs';
import type { CommitPoint } from '../serve/kafka-sink.js';
import { topicOffsets, type KafkaPosition } from '../serve/kafka-source.js';
import { createKafkaClient, type KafkaClientOptions } from '../serve/kafka-client.js';
import { CheckpointError, encodeCheckpoint, readCheckpoint, type Checkpoint } from './checkpoint.js';
import type { CheckpointStore, Loaded } from './state-dir.js';

export const DEFAULT_CHUNK_BYTES = 900_000;

export interface StateTopicOptions extends KafkaClientOptions {
  topic: string;
  /** Whose checkpoints: the keys' prefix (serve: the source's name). */
  name: string;
  /** Most bytes a chunk holds (default 900,000: under the broker's 1 MiB message.max.bytes). */
  chunkBytes?: number;
  /** Exactly once: commit each checkpoint with the outputs before it, in this sink's transactions. */
  outputs?: { commitPoint(): CommitPoint };
}

interface Mark {
  point: CommitPoint;
  offsets: TopicOffsets[];
  used: boolean;
}

interface Manifest {
  seq: number;
  chunks: number;
  bytes: number;
  crcs: number[];
}

export class StateTopic implements CheckpointStore {
  readonly where: string;
  /** Whole checkpoints only: the topic keeps the newest per key. */
  readonly deltas = false;
  private readonly kafka: Kafka;
  private topicReady = false;
  private producer: Producer | null = null;
  private readonly chunkBytes: number;
  private lastChunks = 0;
  private seq = 0;

  constructor(private readonly o: StateTopicOptions) {
    this.kafka = createKafkaClient(o);
    this.chunkBytes = o.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.where = `Kafka topic ${o.topic} (${o.name})`;
  }

  lastSeq(): number {
    return this.seq;
  }

  /** With the outputs' transactions: the checkpoint's place in them, and the offsets its position covers. */
  mark(position: unknown): Mark | undefined {
    if (this.o.outputs === undefined) return undefined;
    return { point: this.o.outputs.commitPoint(), offsets: topicOffsets(position as KafkaPosition), used: false };
  }

  abandon(token: unknown, reason: Error): void {
    const mark = token as Mark | undefined;
    if (mark && !mark.used) {
      mark.used = true;
      mark.point.cancel(reason);
    }
  }

  /** Writes a checkpoint in one transaction (its own, or the outputs' at its mark); returns its bytes. */
  async write(c: Checkpoint, token?: unknown): Promise<number> {
    const mark = token as Mark | undefined;
    if (mark) mark.used = true;
    let bytes: Buffer;
    try {
      bytes = Buffer.concat(await encodeCheckpoint(c, true));
    } catch (e) {
      mark?.point.cancel(e as Error);
      throw e;
    }
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.byteLength; at += this.chunkBytes) chunks.push(bytes.subarray(at, Math.min(bytes.byteLength, at + this.chunkBytes)));
    const seqBytes = Buffer.alloc(4);
    seqBytes.writeUInt32LE(c.seq >>> 0);
    const manifest: Manifest = { seq: c.seq, chunks: chunks.length, bytes: bytes.byteLength, crcs: chunks.map((b) => crc32(b)) };
    const send = async (txn: Transaction) => {
      // One chunk a request: the broker's limit is on a partition's record batch, not on each record.
      for (let i = 0; i < chunks.length; i++) {
        await txn.send({ topic: this.o.topic, acks: -1, messages: [{ key: this.key(`chunk/${i}`), value: Buffer.concat([seqBytes, chunks[i]!]) }] });
      }
      const stale = Array.from({ length: Math.max(0, this.lastChunks - chunks.length) }, (_, k) => ({ key: this.key(`chunk/${chunks.length + k}`), value: null }));
      await txn.send({ topic: this.o.topic, acks: -1, messages: [...stale, { key: this.key('manifest'), value: JSON.stringify(manifest) }] });
    };
    if (mark) {
      try {
        await this.ensureTopic();
      } catch (e) {
        mark.point.cancel(e as Error);
        throw e;
      }
      await mark.point.fulfil({ send, offsets: mark.offsets });
    } else {
      const txn = await (await this.transactional()).transaction();
      try {
        await send(txn);
        await txn.commit();
      } catch (e) {
        await txn.abort().catch(() => {});
        throw e;
      }
    }
    this.lastChunks = chunks.length;
    this.seq = c.seq;
    return bytes.byteLength;
  }

  /** The newest committed checkpoint, or null. A corrupt one is reported and null returned (the topic keeps one per name). */
  async read(expect: { build: string; catalogue: number }, onSkip: (where: string, e: CheckpointError) => void): Promise<Loaded | null> {
    const t0 = performance.now();
    const values = await this.readAll();
    const manifestText = values.get(this.key('manifest'));
    if (manifestText === undefined) return null;
    const m = JSON.parse(manifestText.toString('utf8')) as Manifest;
    this.seq = m.seq;
    this.lastChunks = Math.max(m.chunks, ...[...values.keys()].filter((k) => k.startsWith(this.key('chunk/'))).map((k) => Number(k.slice(this.key('chunk/').length)) + 1));
    const parts: Buffer[] = [];
    for (let i = 0; i < m.chunks; i++) {
      const v = values.get(this.key(`chunk/${i}`));
      if (v === undefined || v.readUInt32LE(0) !== m.seq >>> 0 || crc32(v.subarray(4)) !== m.crcs[i]) {
        onSkip(this.where, new CheckpointError('corrupt', `checkpoint ${m.seq}: chunk ${i} is missing or fails its CRC`));
        return null;
      }
      parts.push(v.subarray(4));
    }
    const bytes = Buffer.concat(parts);
    const checkpoint = readCheckpoint(bytes, expect, this.where, `the topic's checkpoints of ${this.o.name}`, onSkip);
    return checkpoint === null ? null : { checkpoint, file: `${this.where} checkpoint ${m.seq}`, bytes: bytes.byteLength, readMs: performance.now() - t0 };
  }

  /** Deletes this name's checkpoints (tombstones for its manifest and chunks). */
  async reset(): Promise<void> {
    const values = await this.readAll();
    const keys = [...values.keys()];
    if (keys.length === 0) return;
    const producer = await this.transactional();
    const txn = await producer.transaction();
    await txn.send({ topic: this.o.topic, acks: -1, messages: keys.map((key) => ({ key, value: null })) });
    await txn.commit();
    this.lastChunks = 0;
    this.seq = 0;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => {});
    this.producer = null;
  }

  private key(what: string): string {
    return `${this.o.name}/${what}`;
  }

  // The transactional producer (its id is the name's: a new one fences a dead process's open transaction).
  private async transactional(): Promise<Producer> {
    if (this.producer) return this.producer;
    await this.ensureTopic();
    const p = this.kafka.producer({ transactionalId: `streamscore-state:${this.o.name}`, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    this.producer = p;
    return p;
  }

  // A fresh admin client per use (a kafkajs admin is not reconnected after a disconnect).
  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  private async ensureTopic(): Promise<void> {
    if (this.topicReady) return;
    await this.withAdmin(async (admin) => {
      const have = await admin.listTopics();
      if (have.includes(this.o.topic)) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: this.o.topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: String(64 << 20) }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }] }],
      }).catch((e: Error) => {
        if (!/already exists/i.test(e.message)) throw e;
      });
    });
    this.topicReady = true;
  }

  // Every key's last committed value, read from the beginning to the end.
  private async readAll(): Promise<Map<string, Buffer>> {
    await this.ensureTopic();
    const high = await this.withAdmin(async (admin) => BigInt((await admin.fetchTopicOffsets(this.o.topic)).find((p) => p.partition === 0)?.high ?? '0'));
    const values = new Map<string, Buffer>();
    if (high === 0n) return values;
    const groupId = `streamscore-state-read-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, readUncommitted: false, maxBytesPerPartition: 16 << 20, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.o.topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const prefix = `${this.o.name}/`;
        // Read to the end: a batch's last offset counts its transaction markers too
        // (and a batch of markers alone is reported, not handed to eachBatch).
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (BigInt(payload.lastOffset) + 1n >= high) resolve();
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                const key = m.key?.toString('utf8');
                if (key === undefined || !key.startsWith(prefix)) continue;
                if (m.value === null) values.delete(key);
                else values.set(key, m.value);
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => {});
      await this.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => {});
    }
    return values;
  }
}
