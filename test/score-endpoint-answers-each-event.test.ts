// POST /v1/score answers one result per event, in order: scores for the
// valid events and a per-event error for each invalid one.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { purchase, startTestServer, type TestServer } from './helpers/server.js';
import { standInScore } from './helpers/stand-in-scoring.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const post = (body: unknown) =>
  fetch(`${t.url}/v1/score`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

test('a batch of valid events gets one score per event, in order', async () => {
  const events = [purchase('p1', 20), purchase('p2', 900), purchase('p3', 5000), { eventId: 'v1', type: 'view', ts: '2024-05-01T10:00:00Z', userId: 'u1', itemId: 'i1' }];
  const r = await post(events);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const results = await r.json();
  expect(results.map((x: { eventId: string }) => x.eventId)).toEqual(['p1', 'p2', 'p3', 'v1']);
  expect(results[0]).toEqual({ eventId: 'p1', ...standInScore(20), reasons: [] });
  expect(results[2].decision).toBe('block');
  expect(results[2].reasons[0]).toMatchObject({ feature: 'amount' });
  expect(results[3]).toEqual({ eventId: 'v1', fraudScore: 0, decision: 'allow', reasons: [] });
});

test('invalid events get their own error and do not stop the others', async () => {
  const r = await post([purchase('ok1', 10), { eventId: 'bad1', type: 'purchase', ts: Date.now(), userId: 'u', amount: -5 }, 'not an event', purchase('ok2', 10)]);
  expect(r.status).toBe(200);
  const results = await r.json();
  expect(results).toHaveLength(4);
  expect(results[0].eventId).toBe('ok1');
  expect(results[1]).toEqual({ eventId: 'bad1', error: 'amount: must be in [0, Infinity], got -5', field: 'amount' });
  expect(results[2]).toEqual({ error: 'event must be a JSON object' });
  expect(results[3].eventId).toBe('ok2');
});

test('when no event is valid the answer is a 422 carrying the errors', async () => {
  const r = await post([{ eventId: 'x', type: 'refund', ts: 1 }]);
  expect(r.status).toBe(422);
  expect(await r.json()).toEqual([{ eventId: 'x', error: expect.stringMatching(/^type: must be one of/), field: 'type' }]);
});

test('an empty array is answered with an empty array', async () => {
  const r = await post([]);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual([]);
});
