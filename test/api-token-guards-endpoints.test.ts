// With API_TOKEN set, every endpoint but /health and /metrics needs the
// bearer token, in the Authorization header or the access_token parameter;
// the WebSocket upgrade too.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { purchase, startTestServer, type TestServer } from './helpers/server.js';
import { connect } from './helpers/ws-client.js';

const TOKEN = 's3cret-token';
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ apiToken: TOKEN });
  t.store.putInventory({ sku: 'S1', level: 5, forecast: [], runoutDate: null, alert: null });
});
afterAll(() => t.close());

const guarded: [string, RequestInit?][] = [
  ['/ready'],
  ['/v1/score', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([purchase('e1', 1)]) }],
  ['/v1/recommendations/u1'],
  ['/v1/items/i1/similar'],
  ['/v1/inventory/S1'],
  ['/'],
];

test('guarded endpoints answer 401 with a Bearer challenge without the token or with a wrong one', async () => {
  for (const [path, init] of guarded) {
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const headers = { ...(init?.headers as Record<string, string>), ...(auth ? { Authorization: auth } : {}) };
      const r = await fetch(t.url + path, { ...init, headers });
      expect(r.status, `${path} with ${auth}`).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="streamscore"');
      expect((await r.json()).error).toBe('unauthorized');
    }
  }
});

test('the token in the Authorization header or access_token parameter lets requests through', async () => {
  for (const [path, init] of guarded) {
    const r = await fetch(t.url + path, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${TOKEN}` } });
    expect(r.status, path).not.toBe(401);
  }
  const q = await fetch(`${t.url}/v1/inventory/S1?access_token=${TOKEN}`);
  expect(q.status).toBe(200);
});

test('/health and /metrics need no token', async () => {
  expect((await fetch(`${t.url}/health`)).status).toBe(200);
  expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
});

test('the WebSocket upgrade is refused without the token and accepted with it', async () => {
  await expect(connect(t.wsUrl)).rejects.toThrow('upgrade refused: 401');
  const viaHeader = await connect(t.wsUrl, { Authorization: `Bearer ${TOKEN}` });
  await viaHeader.close();
  const viaQuery = await connect(`${t.wsUrl}?access_token=${TOKEN}`);
  viaQuery.send({ op: 'score', id: 1, events: [purchase('e1', 1)] });
  expect((await viaQuery.next()).op).toBe('scores');
  await viaQuery.close();
});
