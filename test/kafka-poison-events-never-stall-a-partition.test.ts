// `serve` against the real Kafka and Redis of the test run, fed a
// 4-partition topic where poison messages sit between valid events: times
// far in the future or before 1970, numbers past any range, cut JSON, deep
// nesting, invalid UTF-8, a null value (tombstone) and an empty one; and a
// valid sale at the edge of every range. Every
// valid purchase is scored into Redis, every poison message is dead-lettered
// once with its reason and its key (null and empty told apart), the group's
// committed offsets reach the end of every partition (lag 0), and /ready
// stays ready.

import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import { services } from './services/provided.js';
import { committed, createTopic, ends, kafka, unique, until } from './helpers/kafka-topics.js';
import { startServe } from './helpers/serve-process.js';

const { kafkaBrokers, redisUrl } = services();

describe('poison messages in a multi-partition topic', () => {
  it('are dead-lettered with their keys while every valid purchase is scored and the lag returns to 0', async () => {
    const topic = unique('poison');
    const deadTopic = unique('poison-dead');
    const group = unique('poison-g');
    const p = unique('p');
    const admin = kafka().admin();
    await admin.connect();
    await createTopic(admin, topic, 4);
    await createTopic(admin, deadTopic, 1);

    const t0 = Date.now() - 60_000;
    const messages: { key: string; value: string | Buffer | null }[] = [];
    const poison: { key: string; value: string | Buffer | null; field?: string }[] = [
      { key: 'k-future', value: JSON.stringify({ eventId: `${p}-x1`, type: 'purchase', ts: '3000000-01-01T00:00:00Z', userId: 'u1', amount: 5 }) },
      { key: 'k-far', value: JSON.stringify({ eventId: `${p}-x2`, type: 'purchase', ts: 8.64e15, userId: 'u2', amount: 5 }), field: 'ts' },
      { key: 'k-past', value: JSON.stringify({ eventId: `${p}-x3`, type: 'view', ts: '1969-07-20T20:17:00Z', userId: 'u3', itemId: 'i' }), field: 'ts' },
      { key: 'k-amount', value: `{"eventId":"${p}-x4","type":"purchase","ts":${t0},"userId":"u4","amount":1e999}`, field: 'amount' },
      { key: 'k-cut', value: `{"eventId":"${p}-x5","type":"purch` },
      { key: 'k-deep', value: `{"eventId":"${p}-x6","type":${'['.repeat(50_000)}${']'.repeat(50_000)},"ts":1}`, field: 'type' },
      { key: 'k-utf8', value: Buffer.concat([Buffer.from(`{"eventId":"${p}-x7","type":"purchase","ts":${t0},"userId":"`), Buffer.from([0xc3, 0x28]), Buffer.from('","amount":1}')]) },
      { key: 'k-null', value: null },
      { key: 'k-empty', value: '' },
    ];
    const USERS = 120;
    for (let i = 0; i < USERS; i++) {
      const userId = `${p}-u${i}`;
      messages.push({ key: userId, value: JSON.stringify({ eventId: `${p}-s${i}`, type: 'signup', ts: t0 + i, userId, deviceId: `${p}-d${i % 9}` }) });
      messages.push({ key: userId, value: JSON.stringify({ eventId: `${p}-p${i}`, type: 'purchase', ts: t0 + i + 500, userId, amount: 10 + i }) });
      if (i % 12 === 0 && i / 12 < poison.length) messages.push(poison[i / 12]!);
      // Valid, but at the edge of every range: it must not stall anything either.
      if (i === 60) messages.push({ key: 'k-edge', value: JSON.stringify({ eventId: `${p}-e1`, type: 'sale', ts: 1e14, sku: 's', qty: 1e308 }) });
    }
    const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const redis = new Redis(redisUrl);
    // Brokers and Redis as flags, the dead-letter topic as a variable: every
    // setting counts whichever way the others are given.
    const s = await startServe(['--kafka-brokers', kafkaBrokers.join(','), '--redis-url', redisUrl, '--kafka-topic', topic, '--kafka-group', group, '--kafka-from-beginning', '1'], {
      KAFKA_TOPIC_DEADLETTER: deadTopic,
      KAFKAJS_LOG_LEVEL: 'nothing',
    });
    try {
      const keys = Array.from({ length: USERS }, (_, i) => `streamscore:score:event:${p}-p${i}`);
      await until(`${USERS} scores in Redis`, async () => (await redis.exists(...keys)) === USERS, 60_000);
      const end = await ends(admin, topic);
      await until('every partition committed to its end', async () => {
        const c = await committed(admin, group, topic);
        return [...end].every(([part, high]) => c.get(part) === high);
      }, 60_000);

      const consumer = kafka().consumer({ groupId: unique('poison-read') });
      await consumer.connect();
      await consumer.subscribe({ topic: deadTopic, fromBeginning: true });
      const dead: { key: string | null; value: Record<string, unknown> }[] = [];
      void consumer.run({ eachMessage: async ({ message }) => void dead.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) }) });
      await until(`${poison.length} dead letters`, () => dead.length >= poison.length, 30_000).catch((e) => {
        throw new Error(`${e.message}: got ${JSON.stringify(dead.map((d) => d.key))}`);
      });
      await new Promise((r) => setTimeout(r, 1000));
      await consumer.disconnect();

      expect(dead.length).toBe(poison.length);
      const byKey = new Map(dead.map((d) => [d.key, d.value]));
      for (const m of poison) {
        const d = byKey.get(m.key);
        expect(d, m.key).toBeDefined();
        expect(d!.key).toBe(m.key);
        expect(String(d!.reason).length).toBeGreaterThan(0);
        expect(String(d!.where)).toMatch(new RegExp(`^${topic}\\[\\d\\]@\\d+$`));
        if (m.field) expect(d!.field, m.key).toBe(m.field);
      }
      expect(byKey.get('k-null')!.raw).toBeNull();
      expect(byKey.get('k-null')!.reason).toMatch(/null/);
      expect(byKey.get('k-empty')!.raw).toBe('');
      expect(byKey.get('k-utf8')!.reason).toMatch(/not valid UTF-8/);
      expect(byKey.get('k-future')!.reason).toMatch(/^ts: /);

      const ready = await fetch(`${s.base}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await s.stop();
      redis.disconnect();
      await admin.disconnect();
    }
  });
});
