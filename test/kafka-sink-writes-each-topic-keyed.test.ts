// The Kafka sink's write() resolves once every output is on its topic: scores
// and fraud alerts keyed by userId, stock alerts by SKU, the feature log by
// the purchase's eventId (values in catalogue order, missing ones null, the
// names once in a header record; labels keyed by the purchase they label, so
// they share its partition), dead letters as they came. Each message reads
// back as documented in host/serve/kafka-sink.ts.

import { expect, test } from 'vitest';
import type { Admin, Consumer } from 'kafkajs';
import { namesHash } from '../host/fraud/catalog.js';
import { createKafkaSink, type KafkaSink, type KafkaSinkTopics } from '../host/serve/kafka-sink.js';
import type { BatchOutput, FraudAlert, ScoredOutput, StockAlert } from '../host/core/ports.js';
import { adminForFile, brokers, createTopic, kafka, unique, until } from './helpers/kafka-topics.js';

const run = unique('sink');
const topics: KafkaSinkTopics = {
  scores: `${run}.scores`,
  fraudAlerts: `${run}.alerts.fraud`,
  stockAlerts: `${run}.alerts.stock`,
  features: `${run}.features`,
  deadLetters: `${run}.deadletter`,
};

let sink: KafkaSink | undefined;
let consumer: Consumer | undefined;
const admin = adminForFile(() => [consumer, sink]);

const scored = (eventId: string, userId: string, fraudScore: number): ScoredOutput => ({
  eventId,
  userId,
  fraudScore,
  decision: fraudScore >= 0.9 ? 'block' : fraudScore >= 0.5 ? 'review' : 'allow',
  reasons: [{ feature: 'f_b', contribution: 0.75, text: 'b is high' }],
  amount: 99.5,
  ts: 1_767_225_600_000,
  features: new Float64Array([1.5, NaN, -2]),
});

test('every output lands on its topic with its key', async () => {
  for (const t of Object.values(topics)) await createTopic(admin, t!, 4);
  sink = createKafkaSink({ brokers: brokers(), topics, featureNames: ['f_a', 'f_b', 'f_c'], logLevel: 'nothing' });
  await sink.connect();

  const fraud: FraudAlert = { topic: 'alerts.fraud', ts: 1_767_225_600_000, eventId: 'p2', userId: 'u2', amount: 99.5, fraudScore: 0.95, decision: 'block', reasons: [] };
  const stock: StockAlert = { topic: 'alerts.stock', ts: 1_767_225_600_000, sku: 'SKU-7', level: 2, reason: 'runout in 3 days', runoutDate: '2026-01-04' };
  const out: BatchOutput = {
    scores: [scored('p1', 'u1', 0.1), scored('p2', 'u2', 0.95), scored('p3', 'u1', 0.6)],
    alerts: [fraud, stock],
    deadLetters: [{ where: 'streamscore.events[1]@5', raw: '{"type":"nope"}', reason: 'type: unknown event type', field: 'type', ts: 5 }],
    recommendations: [],
    inventory: [],
    labels: [{ eventId: 'l1', purchaseEventId: 'p2', fraud: true, ts: 1_767_312_000_000 }],
  };
  const before = Date.now();
  await sink.write(out);
  // A second write within the hour: no second header record.
  await sink.write({ scores: [scored('p4', 'u4', 0.2)], alerts: [], deadLetters: [], recommendations: [], inventory: [] });
  expect(sink.readiness()).toEqual({ ok: true });

  // Everything is there by the time write() resolved: read it all back.
  const got = new Map<string, { key: string | null; partition: number; value: Record<string, unknown> }[]>();
  consumer = kafka().consumer({ groupId: unique('sink-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: Object.values(topics) as string[], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      got.set(topic, [...(got.get(topic) ?? []), { key: message.key?.toString() ?? null, partition, value: JSON.parse(message.value!.toString()) }]);
    },
  });
  // 4 scores, a fraud and a stock alert, 6 feature-log records (a header, four purchases, a label), a dead letter.
  await until('all 13 messages', () => [...got.values()].reduce((n, l) => n + l.length, 0) >= 13);

  const scores = got.get(topics.scores!)!.sort((x, y) => String(x.value.eventId).localeCompare(String(y.value.eventId)));
  expect(scores.map((m) => m.key)).toEqual(['u1', 'u2', 'u1', 'u4']);
  expect(scores[0]!.value).toEqual({
    eventId: 'p1',
    userId: 'u1',
    amount: 99.5,
    fraudScore: 0.1,
    decision: 'allow',
    reasons: [{ feature: 'f_b', contribution: 0.75, text: 'b is high' }],
    ts: 1_767_225_600_000,
    scoredAt: expect.any(Number),
  });
  expect(scores[0]!.value.scoredAt as number).toBeGreaterThanOrEqual(before);
  expect(scores[0]!.partition).toBe(scores[2]!.partition); // one user, one partition

  expect(got.get(topics.fraudAlerts!)!.map((m) => [m.key, m.value])).toEqual([['u2', fraud]]);
  expect(got.get(topics.stockAlerts!)!.map((m) => [m.key, m.value])).toEqual([['SKU-7', stock]]);

  const features = got.get(topics.features!)!;
  const featureSet = namesHash(['f_a', 'f_b', 'f_c']).toString(16).padStart(8, '0');
  expect(sink.featureSet).toBe(featureSet);
  const headers = features.filter((m) => m.value.kind === 'header');
  expect(headers.map((m) => [m.key, m.value])).toEqual([[`featureSet:${featureSet}`, { kind: 'header', featureSet, featureNames: ['f_a', 'f_b', 'f_c'] }]]);
  const p2 = features.find((m) => m.value.kind === 'features' && m.value.eventId === 'p2')!;
  expect(p2.key).toBe('p2');
  expect(p2.value).toEqual({ kind: 'features', eventId: 'p2', userId: 'u2', ts: 1_767_225_600_000, fraudScore: 0.95, scoredAt: expect.any(Number), featureSet, features: [1.5, null, -2] });
  const label = features.find((m) => m.value.kind === 'label')!;
  expect(label.key).toBe('p2');
  expect(label.value).toEqual({ kind: 'label', eventId: 'l1', purchaseEventId: 'p2', fraud: true, ts: 1_767_312_000_000 });
  expect(label.partition).toBe(p2.partition);
  expect(features).toHaveLength(6); // a header, four purchases, a label

  expect(got.get(topics.deadLetters!)!.map((m) => [m.key, m.value])).toEqual([
    [null, { where: 'streamscore.events[1]@5', raw: '{"type":"nope"}', reason: 'type: unknown event type', field: 'type', ts: 5 }],
  ]);
});
