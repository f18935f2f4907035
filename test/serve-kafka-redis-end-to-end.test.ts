// `serve` in service mode against the real Kafka and Redis of the test run:
// events produced to Kafka come out scored in Redis and as alerts on the
// WebSocket; a malformed message lands in the dead-letter topic; a serve
// killed mid-stream and restarted loses no purchase; two serves in one
// consumer group split the partitions.

import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AssignerProtocol, Partitioners } from 'kafkajs';
import { services } from './services/provided.js';
import { kafka, unique, createTopic } from './helpers/kafka-topics.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { connect } from './helpers/ws-client.js';

const { kafkaBrokers, redisUrl } = services();

function env(): Record<string, string> {
  return { KAFKA_BROKERS: kafkaBrokers.join(','), REDIS_URL: redisUrl, KAFKAJS_LOG_LEVEL: 'nothing' };
}

/**
 * Signup then purchase per user; even users buy a second after signing up on
 * a shared device, odd ones two minutes after. Event times stay within the
 * features' 5-minute lateness across partitions, as a live stream's do (the
 * features keep one event-time watermark per process, not per partition).
 */
function stream(prefix: string, users: number, t0: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (let i = 0; i < users; i++) {
    const userId = `${prefix}-u${i}`;
    const fast = i % 2 === 0;
    const ts = t0 + i * 10;
    out.push({ key: userId, value: JSON.stringify({ eventId: `${prefix}-s${i}`, type: 'signup', ts, userId, deviceId: fast ? `${prefix}-farm` : `${prefix}-d${i}` }) });
    out.push({ key: userId, value: JSON.stringify({ eventId: `${prefix}-p${i}`, type: 'purchase', ts: ts + (fast ? 1000 : 120_000), userId, amount: 20 + i, deviceId: fast ? `${prefix}-farm` : `${prefix}-d${i}` }) });
  }
  return out;
}

async function produce(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
}

async function scoredCount(redis: Redis, prefix: string, users: number): Promise<number> {
  const keys = Array.from({ length: users }, (_, i) => `streamscore:score:event:${prefix}-p${i}`);
  return (await redis.exists(...keys)) as number;
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('serve with Kafka and Redis', () => {
  it('scores every purchase into Redis, streams alerts, dead-letters a malformed message', async () => {
    const topic = unique('e2e-events');
    const prefix = unique('a');
    const admin = kafka().admin();
    await admin.connect();
    await createTopic(admin, topic, 4);
    await admin.disconnect();
    const redis = new Redis(redisUrl);
    const s = await startServe(['--kafka-topic', topic, '--kafka-group', unique('g'), '--kafka-from-beginning', 'true'], env());
    try {
      const ws = await connect(`ws://127.0.0.1:${s.port}/ws`);
      ws.send({ op: 'subscribe', topics: ['alerts.fraud'] });
      await ws.next((m) => m.op === 'subscribed', 5000).catch(() => undefined);
      await produce(topic, [...stream(prefix, 100, Date.now() - 60_000), { key: 'x', value: `{"eventId":"${prefix}-broken", "type":` }]);
      await until('100 scores in Redis', async () => (await scoredCount(redis, prefix, 100)) === 100);
      const one = JSON.parse((await redis.get(`streamscore:score:event:${prefix}-p0`))!);
      expect(one.fraudScore).toBeGreaterThan(0.5);
      expect(one.reasons.length).toBeGreaterThan(0);
      const alert = await ws.next<{ alert: { eventId: string; decision: string } }>((m) => m.op === 'alert' && String((m.alert as { eventId: string }).eventId).startsWith(prefix), 15_000);
      expect(['review', 'block']).toContain(alert.alert.decision);
      await ws.close();

      // serve creates its output topics on first use: wait until the broker serves this one.
      const dlAdmin = kafka().admin();
      await dlAdmin.connect();
      await until('the dead-letter topic is served', async () => {
        try {
          return (await dlAdmin.fetchTopicOffsets('streamscore.deadletter')).length > 0;
        } catch {
          return false;
        }
      });
      await dlAdmin.disconnect();
      const consumer = kafka().consumer({ groupId: unique('dl') });
      await consumer.connect();
      await consumer.subscribe({ topic: 'streamscore.deadletter', fromBeginning: true });
      const found = new Promise<Record<string, string>>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const d = JSON.parse(message.value!.toString());
            if (String(d.raw).includes(`${prefix}-broken`)) resolve(d);
          },
        });
      });
      const dead = await Promise.race([found, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no dead letter')), 20_000))]);
      expect(dead.reason).toMatch(/not valid JSON/);
      expect(dead.where).toMatch(new RegExp(`^${topic}\\[\\d\\]@\\d+$`));
      await consumer.disconnect();
    } finally {
      await s.stop();
      redis.disconnect();
    }
  });

  it('loses no purchase when serve is killed mid-stream and restarted', async () => {
    const topic = unique('e2e-crash');
    const group = unique('g');
    const prefix = unique('c');
    const users = 3000;
    const admin = kafka().admin();
    await admin.connect();
    await createTopic(admin, topic, 4);
    await admin.disconnect();
    await produce(topic, stream(prefix, users, Date.now() - 3_600_000));
    const redis = new Redis(redisUrl);
    const args = ['--kafka-topic', topic, '--kafka-group', group, '--kafka-from-beginning', 'true'];
    let a: ServeProcess | null = await startServe(args, env());
    try {
      await until('some scores', async () => (await scoredCount(redis, prefix, users)) > 0);
      a.child.kill('SIGKILL');
      a = null;
      const before = await scoredCount(redis, prefix, users);
      const b = await startServe(args, env());
      try {
        await until(`all ${users} scores after the restart (had ${before})`, async () => (await scoredCount(redis, prefix, users)) === users, 90_000);
      } finally {
        await b.stop();
      }
    } finally {
      a?.child.kill('SIGKILL');
      redis.disconnect();
    }
  });

  it('splits the partitions between two serves in one group', async () => {
    const topic = unique('e2e-split');
    const group = unique('g');
    const admin = kafka().admin();
    await admin.connect();
    await createTopic(admin, topic, 4);
    const args = ['--kafka-topic', topic, '--kafka-group', group];
    const a = await startServe(args, env());
    const b = await startServe(args, env());
    try {
      let owned: number[][] = [];
      await until('both members assigned', async () => {
        const { groups } = await admin.describeGroups([group]);
        const members = groups[0]?.members ?? [];
        if (groups[0]?.state !== 'Stable' || members.length !== 2) return false;
        owned = members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
        return owned.every((p) => p.length > 0);
      });
      expect(owned.flat().sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await a.stop();
      await b.stop();
      await admin.disconnect();
    }
  });
});
