// The read endpoints answer from the Store: 200 with the top k, 404 with a
// JSON error for an unknown id, 400 for a bad k.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { InventoryState } from '../host/core/ports.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
const items = Array.from({ length: 30 }, (_, i) => ({ itemId: `item-${i}`, score: 1 - i / 100 }));
const state: InventoryState = {
  sku: 'SKU 7/blue',
  level: 12,
  forecast: [
    { date: '2024-05-02', mean: 4.5, lo: 3, hi: 6 },
    { date: '2024-05-03', mean: 4.4, lo: 2.5, hi: 6.5 },
  ],
  runoutDate: '2024-05-04',
  alert: { state: 'reorder', reason: 'runout in 3 days is within the lead time of 5 days' },
};

beforeAll(async () => {
  t = await startTestServer();
  t.store.putRecommendations('user-1', items);
  t.store.putSimilarItems('item-0', items.slice(1));
  t.store.putInventory(state);
});
afterAll(() => t.close());

const get = async (path: string) => {
  const r = await fetch(t.url + path);
  return { status: r.status, body: await r.json() };
};

test('recommendations: the top 10 by default, the top k when asked', async () => {
  expect(await get('/v1/recommendations/user-1')).toEqual({ status: 200, body: { id: 'user-1', k: 10, items: items.slice(0, 10) } });
  expect((await get('/v1/recommendations/user-1?k=3')).body.items).toEqual(items.slice(0, 3));
  expect((await get('/v1/recommendations/user-1?k=100')).body.items).toHaveLength(30);
});

test('similar items of an item', async () => {
  expect(await get('/v1/items/item-0/similar?k=2')).toEqual({ status: 200, body: { id: 'item-0', k: 2, items: items.slice(1, 3) } });
});

test('inventory: forecast, runout and alert state; the SKU is URL-decoded', async () => {
  expect(await get(`/v1/inventory/${encodeURIComponent(state.sku)}`)).toEqual({ status: 200, body: state });
});

test('unknown ids are a 404 with a JSON error', async () => {
  for (const path of ['/v1/recommendations/nobody', '/v1/items/nothing/similar', '/v1/inventory/NOPE']) {
    const r = await get(path);
    expect(r.status, path).toBe(404);
    expect(r.body).toEqual({ error: 'not_found', message: expect.stringContaining('no ') });
  }
});

test('a k that is not an integer from 1 to 100 is a 400', async () => {
  for (const k of ['0', '101', '-1', '2.5', 'ten', '1e2', '99999']) {
    const r = await get(`/v1/recommendations/user-1?k=${k}`);
    expect(r.status, k).toBe(400);
    expect(r.body).toEqual({ error: 'bad_k', message: 'k must be an integer from 1 to 100' });
  }
  expect((await get('/v1/items/item-0/similar?k=0')).status).toBe(400);
});

test('a badly encoded id is a 400', async () => {
  expect((await get('/v1/inventory/%E0%A4%A')).status).toBe(400);
});
