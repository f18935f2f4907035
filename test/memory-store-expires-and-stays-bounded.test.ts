// The in-memory store forgets entries after their time to live (1 hour by
// default) and never holds more than its bound: the least recently used go.
import { afterEach, expect, test } from 'vitest';
import { createMemoryStore, DEFAULT_TTL_MS, type MemoryStore } from '../host/serve/memory-store.js';

let now = 1_000_000;
let store: MemoryStore | undefined;
afterEach(() => store?.close());

const rec = (n: number) => Array.from({ length: n }, (_, i) => ({ itemId: `i${i}`, score: 1 / (i + 1) }));

test('entries expire after the TTL, one hour by default', async () => {
  expect(DEFAULT_TTL_MS).toBe(3_600_000);
  store = createMemoryStore({ now: () => now });
  store.putRecommendations('u1', rec(3));
  store.putInventory({ sku: 'S', level: 1, forecast: [], runoutDate: null, alert: null });
  store.putSimilarItems('i0', rec(2), 1000); // a shorter TTL of its own
  now += 999;
  expect(await store.similarItems('i0', 10)).toHaveLength(2);
  now += 1;
  expect(await store.similarItems('i0', 10)).toBeNull();
  now += DEFAULT_TTL_MS - 1001;
  expect(await store.recommendations('u1', 2)).toEqual(rec(2));
  expect(await store.inventory('S')).toMatchObject({ sku: 'S' });
  now += 1;
  expect(await store.recommendations('u1', 2)).toBeNull();
  expect(await store.inventory('S')).toBeNull();
});

test('at the bound the least recently used entry goes, and reads count as use', async () => {
  store = createMemoryStore({ maxEntries: 3, now: () => now });
  for (const u of ['a', 'b', 'c']) store.putRecommendations(u, rec(1));
  await store.recommendations('a', 1); // a is now the most recently used
  store.putRecommendations('d', rec(1));
  expect(await store.recommendations('b', 1)).toBeNull();
  for (const u of ['a', 'c', 'd']) expect(await store.recommendations(u, 1)).not.toBeNull();
  for (let i = 0; i < 10_000; i++) store.putInventory({ sku: `S${i}`, level: i, forecast: [], runoutDate: null, alert: null });
  expect(store.sizes()).toEqual({ recommendations: 3, similarItems: 0, inventory: 3 });
});

test('lists are capped at the largest k served', async () => {
  store = createMemoryStore({ maxListLength: 100 });
  store.putRecommendations('u', rec(500));
  expect(await store.recommendations('u', 1000)).toHaveLength(100);
});
