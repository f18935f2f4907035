// The Redis store answers the API exactly as the in-memory store does: the
// same recommendation lists (cut to k, capped at 100), similar items and
// inventory states after the same writes, null for what was never written,
// the latest write winning, and everything gone after its time to live. The
// same assertions run against both; Redis' keys and TTLs are checked too,
// with each purchase's score record under its event and its user.

import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createMemoryStore } from '../host/serve/memory-store.js';
import { memoryStoreSink } from '../host/serve/memory-sink.js';
import { createRedisStore, type RedisStore } from '../host/serve/redis-store.js';
import type { BatchOutput, InventoryState, Recommendation, ScoredOutput, Store } from '../host/core/ports.js';
import { services } from './services/provided.js';

const TTL_MS = 1500;
const { redisUrl } = services();
const prefix = `test:${randomBytes(4).toString('hex')}:`;

interface Writable extends Store {
  write(out: BatchOutput): Promise<void>;
  close(): Promise<void> | void;
}

const items = (n: number, tag: string): Recommendation[] => Array.from({ length: n }, (_, i) => ({ itemId: `${tag}${i}`, score: 1 / (i + 1) + 1e-17 * i }));

const score = (eventId: string, userId: string, fraudScore: number): ScoredOutput => ({
  eventId,
  userId,
  fraudScore,
  decision: fraudScore > 0.9 ? 'block' : fraudScore > 0.5 ? 'review' : 'allow',
  reasons: [{ feature: 'amount_zscore_user', contribution: 1.25, text: 'amount 4.1 standard deviations above this user\'s mean' }],
  amount: 120.5,
  ts: 1_767_225_600_000,
  features: new Float64Array([1, NaN, 3]),
});

const inventory = (sku: string, level: number): InventoryState => ({
  sku,
  level,
  forecast: [{ date: '2026-01-02', mean: 3.5, lo: 1.25, hi: 6 }],
  runoutDate: '2026-01-09',
  alert: { state: 'reorder', reason: 'runout in 7 days, lead time 10' },
});

const batch = (part: Partial<BatchOutput>): BatchOutput => ({ scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], ...part });

/** The memory store behind the pipeline's memory sink. */
function memory(): Writable {
  const store = createMemoryStore({ ttlMs: TTL_MS });
  const sink = memoryStoreSink(store);
  return { ...store, write: (out) => sink.write(out), close: () => sink.close() };
}

const redisStores: RedisStore[] = [];
function redis(): Writable {
  const store = createRedisStore({ url: redisUrl, keyPrefix: prefix, ttlMs: TTL_MS });
  redisStores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(redisStores.map((s) => s.close()));
});

/** Writes the same batches and collects every answer the API would give. */
async function answers(store: Writable) {
  if ('waitUntilReady' in store) expect(await (store as RedisStore).waitUntilReady(5000)).toBe(true);
  await store.write(
    batch({
      scores: [score('e1', 'u1', 0.93), score('e2', 'u1', 0.12), score('e3', 'u2', 0.5000000000000001)], // no reads: only Redis keeps them (below)
      recommendations: [
        { userId: 'u1', items: items(150, 'i') },
        { itemId: 'i0', items: items(3, 'j') },
        { userId: 'u2', itemId: 'i9', items: items(2, 'k') },
      ],
      inventory: [inventory('SKU-1', 12), inventory('SKU-2', 0)],
    }),
  );
  // The latest write of a key wins.
  await store.write(batch({ recommendations: [{ userId: 'u2', items: items(4, 'z') }], inventory: [inventory('SKU-2', 40)] }));
  const now = {
    recs10: await store.recommendations('u1', 10),
    recsCapped: (await store.recommendations('u1', 1000))?.length,
    recsU2: await store.recommendations('u2', 10),
    noRecs: await store.recommendations('nobody', 10),
    similar: await store.similarItems('i0', 2),
    similar9: await store.similarItems('i9', 10),
    noSimilar: await store.similarItems('nothing', 10),
    inv1: await store.inventory('SKU-1'),
    inv2: await store.inventory('SKU-2'),
    noInv: await store.inventory('SKU-X'),
  };
  await new Promise((r) => setTimeout(r, TTL_MS + 300));
  const expired = [await store.recommendations('u1', 10), await store.similarItems('i0', 10), await store.inventory('SKU-1')];
  return { now, expired };
}

describe.each([
  ['memory', memory],
  ['redis', redis],
])('the %s store', (_, make) => {
  test('answers the API as specified', async () => {
    const store = make();
    try {
      const { now, expired } = await answers(store);
      expect(now.recs10).toEqual(items(150, 'i').slice(0, 10));
      expect(now.recsCapped).toBe(100);
      expect(now.recsU2).toEqual(items(4, 'z'));
      expect(now.noRecs).toBeNull();
      expect(now.similar).toEqual(items(3, 'j').slice(0, 2));
      expect(now.similar9).toEqual(items(2, 'k'));
      expect(now.noSimilar).toBeNull();
      expect(now.inv1).toEqual(inventory('SKU-1', 12));
      expect(now.inv2).toEqual(inventory('SKU-2', 40));
      expect(now.noInv).toBeNull();
      expect(expired).toEqual([null, null, null]);
    } finally {
      await store.close();
    }
  });
});

test('both stores give identical answers, and Redis holds each key with its TTL', async () => {
  const [m, r] = [memory(), redis()];
  const [a, b] = await Promise.all([answers(m), answers(r)]);
  await m.close();
  expect(b).toEqual(a);

  // A store with the default TTL: every key lives one hour in Redis.
  const store = createRedisStore({ url: redisUrl, keyPrefix: `${prefix}default:` });
  redisStores.push(store);
  expect(await store.waitUntilReady(5000)).toBe(true);
  await store.write(
    batch({ scores: [score('e9', 'u9', 0.2)], recommendations: [{ userId: 'u9', itemId: 'i9', items: items(2, 'x') }], inventory: [inventory('SKU-9', 1)] }),
  );
  const raw = new Redis(redisUrl);
  try {
    const keys = (await raw.keys(`${prefix}default:*`)).sort();
    expect(keys).toEqual(
      ['inventory:SKU-9', 'recs:item:i9', 'recs:user:u9', 'score:event:e9', 'score:user:u9'].map((k) => `${prefix}default:${k}`),
    );
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      expect(ttl, key).toBeGreaterThan(3_600_000 - 10_000);
      expect(ttl, key).toBeLessThanOrEqual(3_600_000);
    }
    // Both score keys hold the purchase's score record, the same text.
    const { features: _f, ...record } = score('e9', 'u9', 0.2);
    const byEvent = await raw.get(`${prefix}default:score:event:e9`);
    expect(JSON.parse(byEvent!)).toEqual(record);
    expect(await raw.get(`${prefix}default:score:user:u9`)).toBe(byEvent);
  } finally {
    raw.disconnect();
  }
});
