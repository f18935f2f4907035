// If Redis is down, scoring goes on: the Redis store's write() still resolves
// (at once, its commands buffered), the buffer stays within its bound by
// dropping the oldest keys (counted), readiness reports the degradation,
// reads answer from the buffer or fail with a retriable error, SINK_ERROR is
// emitted; once Redis is back the buffer drains, readiness recovers and
// reads work, with each key's TTL still counted from its write.

import { afterAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { StreamscoreError } from '../host/core/errors.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createRedisStore, type RedisStore } from '../host/serve/redis-store.js';
import type { BatchOutput, InventoryState, ScoredOutput } from '../host/core/ports.js';
import { ownRedis, type OwnRedis } from './helpers/own-redis.js';

const TTL_MS = 60_000;
const BOUND = 50;

let redis: OwnRedis | undefined;
let store: RedisStore | undefined;
afterAll(async () => {
  await store?.close();
  await redis?.dispose();
});

const score = (eventId: string, userId: string): ScoredOutput => ({
  eventId,
  userId,
  fraudScore: 0.25,
  decision: 'allow',
  reasons: [],
  amount: 10,
  ts: 1_767_225_600_000,
  features: [],
});
const stock = (sku: string): InventoryState => ({ sku, level: 7, forecast: [], runoutDate: null, alert: null });
const batch = (scores: ScoredOutput[], inventory: InventoryState[] = []): BatchOutput => ({ scores, alerts: [], deadLetters: [], recommendations: [], inventory });
/** A key's value as a JSON object, or null. */
async function get(url: string, key: string): Promise<Record<string, unknown> | null> {
  const raw = new Redis(url);
  try {
    const v = await raw.get(`streamscore:${key}`);
    return v === null ? null : (JSON.parse(v) as Record<string, unknown>);
  } finally {
    raw.disconnect();
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('writes buffer within the bound while Redis is down and drain when it is back', async () => {
  redis = await ownRedis();
  await redis.start();
  const instrumentation = createInstrumentation();
  const sinkErrors: string[] = [];
  instrumentation.on('sink.error', (p) => sinkErrors.push(p.sink));
  store = createRedisStore({ url: redis.url, ttlMs: TTL_MS, maxBufferedEntries: BOUND, backoffMs: { initial: 20, max: 200 }, instrumentation });
  expect(await store.waitUntilReady(5000)).toBe(true);

  // Healthy: write() resolves once Redis has the values.
  await store.write(batch([score('e0', 'u0'), score('e1', 'u1')], [stock('SKU-early')]));
  expect(await get(redis.url, 'score:event:e1')).toMatchObject({ eventId: 'e1' });
  expect(store.readiness()).toEqual({ ok: true });

  await redis.stop();

  // 100 purchases of 5 users and one SKU's state: 106 keys for a bound of 50. Every write resolves promptly.
  for (let i = 0; i < 100; i += 10) {
    const started = Date.now();
    await store.write(batch(Array.from({ length: 10 }, (_, j) => score(`d${i + j}`, `u${(i + j) % 5}`)), i === 90 ? [stock('SKU-late')] : []));
    expect(Date.now() - started).toBeLessThan(1500);
  }
  const lastWriteAt = Date.now();
  const stats = store.stats();
  expect(stats.buffered).toBe(BOUND);
  expect(stats.dropped).toBe(106 - BOUND);
  expect(stats.degraded).toBe(true);

  const ready = store.readiness();
  expect(ready.ok).toBe(false);
  expect(ready.detail).toMatch(/redis unavailable.*50 writes buffered.*56 dropped/);
  await until('a sink error is emitted', () => sinkErrors.length > 0);
  expect(new Set(sinkErrors)).toEqual(new Set(['redis']));

  // Reads: a buffered value answers (it is the newest); anything else is a retriable error, not a null.
  expect(await store.inventory('SKU-late')).toEqual(stock('SKU-late'));
  const failed = await store.inventory('SKU-early').catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(StreamscoreError);
  expect(failed).toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });

  await new Promise((r) => setTimeout(r, 300)); // some backoff rounds
  await redis.start(); // same port, empty (persistence off)
  await until('the buffer drains', () => store!.stats().buffered === 0 && store!.readiness().ok);
  expect(store.stats()).toMatchObject({ buffered: 0, degraded: false, connection: 'ready', dropped: 56 });

  // Reads come from Redis again: what was buffered is there, what was dropped is not.
  expect(await store.inventory('SKU-late')).toEqual(stock('SKU-late'));
  expect(await get(redis.url, 'score:event:d99')).toMatchObject({ eventId: 'd99', userId: 'u4', fraudScore: 0.25, decision: 'allow', reasons: [] });
  expect(await get(redis.url, 'score:event:d60')).toMatchObject({ eventId: 'd60' });
  expect(await get(redis.url, 'score:event:d0')).toBeNull();
  for (let u = 0; u < 5; u++) expect(await get(redis.url, `score:user:u${u}`)).toMatchObject({ eventId: `d${95 + u}` });

  // The TTL ran while the write was buffered (it was flushed 300 ms or more after it was written).
  const check = new Redis(redis.url);
  const ttl = await check.pttl('streamscore:score:event:d99');
  check.disconnect();
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(TTL_MS - (Date.now() - lastWriteAt) + 5);

  // And new writes wait for Redis again.
  await store.write(batch([score('after', 'u9')]));
  expect(store.stats().buffered).toBe(0);
});

test('a Redis that is down when the store starts is connected to once it is up', async () => {
  const late = await ownRedis();
  const early = createRedisStore({ url: late.url, backoffMs: { initial: 20, max: 200 } });
  try {
    await early.write(batch([score('x1', 'ux')]));
    expect(early.readiness().ok).toBe(false);
    expect(early.stats()).toMatchObject({ buffered: 2, degraded: true });
    await late.start();
    await until('the buffer drains', () => early.stats().buffered === 0 && early.readiness().ok);
    expect(await get(late.url, 'score:event:x1')).toMatchObject({ eventId: 'x1' });
  } finally {
    await early.close();
    await late.dispose();
  }
});
