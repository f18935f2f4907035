// The Kafka source hands over every message of a 4-partition topic once, each
// partition in offset order (so each key in send order), one onBatch at a
// time, and commits a slice only after its onBatch resolved: while a slice is
// being handled the group's committed offset never passes its first message.
// At the end every partition is committed to its end and the last lag
// reported is 0. readiness() is ok once the consumer is in its group. Slices
// mix partitions (the event-time merge).

import { expect, test } from 'vitest';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import type { SourceMessage } from '../host/core/ports.js';
import { adminForFile, brokers, committed, createTopic, ends, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const MESSAGES = 2000;
const KEYS = 50;
const topic = unique('source-order');
const groupId = unique('source-order');

let source: KafkaSource | undefined;
const admin = adminForFile(() => [source]);

test('every message once, each partition in order, committed only after onBatch resolved', async () => {
  await createTopic(admin, topic, 4);
  await produceKeyed(topic, MESSAGES, KEYS);

  const instrumentation = createInstrumentation();
  const lastLag = new Map<number, number>();
  instrumentation.on('consumer.lag', (p) => {
    expect(p.topic).toBe(topic);
    lastLag.set(p.partition, p.lag);
  });
  source = createKafkaSource({
    brokers: brokers(),
    topics: [topic],
    groupId,
    fromBeginning: true,
    maxBatchMessages: 100,
    logLevel: 'error',
    instrumentation,
  });

  expect(source.readiness()).toEqual({ ok: false, detail: 'kafka consumer not in its group yet' });
  const received: (SourceMessage & { partition: number; offset: number })[] = [];
  const overlaps: string[] = [];
  const earlyCommits: string[] = [];
  let inside = false;
  let checked = 0;
  const running = source.run(async (messages) => {
    if (inside) overlaps.push(messages[0]!.where);
    inside = true;
    try {
      const firsts = new Map<number, number>();
      for (const m of messages) {
        const w = parseWhere(m.where);
        received.push({ ...m, ...w });
        if (!firsts.has(w.partition)) firsts.set(w.partition, w.offset);
      }
      // While this slice is in hand, none of its offsets may be committed.
      if (checked++ < 8) {
        await new Promise((r) => setTimeout(r, 30));
        const c = await committed(admin, groupId, topic);
        for (const [p, first] of firsts) if ((c.get(p) ?? -1) > first) earlyCommits.push(`partition ${p}: committed ${c.get(p)} while ${first} was in hand`);
      }
    } finally {
      inside = false;
    }
  });

  await until(`${MESSAGES} messages`, () => received.length >= MESSAGES);
  expect(source.readiness()).toEqual({ ok: true, detail: `in group ${groupId} with 4 partition(s)` });
  const end = await ends(admin, topic);
  await until('every partition committed to its end', async () => {
    const c = await committed(admin, groupId, topic);
    return [...end].every(([p, high]) => c.get(p) === high);
  });
  await source.stop();
  await running;

  expect(overlaps).toEqual([]);
  expect(earlyCommits).toEqual([]);
  expect(received).toHaveLength(MESSAGES);
  expect(checked).toBeGreaterThanOrEqual(8);

  const byPartition = new Map<number, number[]>();
  for (const m of received) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m.offset]);
  expect([...byPartition.keys()].sort()).toEqual([0, 1, 2, 3]);
  for (const [p, offsets] of byPartition) {
    expect(offsets, `partition ${p} in order, no gaps`).toEqual(offsets.map((_, i) => i));
    expect(offsets.length).toBe(end.get(p));
  }

  const byKey = new Map<string, number[]>();
  for (const m of received) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), JSON.parse(m.value!).seq]);
  expect(byKey.size).toBe(KEYS);
  for (const [key, seqs] of byKey) expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));

  expect([...lastLag.keys()].sort()).toEqual([0, 1, 2, 3]);
  expect([...lastLag.values()]).toEqual([0, 0, 0, 0]);
});
