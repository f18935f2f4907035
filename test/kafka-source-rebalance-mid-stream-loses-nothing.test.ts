// Rebalance safety: a second consumer joins the group while the first is in
// the middle of a backlog. The first stops between slices, commits what it
// finished and gives partitions up; the second takes them over from the
// committed offsets. Between the two every message is handled, each
// partition's messages reach each consumer in order, and the two never hold
// one partition at the same time.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { adminForFile, brokers, createTopic, ends, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const topic = unique('source-rebalance');
const groupId = unique('source-rebalance');
const MESSAGES = 6000;

const sources: KafkaSource[] = [];
const admin = adminForFile(() => [...sources]);

test('a consumer joining mid-stream takes partitions over without a loss', async () => {
  await createTopic(admin, topic, 4);
  await produceKeyed(topic, MESSAGES, 80);
  const end = await ends(admin, topic);

  // Per consumer: the offsets it handled per partition, in order; and who holds what when.
  const seen = [new Map<number, number[]>(), new Map<number, number[]>()];
  const holding = new Map<number, number>(); // partition -> consumer in onBatch for it
  const clashes: string[] = [];
  const start = (who: 0 | 1) => {
    const source = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, fromBeginning: true, maxBatchMessages: 25, heartbeatInterval: 300, logLevel: 'error' });
    sources.push(source);
    return source.run(async (messages) => {
      const { partition } = parseWhere(messages[0]!.where);
      const other = holding.get(partition);
      if (other !== undefined && other !== who) clashes.push(`partition ${partition} held by ${other} and ${who}`);
      holding.set(partition, who);
      const list = seen[who]!.get(partition) ?? [];
      for (const m of messages) list.push(parseWhere(m.where).offset);
      seen[who]!.set(partition, list);
      await new Promise((r) => setTimeout(r, 30)); // slow enough to be mid-backlog at the join, even on loaded cores
      holding.delete(partition);
    });
  };

  const first = start(0);
  await until('the first consumer is under way', () => [...seen[0]!.values()].reduce((n, l) => n + l.length, 0) >= 300);
  const second = start(1);
  const handled = (p: number) => new Set([...(seen[0]!.get(p) ?? []), ...(seen[1]!.get(p) ?? [])]);
  await until('every offset handled by one or the other', () => [...end].every(([p, high]) => handled(p).size === high), 90_000);
  await Promise.all(sources.map((s) => s.stop()));
  await Promise.all([first, second]);

  expect(clashes).toEqual([]);
  expect(seen[1]!.size, 'the second consumer got partitions').toBeGreaterThan(0);
  for (const [p, high] of end) expect(handled(p).size, `partition ${p}`).toBe(high);
  for (const who of [0, 1]) {
    for (const [p, offsets] of seen[who]!) {
      // In order within each consumer; a re-delivery restarts at a committed offset, never skipping.
      for (let i = 1; i < offsets.length; i++) {
        expect(offsets[i]! === offsets[i - 1]! + 1 || offsets[i]! <= offsets[i - 1]!, `consumer ${who} partition ${p} at ${i}`).toBe(true);
      }
    }
  }
});
