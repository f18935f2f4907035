// Every event is checked against SPEC.md's schema: valid ones come out typed
// (epoch-ms timestamps, numeric IPv4), invalid ones with a reason naming the
// field, never an exception.

import { describe, expect, it } from 'vitest';
import { parseEvent, validateEvent, ipv4ToNumber } from '../host/events/schema.js';

describe('event validation', () => {
  it('accepts each event type and normalises ts and ip', () => {
    const ok = [
      { eventId: 'e1', type: 'signup', ts: '2015-01-01T10:00:00Z', userId: 'u1', ip: '1.2.3.4', age: 33, sex: 'M' },
      { eventId: 'e2', type: 'purchase', ts: 1420106400000, userId: 'u1', amount: 0, itemIds: ['a', 7], ip: 16909060 },
      { eventId: 'e3', type: 'view', ts: 1, userId: 'u1', itemId: 'i1' },
      { eventId: 'e4', type: 'cart', ts: 1, userId: 'u1', itemId: 'i1', sessionId: 's' },
      { eventId: 'e5', type: 'sale', ts: 1, sku: 'A', qty: 2 },
      { eventId: 'e6', type: 'stock', ts: 1, sku: 'A', level: 0, leadTimeDays: 3 },
      { eventId: 'e7', type: 'label', ts: 1, purchaseEventId: 'e2', fraud: true },
    ];
    for (const e of ok) expect(validateEvent(e).ok, JSON.stringify(e)).toBe(true);
    const signup = validateEvent(ok[0]);
    expect(signup.ok && signup.event.ts).toBe(Date.UTC(2015, 0, 1, 10));
    expect(signup.ok && signup.event.type === 'signup' && signup.event.ipNum).toBe(0x01020304);
    const purchase = validateEvent(ok[1]);
    expect(purchase.ok && purchase.event.type === 'purchase' && purchase.event.itemIds).toEqual(['a', '7']);
    expect(ipv4ToNumber('255.255.255.255')).toBe(4294967295);
    expect(ipv4ToNumber('256.1.1.1')).toBeUndefined();
  });

  it('names the field that is wrong', () => {
    const cases: [unknown, string][] = [
      [{ type: 'view', ts: 1, userId: 'u', itemId: 'i' }, 'eventId'],
      [{ eventId: 'x', type: 'refund', ts: 1 }, 'type'],
      [{ eventId: 'x', type: 'view', userId: 'u', itemId: 'i' }, 'ts'],
      [{ eventId: 'x', type: 'view', ts: 'yesterday', userId: 'u', itemId: 'i' }, 'ts'],
      [{ eventId: 'x', type: 'purchase', ts: 1, userId: 'u', amount: -5 }, 'amount'],
      [{ eventId: 'x', type: 'purchase', ts: 1, userId: 'u', amount: '5' }, 'amount'],
      [{ eventId: 'x', type: 'purchase', ts: 1, amount: 5 }, 'userId'],
      [{ eventId: 'x', type: 'stock', ts: 1, sku: 'A', level: -1 }, 'level'],
      [{ eventId: 'x', type: 'label', ts: 1, purchaseEventId: 'p', fraud: 'yes' }, 'fraud'],
      [{ eventId: 'x', type: 'purchase', ts: 1, userId: 'u', amount: 1, itemIds: 'a' }, 'itemIds'],
      [{ eventId: 'x', type: 'signup', ts: 1, userId: 'u', ip: 1e12 }, 'ip'],
    ];
    for (const [e, field] of cases) {
      const r = validateEvent(e);
      expect(r.ok, JSON.stringify(e)).toBe(false);
      if (!r.ok) expect(r.field, r.reason).toBe(field);
    }
  });

  it('turns bad JSON and non-objects into reasons', () => {
    const a = parseEvent('{"eventId": ');
    expect(a.ok).toBe(false);
    expect(!a.ok && a.reason).toMatch(/not valid JSON/);
    expect(parseEvent('[1,2]').ok).toBe(false);
    expect(parseEvent('null').ok).toBe(false);
  });
});
