// Fuzz: random and broken scoring requests (arrays of valid, broken and
// non-event values; bodies that are not JSON, not UTF-8 or nested deep)
// against the real server and the real fraud pipeline, over HTTP and the
// WebSocket, many at once. Properties: never a 5xx; a request that is a JSON
// array answers every event, in order, with a score or an error naming the
// field; the WebSocket answers every message and keeps the connection; and
// the server still answers /health afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServer, type TestServer } from './helpers/server.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';
import { connect } from './helpers/ws-client.js';
import { anyMessage, configureFuzzSeed, messageJson } from './helpers/fuzz-events.js';
import { MAX_JSON_DEPTH, nestingDepth } from '../host/serve/body.js';

configureFuzzSeed();

let t: TestServer;
const { pipeline } = capturedPipeline();
beforeAll(async () => {
  t = await startTestServer({ scoring: pipeline });
});
afterAll(() => t.close());

let seq = 0;
/** A JSON array of events as text (elements as they come: deep nesting is kept). */
const request = fc.array(anyMessage, { maxLength: 20 }).map((ms) => `[${ms.map((m) => messageJson(m, `api${++seq}`)).join(',')}]`);
const rawBody = fc.oneof(
  request.map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  request.map((text) => {
    const b = Buffer.from(text);
    if (b.length > 2) b[Math.floor(b.length / 2)] = 0xff;
    return b;
  }),
);
// Nested past the limit: the whole request is refused, with no per-event answer.
const tooDeep = (text: string, outer: number) => nestingDepth(text, MAX_JSON_DEPTH + outer) > MAX_JSON_DEPTH;

function checkResults(events: unknown[], results: Record<string, unknown>[]): void {
  expect(results.length).toBe(events.length);
  for (const r of results) {
    if ('error' in r) {
      expect(typeof r.error).toBe('string');
      expect((r.error as string).length).toBeGreaterThan(0);
    } else {
      expect(r).toHaveProperty('fraudScore');
      expect(['allow', 'review', 'block']).toContain(r.decision);
    }
  }
}

describe('the scoring API under fuzzed requests', () => {
  let tried = 0;

  it('HTTP: never a 5xx; an array gets one answer per event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawBody, { minLength: 1, maxLength: 8 }), async (bodies) => {
        // Sent together: they share event-loop turns (and pipeline calls) on the server.
        const answers = await Promise.all(
          bodies.map((body) => fetch(`${t.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }))),
        );
        tried += bodies.length;
        for (const [i, a] of answers.entries()) {
          expect(a.status).toBeLessThan(500);
          let events: unknown;
          try {
            const text = new TextDecoder('utf-8', { fatal: true }).decode(bodies[i]);
            events = JSON.parse(text);
            if (tooDeep(text, 0)) {
              expect(a.status).toBe(400);
              expect(JSON.parse(a.text).error).toBe('too_deep');
              continue;
            }
          } catch {
            expect(a.status).toBe(400);
            continue;
          }
          if (!Array.isArray(events)) expect(a.status).toBe(400);
          else if (events.length > 0) checkResults(events, JSON.parse(a.text));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('WebSocket: every message answered, the connection kept', async () => {
    const clients = await Promise.all([connect(t.wsUrl), connect(t.wsUrl)]);
    let id = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 6 }), async (requests) => {
        const pending = requests.map((text, k) => {
          const c = clients[k % 2]!;
          const rid = `r${++id}`;
          const message = `{"op":"score","id":"${rid}","events":${text}}`;
          const deep = tooDeep(message, 0);
          c.send(message);
          // A message nested too deep is refused whole (its id unread): an error with id null.
          const answer = c.next<{ op: string; code?: string; results?: Record<string, unknown>[] }>((m) => (deep ? m.id === null : m.id === rid));
          return answer.then((a) => ({ events: JSON.parse(text) as unknown[], deep, answer: a }));
        });
        tried += requests.length;
        for (const { events, deep, answer } of await Promise.all(pending)) {
          if (deep) expect(answer).toMatchObject({ op: 'error', code: 'too_deep' });
          else {
            expect(answer.op).toBe('scores');
            checkResults(events, answer.results!);
          }
        }
      }),
      { numRuns: 150 },
    );
    for (const c of clients) expect(c.socket.readyState).toBe(c.socket.OPEN);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('still answers /health', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    process.stderr.write(`api fuzz: ${tried} requests\n`);
    expect(tried).toBeGreaterThan(300);
  });
});
