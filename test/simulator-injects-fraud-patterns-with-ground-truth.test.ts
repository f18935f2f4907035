// Each injected fraud pattern shows in the events with its signature, the
// ground truth names it (outside the events), and chargebacks arrive later
// as labels: fraud=true exactly for injected purchases.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Event, LabelEvent, PurchaseEvent, SignupEvent } from '../host/core/schema.js';
import { Simulator, type FraudPattern } from '../host/simulator/simulator.js';

const streamed: { id: string; pattern: FraudPattern }[] = [];
const sim = new Simulator({
  seed: 3,
  rate: 50,
  fraud: { 'card-testing': 4, 'account-takeover': 8, 'device-farm': 3, 'velocity-burst': 4 },
  labelDelayMs: 10 * 60_000,
  onInjected: (id, pattern) => streamed.push({ id, pattern }),
});
let events: Event[] = [];
/** Episodes that started this long before the end had time to finish. */
let complete = 0;
const byPattern = new Map<FraudPattern, Event[]>();
const purchases = new Map<string, PurchaseEvent>();

beforeAll(() => {
  events = sim.next(400_000);
  complete = events.at(-1)!.ts - 2 * 3_600_000;
  for (const e of events) {
    const p = sim.injected(e.eventId);
    if (p) byPattern.set(p, [...(byPattern.get(p) ?? []), e]);
    if (e.type === 'purchase') purchases.set(e.eventId, e);
  }
});

const ofUser = (xs: Event[]) => {
  const m = new Map<string, Event[]>();
  for (const e of xs) if ('userId' in e) m.set(e.userId, [...(m.get(e.userId) ?? []), e]);
  return m;
};
const buys = (xs: Event[]) => xs.filter((e): e is PurchaseEvent => e.type === 'purchase');

describe('injected fraud', () => {
  it('card testing: a new account makes 8+ tiny purchases, each with another card, within minutes', () => {
    const users = ofUser(byPattern.get('card-testing') ?? []);
    expect(users.size).toBeGreaterThanOrEqual(3);
    for (const [, xs] of users) {
      if (xs[0]!.ts > complete) continue;
      expect(xs[0]!.type).toBe('signup');
      const tiny = buys(xs).filter((p) => p.amount <= 5);
      expect(tiny.length).toBeGreaterThanOrEqual(8);
      expect(new Set(tiny.map((p) => p.paymentMethod)).size).toBe(tiny.length);
      expect(tiny.at(-1)!.ts - tiny[0]!.ts).toBeLessThan(30 * 60_000);
    }
  });

  it('account takeover: a known customer buys dear baskets from a new device in another country', () => {
    const ato = buys(byPattern.get('account-takeover') ?? []);
    expect(ato.length).toBeGreaterThanOrEqual(10);
    const legitDevices = new Map<string, Set<string>>();
    for (const e of events) {
      if (sim.injected(e.eventId) || !('deviceId' in e) || !e.deviceId) continue;
      const u = (e as PurchaseEvent).userId;
      legitDevices.set(u, (legitDevices.get(u) ?? new Set()).add(e.deviceId));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const legitAmounts = [...purchases.values()].filter((p) => !sim.injected(p.eventId)).map((p) => p.amount);
    for (const p of ato) {
      expect(p.country).not.toBe(p.billingCountry);
      expect(legitDevices.get(p.userId)?.has(p.deviceId!) ?? false).toBe(false);
      expect(p.userId).toMatch(/^u\d+$/);
      expect(Number(p.userId.slice(1))).toBeLessThanOrEqual(20_000); // an account that existed before
    }
    expect(median(ato.map((p) => p.amount))).toBeGreaterThan(3 * median(legitAmounts));
  });

  it('device farm: 5+ new accounts from one device and one /24, each buying soon after signing up', () => {
    const xs = byPattern.get('device-farm') ?? [];
    const byDevice = new Map<string, Event[]>();
    for (const e of xs) byDevice.set((e as SignupEvent).deviceId!, [...(byDevice.get((e as SignupEvent).deviceId!) ?? []), e]);
    expect(byDevice.size).toBeGreaterThanOrEqual(3);
    for (const [, ds] of byDevice) {
      if (ds[0]!.ts > complete) continue;
      const signups = ds.filter((e): e is SignupEvent => e.type === 'signup');
      expect(signups.length).toBeGreaterThanOrEqual(5);
      expect(new Set(signups.map((s) => s.userId)).size).toBe(signups.length);
      expect(new Set(ds.map((e) => (e as SignupEvent).ip!.split('.').slice(0, 3).join('.'))).size).toBe(1);
      for (const p of buys(ds)) {
        const s = signups.find((x) => x.userId === p.userId)!;
        expect(p.ts - s.ts).toBeLessThanOrEqual(10 * 60_000);
      }
    }
  });

  it('velocity burst: a known customer places 6+ orders on one new card, tens of seconds apart', () => {
    // One burst per (customer, card): a customer may be hit twice, each time with another card.
    const bursts = new Map<string, PurchaseEvent[]>();
    for (const p of buys(byPattern.get('velocity-burst') ?? [])) bursts.set(`${p.userId} ${p.paymentMethod}`, [...(bursts.get(`${p.userId} ${p.paymentMethod}`) ?? []), p]);
    expect(bursts.size).toBeGreaterThanOrEqual(3);
    const legitCards = new Set(events.filter((e): e is PurchaseEvent => e.type === 'purchase' && !sim.injected(e.eventId)).map((p) => `${p.userId} ${p.paymentMethod}`));
    for (const [key, ps] of bursts) {
      expect(legitCards.has(key)).toBe(false);
      if (ps[0]!.ts > complete) continue;
      expect(ps.length).toBeGreaterThanOrEqual(6);
      expect((ps.at(-1)!.ts - ps[0]!.ts) / (ps.length - 1)).toBeLessThan(90_000);
    }
  });

  it('the truth is outside the events: onInjected streams the same facts, legitimate events have none', () => {
    const truth = events.filter((e) => sim.injected(e.eventId)).map((e) => ({ id: e.eventId, pattern: sim.injected(e.eventId)! }));
    expect(streamed.slice(0, truth.length)).toEqual(truth);
    const share = truth.length / events.length;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.2);
  });

  it('labels come later for purchases: fraud=true exactly for injected ones, most of them charged back', () => {
    const labels = events.filter((e): e is LabelEvent => e.type === 'label');
    const seen = new Map(events.map((e, k) => [e.eventId, k]));
    let fraudLabels = 0;
    for (const l of labels) {
      const p = purchases.get(l.purchaseEventId)!;
      expect(p, `label of an unknown purchase ${l.purchaseEventId}`).toBeDefined();
      expect(seen.get(p.eventId)!).toBeLessThan(seen.get(l.eventId)!);
      expect(l.ts - p.ts).toBeGreaterThanOrEqual(60_000);
      expect(l.fraud).toBe(sim.injected(p.eventId) !== undefined);
      if (l.fraud) fraudLabels++;
    }
    // Purchases early enough for their label to have come: most injected ones were charged back.
    const end = events.at(-1)!.ts;
    const due = [...purchases.values()].filter((p) => sim.injected(p.eventId) && p.ts < end - 60 * 60_000);
    const charged = new Set(labels.filter((l) => l.fraud).map((l) => l.purchaseEventId));
    expect(due.filter((p) => charged.has(p.eventId)).length / due.length).toBeGreaterThan(0.85);
    expect(fraudLabels).toBeGreaterThan(50);
  });
});
