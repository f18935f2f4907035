// A batch too big for one produce request (the broker takes at most 1 MiB
// per partition batch) is sent in several, in order: a user's scores and
// feature records arrive complete and in the order the batch had them.

import { expect, test } from 'vitest';
import type { Admin, Consumer } from 'kafkajs';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { createKafkaSink, type KafkaSink } from '../host/serve/kafka-sink.js';
import type { ScoredOutput } from '../host/core/ports.js';
import { adminForFile, brokers, createTopic, kafka, unique, until } from './helpers/kafka-topics.js';

const run = unique('sink-split');
const SCORES = 4000;

let sink: KafkaSink | undefined;
let consumer: Consumer | undefined;
const admin = adminForFile(() => [consumer, sink]);

test('4,000 scores of one user with their features (over 1 MiB a partition), sent in several requests, arrive in order', async () => {
  const topics = { scores: `${run}.scores`, features: `${run}.features`, fraudAlerts: null, stockAlerts: null, deadLetters: null };
  await createTopic(admin, topics.scores, 4);
  await createTopic(admin, topics.features, 4);
  // About 1.5 KB of features per purchase (long decimals): over 1 MiB on a partition of the features topic.
  sink = createKafkaSink({ brokers: brokers(), topics, logLevel: 'nothing' });
  const features = Float64Array.from(FEATURE_NAMES, (_, i) => i / 7);
  const scores: ScoredOutput[] = Array.from({ length: SCORES }, (_, i) => ({
    eventId: `p${i}`, userId: 'u1', fraudScore: i / SCORES, decision: 'allow', reasons: [], amount: 1, ts: i, features,
  }));
  const sent = sink.messages({ scores, alerts: [], deadLetters: [], recommendations: [], inventory: [] });
  const bytes = sent.flatMap((t) => t.messages).reduce((n, m) => n + Buffer.byteLength(m.value as string), 0);
  expect(bytes).toBeGreaterThan(6_000_000);
  await sink.write({ scores, alerts: [], deadLetters: [], recommendations: [], inventory: [] });

  const got = new Map<string, { partition: number; eventId: string }[]>();
  consumer = kafka().consumer({ groupId: unique('sink-split-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.scores, topics.features], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const value = JSON.parse(message.value!.toString());
      if (value.kind === 'header') return;
      got.set(topic, [...(got.get(topic) ?? []), { partition, eventId: value.eventId }]);
    },
  });
  await until('every message', () => (got.get(topics.scores)?.length ?? 0) + (got.get(topics.features)?.length ?? 0) >= 2 * SCORES);

  const s = got.get(topics.scores)!;
  expect(new Set(s.map((m) => m.partition)).size).toBe(1);
  expect(s.map((m) => m.eventId)).toEqual(scores.map((x) => x.eventId));
  // Features are keyed by eventId, so they spread; within each partition, batch order.
  const f = got.get(topics.features)!;
  expect(f).toHaveLength(SCORES);
  for (const p of new Set(f.map((m) => m.partition))) {
    const ids = f.filter((m) => m.partition === p).map((m) => Number(m.eventId.slice(1)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  }
});
