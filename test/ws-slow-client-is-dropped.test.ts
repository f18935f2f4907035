// Backpressure: a WebSocket client that never reads is dropped once
// maxBackpressureBytes are waiting for it, on the request/response path and
// on the pub/sub path, so the server's memory stays bounded however much it
// is asked to send. The control run, with a limit too large to matter,
// shows the same flood growing memory by hundreds of MB: the measurement
// would catch a missing limit.
import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { FraudAlert } from '../host/core/ports.js';
import { purchase, startTestServer, type TestServer } from './helpers/server.js';
import { connect, type JsonClient } from './helpers/ws-client.js';

const LIMIT = 256 * 1024;
const FLOOD = 256 * 1024 * 1024;
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestServer | undefined;
afterEach(() => t?.close());

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
  return cond();
}

/** A subscriber that stops reading right after subscribing. */
async function stalledSubscriber(server: TestServer): Promise<JsonClient> {
  const c = await connect(server.wsUrl);
  c.send({ op: 'subscribe', topics: ['alerts.fraud'] });
  await c.next();
  c.socket.pause();
  return c;
}

/** Publishes FLOOD bytes of alerts while one subscriber does not read; the largest RSS growth seen. */
async function floodAlerts(server: TestServer): Promise<number> {
  const alert: FraudAlert = {
    topic: 'alerts.fraud', ts: 0, eventId: 'e', userId: 'u', amount: 1, fraudScore: 0.99, decision: 'block',
    reasons: [{ feature: 'f', contribution: 1, text: 'r'.repeat(64 * 1024) }],
  };
  const rss0 = process.memoryUsage.rss();
  let peak = 0;
  for (let sent = 0; sent < FLOOD; sent += 64 * 1024) {
    server.server.publish(alert);
    // Yield often: a reading client in this same process must get its turn to read.
    if (sent % (128 * 1024) === 0) await sleep(1);
    if (sent % (8 * MB) === 0) peak = Math.max(peak, process.memoryUsage.rss() - rss0);
  }
  await sleep(1200); // one sweep
  return Math.max(peak, process.memoryUsage.rss() - rss0);
}

test('a client that sends score requests but never reads the answers is dropped', async () => {
  t = await startTestServer({ maxBackpressureBytes: LIMIT });
  const drops: number[] = [];
  t.instrumentation.on('ws.backpressure.drop', (p) => drops.push(p.bufferedBytes));
  const c = await connect(t.wsUrl);
  c.socket.pause();
  const closed = new Promise<void>((resolve) => c.socket.once('close', () => resolve()));
  // ~25 KB answers; 20,000 of them (500 MB) would be sent if the client were kept.
  const request = JSON.stringify({ op: 'score', id: 'r', events: Array.from({ length: 100 }, (_, i) => purchase(`e${i}`, 5000)) });
  const rss0 = process.memoryUsage.rss();
  for (let i = 0; i < 20_000 && c.socket.readyState === c.socket.OPEN; i++) {
    c.socket.send(request);
    if (i % 200 === 0) await sleep(1);
  }
  expect(await until(() => t!.server.connections === 0, 10_000)).toBe(true);
  expect(drops).toHaveLength(1);
  // Dropped as soon as more than the limit was waiting: at most the limit plus one answer.
  expect(drops[0]).toBeGreaterThan(LIMIT);
  expect(drops[0]).toBeLessThan(LIMIT + 64 * 1024);
  expect(process.memoryUsage.rss() - rss0).toBeLessThan(96 * MB);
  c.socket.resume();
  await closed;
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  expect(metrics).toMatch(/^streamscore_ws_backpressure_drops_total 1$/m);
  expect(metrics).toMatch(/^streamscore_ws_connections 0$/m);
});

test('an alert subscriber that never reads is dropped and memory stays bounded; the others keep receiving', async () => {
  t = await startTestServer({ maxBackpressureBytes: LIMIT });
  let drops = 0;
  t.instrumentation.on('ws.backpressure.drop', () => drops++);
  const stalled = await stalledSubscriber(t);
  // A plain client that only counts (a queueing client would itself hold the 256 MB).
  const reader = new WebSocket(t.wsUrl);
  await new Promise((resolve) => reader.once('open', resolve));
  reader.send(JSON.stringify({ op: 'subscribe', topics: ['alerts.fraud'] }));
  await new Promise((resolve) => reader.once('message', resolve));
  let received = 0;
  reader.on('message', () => received++);

  const growth = await floodAlerts(t);
  expect(growth).toBeLessThan(96 * MB); // of 256 MB published
  expect(await until(() => t!.server.connections === 1, 5000)).toBe(true);
  expect(drops).toBe(1); // the stalled one (it is paused, so it has not noticed yet)
  // The reader got every alert published (the server stayed responsive for it).
  expect(await until(() => received === FLOOD / (64 * 1024), 5000)).toBe(true);
  reader.close();
  stalled.socket.terminate();
});

test('control: with a limit too large to matter, the same flood grows memory by the flood', async () => {
  t = await startTestServer({ maxBackpressureBytes: 2 * FLOOD });
  const stalled = await stalledSubscriber(t);
  const growth = await floodAlerts(t);
  expect(growth).toBeGreaterThan(160 * MB);
  expect(t.server.connections).toBe(1);
  stalled.socket.terminate();
  await until(() => t!.server.connections === 0, 5000);
});
