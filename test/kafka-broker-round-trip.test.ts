// The test broker is a real Kafka: a 4-partition topic takes 1,000 keyed
// messages and a consumer group reads every one back, each key's messages
// on one partition and in the order they were sent, with offsets committed.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { services } from './services/provided.js';

const MESSAGES = 1000;
const KEYS = 50;
const PARTITIONS = 4;

const run = randomBytes(4).toString('hex');
const topic = `round-trip-${run}`;
const groupId = `round-trip-${run}`;
const kafka = new Kafka({ clientId: 'round-trip-test', brokers: services().kafkaBrokers, logLevel: logLevel.ERROR });

let admin: Admin;
let producer: Producer;
let consumer: Consumer;

beforeAll(async () => {
  admin = kafka.admin();
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  consumer = kafka.consumer({ groupId });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
});

afterAll(async () => {
  await Promise.all([consumer?.disconnect(), producer?.disconnect(), admin?.disconnect()]);
});

test('1,000 keyed messages come back through a consumer group, in order per key', async () => {
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true })).toBe(true);
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  expect(meta?.partitions).toHaveLength(PARTITIONS);

  // Ten requests of 100, so order across requests is tested too.
  for (let batch = 0; batch < 10; batch++) {
    const messages = Array.from({ length: MESSAGES / 10 }, (_, j) => {
      const seq = batch * (MESSAGES / 10) + j;
      return { key: `user-${seq % KEYS}`, value: JSON.stringify({ seq }) };
    });
    await producer.send({ topic, acks: -1, messages });
  }

  const received: { key: string; seq: number; partition: number }[] = [];
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received.push({ key: message.key!.toString(), seq: JSON.parse(message.value!.toString()).seq, partition });
      if (received.length === MESSAGES) resolveAll();
    },
  });
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`got ${received.length} of ${MESSAGES}`)), 30_000))]);
  await consumer.stop();

  expect(received).toHaveLength(MESSAGES);
  expect(new Set(received.map((m) => m.seq)).size).toBe(MESSAGES);
  const byKey = new Map<string, typeof received>();
  for (const m of received) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  expect(byKey.size).toBe(KEYS);
  for (const [key, ms] of byKey) {
    expect(new Set(ms.map((m) => m.partition)).size, `${key} on one partition`).toBe(1);
    const seqs = ms.map((m) => m.seq);
    expect(seqs, `${key} in send order`).toEqual([...seqs].sort((a, b) => a - b));
  }
  // The keys hash onto every partition, so this was a 4-way parallel read.
  expect(new Set(received.map((m) => m.partition)).size).toBe(PARTITIONS);

  // The group committed its position: every partition up to its end.
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  for (const end of ends) {
    const c = committed?.partitions.find((p) => p.partition === end.partition);
    expect(c?.offset, `partition ${end.partition}`).toBe(end.high);
  }
});
