// {"op":"subscribe"} on /ws streams alerts of the chosen topics as the
// service publishes them (uWS pub/sub), and only those.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FraudAlert, StockAlert } from '../host/core/ports.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { connect } from './helpers/ws-client.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const fraud = (eventId: string): FraudAlert => ({
  topic: 'alerts.fraud',
  ts: Date.now(),
  eventId,
  userId: 'u9',
  amount: 1999,
  fraudScore: 0.97,
  decision: 'block',
  reasons: [{ feature: 'purchases_device_1h', contribution: 2.1, text: '6 purchases from this device in the last hour (usually 0)' }],
});
const stock = (sku: string): StockAlert => ({ topic: 'alerts.stock', ts: Date.now(), sku, level: 2, reason: 'stockout risk: runout before the next delivery', runoutDate: '2024-05-03' });

test('each subscriber gets the alerts of its topics, in publish order', async () => {
  const both = await connect(t.wsUrl);
  const fraudOnly = await connect(t.wsUrl);
  both.send({ op: 'subscribe', id: 's1', topics: ['alerts.fraud', 'alerts.stock'] });
  expect(await both.next()).toEqual({ op: 'subscribed', id: 's1', topics: expect.arrayContaining(['alerts.fraud', 'alerts.stock']) });
  fraudOnly.send({ op: 'subscribe', topics: ['alerts.fraud'] });
  expect(await fraudOnly.next()).toEqual({ op: 'subscribed', id: null, topics: ['alerts.fraud'] });

  const f1 = fraud('f1');
  const s1 = stock('S1');
  t.server.publish(f1);
  t.server.publish(s1);
  t.server.publish(fraud('f2'));

  expect(await both.next()).toEqual({ op: 'alert', alert: f1 });
  expect(await both.next()).toEqual({ op: 'alert', alert: s1 });
  expect(await both.next()).toMatchObject({ op: 'alert', alert: { eventId: 'f2' } });
  expect(await fraudOnly.next()).toMatchObject({ op: 'alert', alert: { eventId: 'f1' } });
  expect(await fraudOnly.next()).toMatchObject({ op: 'alert', alert: { eventId: 'f2' } });
  await expect(fraudOnly.next(() => true, 300)).rejects.toThrow('no matching message');

  await both.close();
  await fraudOnly.close();
});

test('after unsubscribing no more alerts arrive; unknown topics are refused', async () => {
  const c = await connect(t.wsUrl);
  c.send({ op: 'subscribe', topics: ['alerts.stock'] });
  await c.next();
  c.send({ op: 'subscribe', id: 'x', topics: ['alerts.*'] });
  expect(await c.next()).toMatchObject({ op: 'error', id: 'x', code: 'unknown_topic' });
  c.send({ op: 'unsubscribe', topics: ['alerts.stock'] });
  expect(await c.next()).toEqual({ op: 'unsubscribed', id: null, topics: [] });
  t.server.publish(stock('S2'));
  await expect(c.next(() => true, 300)).rejects.toThrow('no matching message');
  await c.close();
});

test('the stats topic carries the live numbers', async () => {
  const c = await connect(t.wsUrl);
  c.send({ op: 'subscribe', topics: ['stats'] });
  await c.next();
  t.server.publishStats({ eventsPerSecond: 1234 });
  expect(await c.next()).toEqual({ op: 'stats', stats: { eventsPerSecond: 1234 } });
  await c.close();
});
