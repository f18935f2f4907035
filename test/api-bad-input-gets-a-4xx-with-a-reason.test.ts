// Bad input to the scoring API gets a 4xx with a reason, and never costs
// anyone else their answer: invalid UTF-8 is an error (never silently
// replaced), nesting past the limit is a 400 (not a stack overflow), a 20 MB
// body gets a 413 the client can read, an event the engines cannot take
// (a far-future time) is that event's own error while the rest of its
// request is scored, and requests of other clients in the same turn are
// scored as usual. On the WebSocket the same holds per message; a text frame
// that is not UTF-8 fails only its own connection (RFC 6455 8.1).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './helpers/server.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';
import { connect } from './helpers/ws-client.js';

let t: TestServer;
const { pipeline } = capturedPipeline();
const ts = Date.UTC(2026, 0, 1);
const good = (id: string) => ({ eventId: id, type: 'purchase', ts, userId: 'u1', amount: 20 });
const poison = (id: string) => ({ eventId: id, type: 'purchase', ts: 8e15, userId: 'u1', amount: 20 });

beforeAll(async () => {
  t = await startTestServer({ scoring: pipeline, maxBodyBytes: 1 << 20 });
});
afterAll(() => t.close());

function post(body: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /v1/score', () => {
  it('invalid UTF-8 is a 400 bad_encoding, not a silently altered event', async () => {
    const text = Buffer.from(JSON.stringify([good('a')]));
    const bad = Buffer.concat([text.subarray(0, 20), Buffer.from([0xff, 0xfe]), text.subarray(20)]);
    const r = await post(bad);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ error: 'bad_encoding', message: 'request body is not valid UTF-8' });
  });

  it('100,000-deep nesting is a 400 too_deep', async () => {
    const r = await post('[' + '['.repeat(100_000) + ']'.repeat(100_000) + ']');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toBe('too_deep');
    const r2 = await post(`[{"eventId":"x","type":"purchase","ts":1,"userId":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`);
    expect(r2.status).toBe(400);
  });

  it('a 20 MB body gets a 413 that the client can read', async () => {
    const r = await post(Buffer.alloc(20 << 20, 0x20));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toBe('payload_too_large');
  });

  it('an event the engines cannot take is its own error; the rest of the request is scored', async () => {
    const r = await post(JSON.stringify([good('g1'), poison('p1'), good('g2')]));
    expect(r.status).toBe(200);
    const results = JSON.parse(r.body);
    expect(results.map((x: { eventId: string }) => x.eventId)).toEqual(['g1', 'p1', 'g2']);
    expect(typeof results[0].fraudScore).toBe('number');
    expect(results[1]).toMatchObject({ eventId: 'p1', field: 'ts' });
    expect(results[1].error).toMatch(/^ts: must be between 1970-01-01 and 5138/);
    expect(typeof results[2].fraudScore).toBe('number');
  });

  it('requests of other clients scored in the same turn are not affected', async () => {
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => post(JSON.stringify(i % 5 === 0 ? [poison(`p${i}`)] : [good(`g${i}`)]))));
    for (const [i, r] of all.entries()) {
      const [result] = JSON.parse(r.body);
      if (i % 5 === 0) {
        expect(r.status).toBe(422);
        expect(result.field).toBe('ts');
      } else {
        expect(r.status).toBe(200);
        expect(typeof result.fraudScore).toBe('number');
      }
    }
  });
});

describe('WebSocket /ws', () => {
  it('a poison event is its own error, the rest of the message is scored, and other clients are not affected', async () => {
    const a = await connect(t.wsUrl);
    const b = await connect(t.wsUrl);
    a.send({ op: 'score', id: 'a1', events: [good('wa1'), poison('wa2')] });
    b.send({ op: 'score', id: 'b1', events: [good('wb1')] });
    const ra = await a.next<{ results: Record<string, unknown>[] }>((m) => m.id === 'a1');
    const rb = await b.next<{ results: Record<string, unknown>[] }>((m) => m.id === 'b1');
    expect(typeof ra.results[0]!.fraudScore).toBe('number');
    expect(ra.results[1]).toMatchObject({ eventId: 'wa2', field: 'ts' });
    expect(typeof rb.results[0]!.fraudScore).toBe('number');
    await a.close();
    await b.close();
  });

  it('bad encoding and nesting in a binary frame are error answers; the connection stays', async () => {
    const c = await connect(t.wsUrl);
    c.socket.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: true });
    expect(await c.next()).toMatchObject({ op: 'error', code: 'bad_encoding' });
    c.send('{"op":"score","events":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(await c.next()).toMatchObject({ op: 'error', code: 'too_deep' });
    c.socket.send(Buffer.from(JSON.stringify({ op: 'score', id: 'bin', events: [good('wbin')] })), { binary: true });
    const r = await c.next<{ results: Record<string, unknown>[] }>((m) => m.id === 'bin');
    expect(typeof r.results[0]!.fraudScore).toBe('number');
    await c.close();
  });

  it('a text frame that is not UTF-8 fails only its own connection', async () => {
    const other = await connect(t.wsUrl);
    const bad = new WebSocket(t.wsUrl);
    await new Promise((r) => bad.once('open', r));
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)));
    bad.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    expect([1006, 1007]).toContain(await closed);
    other.send({ op: 'score', id: 'o1', events: [good('wo1')] });
    const r = await other.next<{ results: Record<string, unknown>[] }>((m) => m.id === 'o1');
    expect(typeof r.results[0]!.fraudScore).toBe('number');
    await other.close();
  });
});
