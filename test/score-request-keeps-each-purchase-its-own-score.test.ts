// A scoring request answers each purchase with its own score, in order, even
// when a client sends two purchases with one eventId: the answer of one
// request of several purchases is what one request per purchase gives, on
// the real pipeline and the shipped model.

import { expect, test } from 'vitest';
import { capturedPipeline } from './helpers/captured-pipeline.js';

test('purchases that share an eventId each get their own score, as when sent one by one', () => {
  const ts = Date.UTC(2026, 0, 5, 3, 0, 0);
  const signup = { eventId: 's1', type: 'signup', ts: ts - 60_000, userId: 'u1', deviceId: 'd1', ip: '10.0.0.1', country: 'DE' };
  // The same id; the second from a new device and country, a hundred times the amount, a second later.
  const events = [
    signup,
    { eventId: 'p', type: 'purchase', ts, userId: 'u1', amount: 20, deviceId: 'd1', ip: '10.0.0.1', country: 'DE', billingCountry: 'DE' },
    { eventId: 'v', type: 'view', ts: ts + 500, userId: 'u1', itemId: 'i1' },
    { eventId: 'p', type: 'purchase', ts: ts + 1000, userId: 'u1', amount: 2000, deviceId: 'd9', ip: '203.0.113.9', country: 'NG', billingCountry: 'DE' },
  ];
  const together = capturedPipeline().pipeline.score(events);
  const apart = capturedPipeline().pipeline;
  const oneByOne = events.flatMap((e) => apart.score([e]));
  expect(together).toEqual(oneByOne);
  // The two purchases' answers differ: each is its own.
  expect(together[1]).not.toEqual(together[3]);
  expect(together.map((r) => r.eventId)).toEqual(['s1', 'p', 'v', 'p']);
});
