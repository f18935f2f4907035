// Scale-out: two Kafka sources (two `serve` processes) in one consumer group
// split the four partitions between them, two each: every message goes to
// exactly one of them, each key always to the same one.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { adminForFile, brokers, createTopic, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const topic = unique('source-split');
const groupId = unique('source-split');
const MESSAGES = 1200;

const sources: KafkaSource[] = [];
const admin = adminForFile(() => [...sources]);

test('two consumers in one group take two partitions each and see each message once', async () => {
  await createTopic(admin, topic, 4);
  const got = [new Map<string, { partition: number; key: string }>(), new Map<string, { partition: number; key: string }>()];
  const runs = got.map((seen) => {
    const source = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, fromBeginning: true, logLevel: 'error' });
    sources.push(source);
    return source.run(async (messages) => {
      for (const m of messages) seen.set(m.value!, { partition: parseWhere(m.where).partition, key: m.key! });
    });
  });

  // Produce only once the group is stable with both members, so no rebalance splits the stream.
  await until('a stable group of two', async () => {
    const [g] = (await admin.describeGroups([groupId])).groups;
    return g?.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.memberAssignment.length > 0);
  }, 60_000);
  await produceKeyed(topic, MESSAGES, 60);
  await until(`${MESSAGES} messages between the two`, () => got[0]!.size + got[1]!.size >= MESSAGES);
  await Promise.all(sources.map((s) => s.stop()));
  await Promise.all(runs);

  const [a, b] = got.map((seen) => new Set([...seen.values()].map((v) => v.partition)));
  expect(a!.size).toBe(2);
  expect(b!.size).toBe(2);
  expect([...a!, ...b!].sort()).toEqual([0, 1, 2, 3]);

  const both = [...got[0]!.keys()].filter((v) => got[1]!.has(v));
  expect(both).toEqual([]);
  expect(got[0]!.size + got[1]!.size).toBe(MESSAGES);
  const keysA = new Set([...got[0]!.values()].map((v) => v.key));
  expect([...got[1]!.values()].filter((v) => keysA.has(v.key))).toEqual([]);
});
