// The injected fraud patterns. Each episode is written out as a short script
// of events when it starts (episodes are rare, so this costs little) and
// played back in event time; every event of an episode is recorded as
// ground truth, and each of its purchases may get a chargeback label later.
//
//   card-testing:     a new account on a fresh device behind a foreign IP makes
//                     8-40 tiny purchases ($0.50-$5) seconds apart, each with a
//                     different card, then (60%) one large purchase with one of them
//   account-takeover: an existing customer's account, from a device it never
//                     used and an IP in another country, looks at 0-3 dear items
//                     and buys 1-3 dear baskets; billing country stays the victim's
//   device-farm:      5-25 new accounts signed up from one device and one /24,
//                     minutes apart, each buying within seconds to minutes of signing up
//   velocity-burst:   an existing customer's account on its usual device adds a
//                     new card and places 6-20 orders of $50-$400, tens of seconds apart

import type { Event } from '../core/schema.js';
import { itemIn } from './catalogue.js';
import { after, money, type Actor, type FraudPattern, type SimContext } from './sim-context.js';
import { profile } from './shoppers.js';
import { attackCountry, BROWSERS, cardAt, COUNTRIES, countryAt, deviceId, ipIn, ipInSubnet } from './world.js';

/** Plays a fraud episode's events in order, recording each as injected. */
export class Episode implements Actor {
  ts: number;
  seq = 0;
  done = false;
  private k = 0;

  constructor(private readonly pattern: FraudPattern, private readonly events: Event[]) {
    this.ts = events[0]!.ts;
  }

  step(ctx: SimContext): Event {
    const e = this.events[this.k++]!;
    e.eventId = ctx.eventId();
    ctx.injected(e.eventId, this.pattern, e.type === 'purchase');
    if (e.type === 'purchase') ctx.purchased(e, true);
    if (this.k < this.events.length) this.ts = this.events[this.k]!.ts;
    else this.done = true;
    return e;
  }
}

/** Mean events of each episode (for the rate calibration), labels aside. */
export const EPISODE_EVENTS: Record<FraudPattern, { events: number; purchases: number }> = {
  'card-testing': { events: 1 + 24 + 0.6, purchases: 24.6 },
  'account-takeover': { events: 1.5 + 2, purchases: 2 },
  'device-farm': { events: 2 * 15, purchases: 15 },
  'velocity-burst': { events: 13, purchases: 13 },
};

/** The events of one episode starting at ts (event ids are given as they are played). */
export function episode(ctx: SimContext, pattern: FraudPattern, ts: number): Episode {
  switch (pattern) {
    case 'card-testing': return new Episode(pattern, cardTesting(ctx, ts));
    case 'account-takeover': return new Episode(pattern, accountTakeover(ctx, ts));
    case 'device-farm': return new Episode(pattern, deviceFarm(ctx, ts));
    case 'velocity-burst': return new Episode(pattern, velocityBurst(ctx, ts));
  }
}

const ID = ''; // replaced when played

function cardTesting(ctx: SimContext, ts: number): Event[] {
  const r = ctx.rng;
  const cat = ctx.catalogue;
  const user = `u${ctx.newUser() + 1}`;
  const where = attackCountry(r);
  const ip = ipIn(where, r.next(), r.next());
  const device = deviceId(ctx.seed, 0xc7, ctx.serial());
  const browser = r.pick(BROWSERS);
  const out: Event[] = [{ eventId: ID, type: 'signup', ts, userId: user, deviceId: device, ip, country: where.code, source: 'Direct', browser, age: r.int(18, 40), sex: r.chance(0.7) ? 'M' : 'F' }];
  let t = after(ts, r.logNormal(30_000, 0.5));
  const cards: string[] = [];
  const tries = r.int(8, 40);
  for (let k = 0; k < tries; k++) {
    let card = cardAt(r.next(), r.next());
    while (cards.includes(card)) card = cardAt(r.next(), r.next());
    cards.push(card);
    const item = cat.cheap[r.int(0, cat.cheap.length - 1)]!;
    out.push({
      eventId: ID, type: 'purchase', ts: t, userId: user, amount: money(r.range(0.5, 5)), currency: 'USD', itemIds: [cat.ids[item]!],
      deviceId: device, ip, country: where.code, billingCountry: COUNTRIES[countryAt(r.next())]!.code, paymentMethod: card, browser,
    });
    t = after(t, r.logNormal(12_000, 0.6));
  }
  if (r.chance(0.6)) {
    const items = dearBasket(ctx, r.int(2, 4));
    out.push({
      eventId: ID, type: 'purchase', ts: after(t, r.logNormal(120_000, 0.5)), userId: user, amount: basketAmount(ctx, items), currency: 'USD',
      itemIds: items.map((i) => cat.ids[i]!), deviceId: device, ip, country: where.code,
      billingCountry: COUNTRIES[countryAt(r.next())]!.code, paymentMethod: r.pick(cards), browser,
    });
  }
  return out;
}

