// The test redis-server is a real Redis: 10,000 SETs with a TTL sent in one
// pipeline all read back with their values and TTLs, and a short TTL expires.

import { afterAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { services } from './services/provided.js';

const KEYS = 10_000;
const TTL_S = 300;

const redis = new Redis(services().redisUrl, { lazyConnect: true });
const prefix = `round-trip:${process.pid}:${Date.now()}:`;

afterAll(() => redis.quit());

test('10,000 pipelined SETs with a TTL read back with values and TTLs', async () => {
  await redis.connect();
  const set = redis.pipeline();
  for (let i = 0; i < KEYS; i++) set.set(`${prefix}${i}`, `value-${i}`, 'EX', TTL_S);
  const setResults = await set.exec();
  expect(setResults).toHaveLength(KEYS);
  expect(setResults!.every(([err, ok]) => err === null && ok === 'OK')).toBe(true);

  const read = redis.pipeline();
  for (let i = 0; i < KEYS; i++) read.get(`${prefix}${i}`).ttl(`${prefix}${i}`);
  const readResults = (await read.exec())!;
  const wrong: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const [getErr, value] = readResults[2 * i]!;
    const [ttlErr, ttl] = readResults[2 * i + 1]!;
    if (getErr || value !== `value-${i}`) wrong.push(`key ${i}: value ${String(value)} ${getErr ?? ''}`);
    if (ttlErr || typeof ttl !== 'number' || ttl <= 0 || ttl > TTL_S) wrong.push(`key ${i}: ttl ${String(ttl)} ${ttlErr ?? ''}`);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(await redis.dbsize()).toBeGreaterThanOrEqual(KEYS);
});

test('a key set with a 50 ms TTL is gone after it', async () => {
  await redis.set(`${prefix}short`, 'x', 'PX', 50);
  expect(await redis.get(`${prefix}short`)).toBe('x');
  await new Promise((r) => setTimeout(r, 150));
  expect(await redis.get(`${prefix}short`)).toBeNull();
});
