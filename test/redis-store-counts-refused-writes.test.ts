// Redis up but refusing writes (out of memory under maxmemory with
// noeviction): the store's flush gets an answer, so it does not retry what
// Redis would refuse again; the refused SETs are counted in stats().refused,
// reported as a SINK_ERROR naming how many of the chunk and why, and write()
// still resolves. Once Redis takes writes again, the next batch lands, its
// values and time to live as written. The flush sends each chunk as one
// script call, so this also pins that a call with a refused key writes the
// others (they are independent SETs, as a pipeline's were).

import { afterAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createRedisStore, type RedisStore } from '../host/serve/redis-store.js';
import type { BatchOutput, Recommendation } from '../host/core/ports.js';
import { ownRedis, type OwnRedis } from './helpers/own-redis.js';

let redis: OwnRedis | undefined;
let store: RedisStore | undefined;
let raw: Redis | undefined;
afterAll(async () => {
  raw?.disconnect();
  await store?.close();
  await redis?.dispose();
});

const items = (n: number): Recommendation[] => Array.from({ length: n }, (_, i) => ({ itemId: `i${i}`, score: 1 / (i + 1) }));
const lists = (prefix: string, n: number): BatchOutput => ({
  scores: [],
  alerts: [],
  deadLetters: [],
  recommendations: Array.from({ length: n }, (_, i) => ({ userId: `${prefix}${i}`, items: items(3) })),
  inventory: [],
});

test('writes Redis refuses are counted and reported, not retried; later writes land', async () => {
  redis = await ownRedis();
  await redis.start();
  raw = new Redis(redis.url);
  const instrumentation = createInstrumentation();
  const errors: string[] = [];
  instrumentation.on('sink.error', (p) => errors.push((p.error as Error).message));
  store = createRedisStore({ url: redis.url, ttlMs: 60_000, instrumentation });
  expect(await store.waitUntilReady(5000)).toBe(true);

  await store.write(lists('ok', 2));
  expect(JSON.parse((await raw.get('streamscore:recs:user:ok1'))!)).toEqual(items(3));

  // Every SET is now refused with OOM.
  await raw.config('SET', 'maxmemory-policy', 'noeviction');
  await raw.config('SET', 'maxmemory', '1');
  await store.write(lists('full', 5));
  expect(store.stats()).toMatchObject({ refused: 5, buffered: 0, degraded: false });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^5 of 5 SETs refused: OOM/);
  expect(store.readiness()).toEqual({ ok: true });
  await raw.config('SET', 'maxmemory', '0');
  expect(await raw.exists('streamscore:recs:user:full0')).toBe(0);

  // Taken again: written, with its time to live, and nothing refused since.
  await store.write(lists('again', 3));
  expect(JSON.parse((await raw.get('streamscore:recs:user:again2'))!)).toEqual(items(3));
  const ttl = await raw.pttl('streamscore:recs:user:again2');
  expect(ttl).toBeGreaterThan(55_000);
  expect(ttl).toBeLessThanOrEqual(60_000);
  expect(store.stats().refused).toBe(5);
  expect(errors).toHaveLength(1);
});

test('a list given as text is written as that text; one longer than the cap is cut', async () => {
  const s = createRedisStore({ url: redis!.url, maxListLength: 2 });
  try {
    expect(await s.waitUntilReady(5000)).toBe(true);
    const three = items(3);
    // The text differs from JSON.stringify(items) in its spacing, so which one was written shows.
    const spaced = JSON.stringify(items(2), null, 1);
    await s.write({
      scores: [],
      alerts: [],
      deadLetters: [],
      recommendations: [
        { userId: 'text', items: items(2), text: { json: spaced, count: 2 } },
        { itemId: 'long', items: three, text: { json: JSON.stringify(three, null, 1), count: 3 } },
      ],
      inventory: [],
    });
    expect(await raw!.get('streamscore:recs:user:text')).toBe(spaced);
    expect(await raw!.get('streamscore:recs:item:long')).toBe(JSON.stringify(three.slice(0, 2)));
    expect(await s.similarItems('long', 10)).toEqual(three.slice(0, 2));
  } finally {
    await s.close();
  }
});
