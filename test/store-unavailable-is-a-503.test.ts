// While Redis is unreachable the read endpoints answer 503 with Retry-After
// (the client may try again), not a 500 and not a 404; other failures of a
// store stay 500s.
import { afterAll, expect, test } from 'vitest';
import { freePorts } from './services/ports.js';
import { createRedisStore, type RedisStore } from '../host/serve/redis-store.js';
import type { Store } from '../host/core/ports.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

/** A loopback port with nothing listening on it. */
const deadPort = async (): Promise<number> => (await freePorts(1))[0]!;

test('recommendation, similar-item and inventory reads are a 503 with Retry-After while Redis is down', async () => {
  const store: RedisStore = createRedisStore({ url: `redis://127.0.0.1:${await deadPort()}` });
  closers.push(() => store.close());
  const t: TestServer = await startTestServer({ store });
  closers.push(() => t.close());
  for (const path of ['/v1/recommendations/u1', '/v1/items/i1/similar', '/v1/inventory/SKU-1']) {
    const r = await fetch(t.url + path);
    expect(r.status, path).toBe(503);
    expect(r.headers.get('retry-after'), path).toBe('1');
    expect(await r.json(), path).toEqual({ error: 'unavailable', message: expect.stringContaining('redis unavailable') });
  }
});

test('a store failure that retrying cannot fix is a 500', async () => {
  const broken: Store = {
    recommendations: async () => {
      throw new Error('bad JSON in the cache');
    },
    similarItems: async () => null,
    inventory: async () => null,
  };
  const t = await startTestServer({ store: broken });
  closers.push(() => t.close());
  const r = await fetch(t.url + '/v1/recommendations/u1');
  expect(r.status).toBe(500);
  expect(await r.json()).toEqual({ error: 'internal', message: 'bad JSON in the cache' });
});