function accountTakeover(ctx: SimContext, ts: number): Event[] {
  const r = ctx.rng;
  const cat = ctx.catalogue;
  const victim = profile(ctx, r.int(0, ctx.establishedUsers - 1));
  const where = attackCountry(r, [victim.country.code, victim.billingCountry]);
  const ip = ipIn(where, r.next(), r.next());
  const device = deviceId(ctx.seed, 0xa70, ctx.serial());
  const browser = r.pick(BROWSERS);
  const session = ctx.sessionId();
  const out: Event[] = [];
  let t = ts;
  const views = r.int(0, 3);
  for (let k = 0; k < views; k++) {
    const item = cat.dear[r.int(0, cat.dear.length - 1)]!;
    out.push({ eventId: ID, type: 'view', ts: t, userId: victim.userId, itemId: cat.ids[item]!, sessionId: session });
    t = after(t, r.logNormal(15_000, 0.5));
  }
  const payment = r.chance(0.6) ? victim.payments[0]! : cardAt(r.next(), r.next());
  const orders = r.int(1, 3);
  for (let k = 0; k < orders; k++) {
    const items = dearBasket(ctx, r.int(1, 3));
    out.push({
      eventId: ID, type: 'purchase', ts: t, userId: victim.userId, amount: basketAmount(ctx, items), currency: 'USD',
      itemIds: items.map((i) => cat.ids[i]!), deviceId: device, ip, country: where.code, billingCountry: victim.billingCountry,
      paymentMethod: payment, source: victim.source, browser,
    });
    t = after(t, r.logNormal(60_000, 0.6));
  }
  return out;
}

function deviceFarm(ctx: SimContext, ts: number): Event[] {
  const r = ctx.rng;
  const cat = ctx.catalogue;
  const where = attackCountry(r);
  const subnet = ipIn(where, r.next(), r.next()).split('.').slice(0, 3).join('.');
  const device = deviceId(ctx.seed, 0xfa4, ctx.serial());
  const browser = r.pick(BROWSERS);
  const category = r.int(0, cat.byCategory.length - 1);
  const accounts = r.int(5, 25);
  const out: Event[] = [];
  let t = ts;
  for (let k = 0; k < accounts; k++) {
    const user = `u${ctx.newUser() + 1}`;
    const ip = ipInSubnet(subnet, r.next());
    out.push({ eventId: ID, type: 'signup', ts: t, userId: user, deviceId: device, ip, country: where.code, source: r.chance(0.5) ? 'Ads' : 'SEO', browser, age: r.int(18, 60), sex: r.chance(0.5) ? 'M' : 'F' });
    const buyAt = after(t, r.chance(0.5) ? r.range(0, 59_000) : r.range(60_000, 600_000));
    const items = [itemIn(cat, category, r)];
    if (r.chance(0.4)) items.push(itemIn(cat, category, r));
    out.push({
      eventId: ID, type: 'purchase', ts: buyAt, userId: user, amount: basketAmount(ctx, items), currency: 'USD',
      itemIds: items.map((i) => cat.ids[i]!), deviceId: device, ip, country: where.code,
      billingCountry: COUNTRIES[countryAt(r.next())]!.code, paymentMethod: cardAt(r.next(), r.next()), browser,
    });
    t = after(t, r.logNormal(180_000, 0.5));
  }
  return out.sort((a, b) => a.ts - b.ts);
}

function velocityBurst(ctx: SimContext, ts: number): Event[] {
  const r = ctx.rng;
  const cat = ctx.catalogue;
  const user = profile(ctx, r.int(0, ctx.establishedUsers - 1));
  const card = cardAt(r.next(), r.next());
  const orders = r.int(6, 20);
  const out: Event[] = [];
  let t = ts;
  for (let k = 0; k < orders; k++) {
    out.push({
      eventId: ID, type: 'purchase', ts: t, userId: user.userId, amount: money(r.range(50, 400)), currency: 'USD',
      itemIds: [cat.ids[itemIn(cat, r.pick(user.categories), r)]!], deviceId: user.devices[0]!, ip: user.homeIp,
      country: user.country.code, billingCountry: user.billingCountry, paymentMethod: card, source: user.source, browser: user.browser,
    });
    t = after(t, r.logNormal(25_000, 0.5));
  }
  return out;
}

function dearBasket(ctx: SimContext, n: number): number[] {
  const dear = ctx.catalogue.dear;
  return Array.from({ length: n }, () => dear[ctx.rng.int(0, dear.length - 1)]!);
}

function basketAmount(ctx: SimContext, items: number[]): number {
  let s = 0;
  for (const i of items) s += ctx.catalogue.price[i]!;
  return money(s);
}
