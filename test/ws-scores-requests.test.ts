// WebSocket /ws: {"op":"score"} requests are answered by {"op":"scores"} with
// the same id, also when many are pipelined; bad messages get an error
// naming the id and the connection stays usable.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { purchase, startTestServer, type TestServer } from './helpers/server.js';
import { standInScore } from './helpers/stand-in-scoring.js';
import { connect, type JsonClient } from './helpers/ws-client.js';

let t: TestServer;
let c: JsonClient;
beforeAll(async () => {
  t = await startTestServer({ maxEventsPerRequest: 100 });
  c = await connect(t.wsUrl);
});
afterAll(async () => {
  await c.close();
  t.close();
});

test('a score request is answered with one result per event and the same id', async () => {
  c.send({ op: 'score', id: 'r1', events: [purchase('e1', 10), purchase('e2', 4000), { eventId: 'e3', type: 'sale' }] });
  const m = await c.next();
  expect(m).toEqual({
    op: 'scores',
    id: 'r1',
    results: [
      { eventId: 'e1', ...standInScore(10), reasons: [] },
      { eventId: 'e2', ...standInScore(4000), reasons: [expect.objectContaining({ feature: 'amount' })] },
      { eventId: 'e3', error: 'ts: is required', field: 'ts' },
    ],
  });
});

test('pipelined requests are all answered, in order', async () => {
  for (let i = 0; i < 200; i++) c.send({ op: 'score', id: i, events: [purchase(`p${i}`, i)] });
  for (let i = 0; i < 200; i++) {
    const m = await c.next<{ id: number; results: { eventId: string }[] }>();
    expect(m.id).toBe(i);
    expect(m.results[0]!.eventId).toBe(`p${i}`);
  }
});

test('answers keep request order when errors and scores are pipelined together', async () => {
  c.send({ op: 'score', id: 'o1', events: [purchase('o1', 5)] });
  c.send('{"op":');
  c.send({ op: 'score', id: 'o2', events: [purchase('o2', 5)] });
  c.send({ op: 'nope', id: 'o3' });
  c.send({ op: 'score', id: 'o4', events: [purchase('o4', 5)] });
  const got = [];
  for (let i = 0; i < 5; i++) got.push(await c.next<{ op: string; id: unknown }>());
  expect(got.map((m) => [m.op, m.id])).toEqual([['scores', 'o1'], ['error', null], ['scores', 'o2'], ['error', 'o3'], ['scores', 'o4']]);
});

test('bad messages get an error with the request id, and the connection goes on', async () => {
  c.send('{"op":"score",');
  expect(await c.next()).toEqual({ op: 'error', id: null, code: 'bad_json', error: expect.stringMatching(/^message is not valid JSON/) });
  c.send({ op: 'score', id: 'r2', events: 'nope' });
  expect(await c.next()).toEqual({ op: 'error', id: 'r2', code: 'bad_request', error: '"events" must be an array of events' });
  c.send({ op: 'launch', id: 'r3' });
  expect(await c.next()).toMatchObject({ op: 'error', id: 'r3', code: 'unknown_op' });
  c.send({ op: 'score', id: 'r4', events: Array.from({ length: 101 }, (_, i) => purchase(`x${i}`, 1)) });
  expect(await c.next()).toMatchObject({ op: 'error', id: 'r4', code: 'too_many_events' });
  c.send([1, 2]);
  expect(await c.next()).toMatchObject({ op: 'error', id: null, code: 'bad_request' });

  c.send({ op: 'score', id: 'r5', events: [purchase('ok', 1)] });
  expect(await c.next()).toMatchObject({ op: 'scores', id: 'r5' });
});

test('a message over the size limit closes the connection (uWS maxPayloadLength)', async () => {
  const small = await startTestServer({ maxBodyBytes: 4096 });
  const s = await connect(small.wsUrl);
  const closed = new Promise<number>((resolve) => s.socket.once('close', (code) => resolve(code)));
  s.send({ op: 'score', id: 'big', events: [purchase('e', 1, { pad: 'z'.repeat(8192) })] });
  expect(await closed).toBe(1006);
  small.close();
});
