// POST /v1/score refuses what it cannot score with a clear 4xx: bad JSON,
// a body that is not an array, a body over the size limit (also when sent
// chunked, without a Content-Length), too many events, a wrong Content-Type.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { purchase, startTestServer, type TestServer } from './helpers/server.js';

const LIMIT = 64 * 1024;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: LIMIT, maxEventsPerRequest: 50 });
});
afterAll(() => t.close());

const post = (body: string, type = 'application/json') => fetch(`${t.url}/v1/score`, { method: 'POST', headers: { 'Content-Type': type }, body });

test('bad JSON is a 400 that says so', async () => {
  const r = await post('[{"eventId": "e1",');
  expect(r.status).toBe(400);
  const body = await r.json();
  expect(body.error).toBe('bad_json');
  expect(body.message).toMatch(/^request body is not valid JSON: /);
});

test('a JSON value that is not an array is a 400', async () => {
  const r = await post(JSON.stringify(purchase('e1', 10)));
  expect(r.status).toBe(400);
  expect(await r.json()).toEqual({ error: 'not_an_array', message: 'request body must be a JSON array of events' });
});

test('a body over the limit is a 413 (Content-Length known up front)', async () => {
  const big = JSON.stringify([purchase('e1', 10, { pad: 'x'.repeat(LIMIT) })]);
  const r = await post(big);
  expect(r.status).toBe(413);
  expect((await r.json()).error).toBe('payload_too_large');
});

test('a chunked body over the limit is a 413 once the limit is crossed', async () => {
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${t.url}/v1/score`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.write('[');
    const chunk = JSON.stringify(purchase('e', 1, { pad: 'y'.repeat(4000) })) + ',';
    let sent = 0;
    const pump = () => {
      while (sent < 4 * LIMIT) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end('0]');
    };
    pump();
  }).catch((e: Error) => ({ status: -1, body: e.message }));
  // The server answers and closes; the client may see the answer or, if it was still writing, a reset.
  if (answer.status !== -1) {
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toBe('payload_too_large');
  } else {
    expect(answer.body).toMatch(/ECONNRESET|EPIPE|socket hang up/);
  }
  // Either way the server is fine afterwards.
  expect((await fetch(`${t.url}/health`)).status).toBe(200);
});

test('more events than allowed per request is a 413', async () => {
  const events = Array.from({ length: 51 }, (_, i) => purchase(`e${i}`, 1));
  const r = await post(JSON.stringify(events));
  expect(r.status).toBe(413);
  expect(await r.json()).toEqual({ error: 'too_many_events', message: 'at most 50 events per request, got 51' });
});

test('a non-JSON Content-Type is a 415', async () => {
  const r = await post('[]', 'text/csv');
  expect(r.status).toBe(415);
  expect((await r.json()).error).toBe('unsupported_media_type');
  expect((await post('[]', 'application/json; charset=utf-8')).status).toBe(200);
});

test('GET on the scoring endpoint is a 405 naming POST', async () => {
  const r = await fetch(`${t.url}/v1/score`);
  expect(r.status).toBe(405);
  expect(r.headers.get('allow')).toBe('POST');
});
