// `replay --to kafka` into the real test broker: every event arrives, keyed
// by its user (a label by the user of its purchase; sales and stock by sku),
// each key on one partition, and each partition in replay order.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Event } from '../host/core/schema.js';
import { runCli } from './helpers/cli.js';
import { fraudCsv } from './helpers/fraud-data.js';
import { services } from './services/provided.js';

const { kafkaBrokers } = services();
const dir = mkdtempSync(join(tmpdir(), 'ss-replay-kafka-'));
const run = randomBytes(4).toString('hex');
const kafka = new Kafka({ clientId: 'replay-test', brokers: kafkaBrokers, logLevel: logLevel.ERROR });
const consumers: Consumer[] = [];

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
});

/** Reads n messages of a topic from the beginning. */
async function readTopic(topic: string, n: number) {
  const consumer = kafka.consumer({ groupId: `replay-test-${topic}` });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: { key: string; event: Event; partition: number; offset: number }[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) got.push({ key: m.key!.toString(), event: JSON.parse(m.value!.toString()), partition: batch.partition, offset: Number(m.offset) });
      if (got.length >= n) done();
    },
  });
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`read ${got.length} of ${n}`)), 30_000))]);
  await consumer.stop();
  return got;
}

function replayTo(topic: string, args: string[]) {
  const env = { ...process.env, KAFKA_BROKERS: kafkaBrokers.join(',') };
  const saved = process.env.KAFKA_BROKERS;
  process.env.KAFKA_BROKERS = env.KAFKA_BROKERS;
  try {
    return runCli(['replay', ...args, '--to', 'kafka', '--topic', topic]);
  } finally {
    process.env.KAFKA_BROKERS = saved;
  }
}

test('a Fraud_Data replay arrives complete, keyed by user, each partition in replay order', async () => {
  const data = join(dir, 'fraud.csv');
  writeFileSync(data, fraudCsv(9, 2000));
  const want = runCli(['replay', '--source', 'fraud-ecommerce', '--file', data]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
  const topic = `replay-fraud-${run}`;
  const r = replayTo(topic, ['--source', 'fraud-ecommerce', '--file', data, '--in-flight', '4']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/replay: 6,000 events .* to kafka topic replay-fraud-\w+ \(acks 1\)/);

  const got = await readTopic(topic, want.length);
  expect(got).toHaveLength(want.length);
  expect(new Set(got.map((m) => m.event.eventId))).toEqual(new Set(want.map((e) => e.eventId)));

  const user = new Map<string, string>();
  for (const e of want) if (e.type === 'purchase') user.set(e.eventId, e.userId);
  for (const m of got) {
    const e = m.event;
    expect(m.key).toBe(e.type === 'label' ? user.get(e.purchaseEventId) : (e as { userId: string }).userId);
  }
  const partitionOf = new Map<string, number>();
  for (const m of got) {
    if ((partitionOf.get(m.key) ?? m.partition) !== m.partition) expect.fail(`key ${m.key} on two partitions`);
    partitionOf.set(m.key, m.partition);
  }
  expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1);
  const position = new Map(want.map((e, k) => [e.eventId, k]));
  const byPartition = new Map<number, typeof got>();
  for (const m of got) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
  for (const [p, ms] of byPartition) {
    const order = ms.sort((a, b) => a.offset - b.offset).map((m) => position.get(m.event.eventId)!);
    for (let k = 1; k < order.length; k++) if (order[k]! < order[k - 1]!) expect.fail(`partition ${p}: event ${order[k]} after ${order[k - 1]}`);
  }
});

test('sales and stock are keyed by sku; the simulator source feeds Kafka too', async () => {
  const topic = `replay-sim-${run}`;
  const r = replayTo(topic, ['--source', 'simulate', '--events', '5000', '--seed', '3']);
  expect(r.code, r.stderr).toBe(0);
  const got = await readTopic(topic, 5000);
  expect(got).toHaveLength(5000);
  for (const m of got) {
    const e = m.event;
    if (e.type === 'sale' || e.type === 'stock') expect(m.key).toBe(e.sku);
    else if (e.type !== 'label') expect(m.key).toBe(e.userId);
  }
});

test('without KAFKA_BROKERS, --to kafka is a usage error', () => {
  const saved = process.env.KAFKA_BROKERS;
  delete process.env.KAFKA_BROKERS;
  try {
    const r = runCli(['replay', '--source', 'simulate', '--events', '10', '--to', 'kafka']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs KAFKA_BROKERS/);
  } finally {
    process.env.KAFKA_BROKERS = saved;
  }
});
