// A backlog read through real Kafka: one partition's events are three hours
// (of event time) ahead of the other's, as when a consumer group works
// through an outage and the partitions' batches come one after the other.
// The source merges the partitions in event-time order, so no event is late
// and every user's purchases count the ones before it
// (streamscore_events_late_total stays 0). Taken partition by partition with
// one watermark, the partition read second would be late.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { adminForFile, brokers, createTopic, kafka, unique, until } from './helpers/kafka-topics.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

const topic = unique('backlog-apart');
const groupId = unique('backlog-apart');
const PER_PARTITION = 400;
const USERS = 8;
const T0 = Date.UTC(2024, 4, 1);
const HOUR = 3_600_000;

let source: KafkaSource | undefined;
const admin = adminForFile(() => [source]);

test('partitions hours apart in event time are each on time', async () => {
  await createTopic(admin, topic, 2);
  const producer = kafka().producer();
  await producer.connect();
  for (const partition of [0, 1]) {
    const messages = Array.from({ length: PER_PARTITION }, (_, i) => {
      const userId = `p${partition}-u${i % USERS}`;
      const ts = T0 + (partition === 0 ? 3 * HOUR : 0) + i * 1000;
      return { key: userId, value: JSON.stringify({ eventId: `p${partition}-${i}`, type: 'purchase', ts, userId, deviceId: `d-${userId}`, amount: 20 }), partition };
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();

  const { pipeline, scores, instrumentation, metrics } = capturedPipeline();
  source = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, fromBeginning: true, maxBatchMessages: 50, logLevel: 'error', instrumentation });
  const running = source.run((batch) => pipeline.handle(batch));
  await until(`${2 * PER_PARTITION} scores`, () => scores.length >= 2 * PER_PARTITION);
  await source.stop();
  await running;

  expect(await metrics.registry.getSingleMetricAsString('streamscore_events_late_total')).toMatch(/streamscore_events_late_total 0$/m);
  const total = FEATURE_NAMES.indexOf('user_purchases_total');
  const seen = new Map<string, number>();
  const wrong: string[] = [];
  for (const s of scores) {
    const before = seen.get(s.userId) ?? 0;
    if (s.features[total] !== before) wrong.push(`${s.eventId}: ${s.features[total]} purchases before it, expected ${before}`);
    seen.set(s.userId, before + 1);
  }
  expect(wrong).toEqual([]);
  expect(seen.size).toBe(2 * USERS);
  metrics.close();
});
