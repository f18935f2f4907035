// vitest global setup: starts a real Kafka broker and a real redis-server
// for the whole run and stops them at the end. Tests read the addresses with
// `services()` from ./provided.ts (or KAFKA_BROKERS / REDIS_URL in the
// environment, which processes spawned by a test inherit).

import type { TestProject } from 'vitest/node';
import { startKafka, type KafkaService } from './kafka.js';
import { startRedis, type RedisService } from './redis.js';
import type {} from './provided.js'; // the typed provide() keys

const log = (line: string) => console.log(`[services] ${line}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const [kafka, redis] = await Promise.allSettled([startKafka(log), startRedis(log)]);
  const up = [kafka, redis].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (kafka.status === 'rejected' || redis.status === 'rejected') {
    await Promise.all(up.map((s) => s.stop()));
    throw kafka.status === 'rejected' ? kafka.reason : (redis as PromiseRejectedResult).reason;
  }
  const k: KafkaService = kafka.value;
  const r: RedisService = redis.value;
  log(`kafka and redis up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  project.provide('kafkaBrokers', k.brokers);
  project.provide('redisUrl', r.url);
  process.env.KAFKA_BROKERS = k.brokers.join(',');
  process.env.REDIS_URL = r.url;

  return async () => {
    await Promise.all([k.stop(), r.stop()]);
  };
}
