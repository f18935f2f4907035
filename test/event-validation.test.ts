// Every event is checked against SPEC.md's schema: valid ones come out typed
// (epoch-ms timestamps, numeric IPv4), invalid ones with a reason naming the
// field, never an exception.

import { describe, expect, it } from 'vitest';
import { parseEvent, validateEvent, ipv4ToNumber } from '../host/core/schema.js';

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

  it('reads an IPv4 address as the dotted-quad pattern does, and nothing else', () => {
    // The rule written as a pattern: four parts of 1 to 3 ASCII digits, each at most 255.
    const byPattern = (ip: string): number | undefined => {
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
      if (!m || m.slice(1).some((p) => Number(p) > 255)) return undefined;
      return m.slice(1).reduce((n, p) => n * 256 + Number(p), 0);
    };
    const fixed = ['0.0.0.0', '1.2.3.4', '001.002.003.004', '10.0.0.255', '192.168.1.1', '255.255.255.255', '255.255.255.256', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.0004', '1.2.3.a', '١.٢.٣.٤', '::1', '2001:db8::1', '', '.', '...', '999.1.1.1', '1.2.3.-4', '+1.2.3.4'];
    // And random near-addresses: 3 to 5 parts of 0 to 4 digits, now and then a stray character.
    let seed = 7;
    const rand = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % k;
    const part = () => Array.from({ length: rand(10) === 0 ? 4 * rand(2) : 1 + rand(3) }, () => '0123456789255'[rand(13)]).join('') + (rand(20) === 0 ? 'a: -'[rand(4)] : '');
    const random = Array.from({ length: 20000 }, () => Array.from({ length: rand(4) === 0 ? 3 + 2 * rand(2) : 4 }, part).join('.'));
    let valid = 0;
    for (const ip of [...fixed, ...random]) {
      expect(ipv4ToNumber(ip), ip).toBe(byPattern(ip));
      if (byPattern(ip) !== undefined) valid++;
    }
    expect(valid).toBeGreaterThan(1000);
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
