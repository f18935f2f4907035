// GET /health always answers 200; GET /ready follows the readiness checks.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Readiness } from '../host/core/ports.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let readiness: Readiness = { ready: false, checks: { kafka: { ok: false, detail: 'connecting' }, model: { ok: true } } };

beforeAll(async () => {
  t = await startTestServer({ readiness: async () => readiness });
});
afterAll(() => t.close());

test('/health answers 200 while the service is not ready', async () => {
  const r = await fetch(`${t.url}/health`);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ status: 'ok' });
});

test('/ready answers 503 with the failing checks, then 200 once ready', async () => {
  let r = await fetch(`${t.url}/ready`);
  expect(r.status).toBe(503);
  expect(await r.json()).toEqual(readiness);

  readiness = { ready: true, checks: { kafka: { ok: true }, model: { ok: true } } };
  r = await fetch(`${t.url}/ready`);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual(readiness);
});

test('a readiness check that throws is a 500 with its message', async () => {
  const bad = await startTestServer({ readiness: () => Promise.reject(new Error('redis ping timed out')) });
  try {
    const r = await fetch(`${bad.url}/ready`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: 'internal', message: 'redis ping timed out' });
  } finally {
    bad.close();
  }
});

test('unknown paths are a JSON 404 and wrong methods a 405 with Allow', async () => {
  const r = await fetch(`${t.url}/v2/nothing`);
  expect(r.status).toBe(404);
  expect((await r.json()).error).toBe('not_found');

  const m = await fetch(`${t.url}/health`, { method: 'POST' });
  expect(m.status).toBe(405);
  expect(m.headers.get('allow')).toBe('GET');
  expect((await m.json()).error).toBe('method_not_allowed');

  const w = await fetch(`${t.url}/ws`);
  expect(w.status).toBe(426);
});
