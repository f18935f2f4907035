// Kafka helpers of the source and sink tests: a fresh topic per test, keyed
// messages produced into it, where-strings parsed back, committed offsets.

import type { Event } from '../../host/core/schema.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { Kafka, Partitioners, logLevel, type Admin } from 'kafkajs';
import { services } from '../services/provided.js';

export const brokers = (): string[] => services().kafkaBrokers;

export function kafka(): Kafka {
  return new Kafka({ clientId: 'streamscore-test', brokers: brokers(), logLevel: logLevel.ERROR });
}

/** What a test file leaves open: a source (stop), a consumer (disconnect) or a sink (close). */
export type Closable = { stop(): Promise<unknown> } | { disconnect(): Promise<unknown> } | { close(): Promise<unknown> };

/**
 * The admin client of a test file: connected before its tests; after them,
 * what `open()` returns then (the file's sources, consumers and sinks; stopping
 * one twice is harmless) is closed, then the admin. Called at module level.
 */
export function adminForFile(open: () => (Closable | undefined)[] = () => []): Admin {
  const admin = kafka().admin();
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await Promise.all(open().map((c) => (c === undefined ? undefined : 'stop' in c ? c.stop() : 'disconnect' in c ? c.disconnect() : c.close())));
    await admin.disconnect();
  });
  return admin;
}

/** A name no other test or run uses. */
export function unique(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates `topic` with `partitions` partitions and waits until every
 * partition's leader answers for it: waitForLeaders only reads the metadata,
 * and on a busy machine a produce right after it could still meet "This
 * server does not host this topic-partition".
 */
export async function createTopic(admin: Admin, topic: string, partitions = 4): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await until(`topic ${topic} served by its leaders`, async () => {
    try {
      return (await admin.fetchTopicOffsets(topic)).length === partitions;
    } catch {
      return false;
    }
  });
}

/** Produces `count` messages {seq} keyed `user-<seq % keys>`, acks=-1, in requests of 500. */
export async function produceKeyed(topic: string, count: number, keys: number, firstSeq = 0): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < count; start += 500) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + 500); i++) {
        const seq = firstSeq + i;
        messages.push({ key: `user-${seq % keys}`, value: JSON.stringify({ seq }) });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Produces events as JSON, `per` to a request, keyed by user (an event without one by its eventId), acks=-1. */
export async function produceEvents(topic: string, events: readonly Event[], per = 1000): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += per) {
      await producer.send({ topic, acks: -1, messages: events.slice(i, i + per).map((e) => ({ key: 'userId' in e ? String(e.userId) : e.eventId, value: JSON.stringify(e) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** "topic[2]@17" to its parts. */
export function parseWhere(where: string): { topic: string; partition: number; offset: number } {
  const m = /^(.*)\[(\d+)\]@(\d+)$/.exec(where);
  if (!m) throw new Error(`not a Kafka where: ${where}`);
  return { topic: m[1]!, partition: Number(m[2]), offset: Number(m[3]) };
}

/** The group's committed offset per partition (-1 for none). */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** The end offset (high watermark) per partition. */
export async function ends(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Polls until `ok` or the deadline. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
