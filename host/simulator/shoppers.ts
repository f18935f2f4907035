// Simulated shoppers and their sessions. A shopper's profile (country, home
// IP, devices, browser, payment instruments, favourite categories) is a pure
// function of (seed, user index), so nothing is stored per user and a
// returning shopper looks the same every time. A session is a small state
// machine: an optional signup (a new user), views of items from one or two
// favourite categories, some added to the cart, and sometimes a purchase of
// the cart.

import type { Event } from '../core/schema.js';
import { itemIn } from './catalogue.js';
import { hashUnit } from './random.js';
import { after, money, type Actor, type SimContext } from './sim-context.js';
import { browserAt, COUNTRIES, countryAt, deviceId, ipIn, paymentAt, sourceAt, type Country } from './world.js';

export interface Profile {
  index: number;
  userId: string;
  country: Country;
  billingCountry: string;
  homeIp: string;
  devices: string[];
  browser: string;
  source: string;
  age: number;
  sex: string;
  payments: string[];
  categories: number[];
}

const USER = 0x05e7;

/** The profile of user `index` (ids are "u" + (index + 1)). */
export function profile(ctx: SimContext, index: number): Profile {
  const h = (k: number) => hashUnit(ctx.seed, USER, index, k);
  const country = COUNTRIES[countryAt(h(1))]!;
  const nDevices = h(2) < 0.6 ? 1 : h(2) < 0.9 ? 2 : 3;
  const devices = Array.from({ length: nDevices }, (_, k) => deviceId(ctx.seed, index, k));
  const nPay = h(3) < 0.7 ? 1 : 2;
  const payments = Array.from({ length: nPay }, (_, k) => paymentAt(h(10 + k), h(20 + k), h(30 + k)));
  const cats = ctx.catalogue.categoryCum;
  const categories = [0, 1, 2].map((k) => {
    const x = h(40 + k) * cats[cats.length - 1]!;
    let c = 0;
    while (cats[c]! <= x) c++;
    return c;
  });
  const abroad = h(5) < 0.02;
  return {
    index,
    userId: `u${index + 1}`,
    country,
    billingCountry: abroad ? COUNTRIES[countryAt(h(6))]!.code : country.code,
    homeIp: ipIn(country, h(7), h(8)),
    devices,
    browser: browserAt(h(9)),
    source: sourceAt(h(50)),
    age: 18 + Math.floor(Math.pow(h(51), 1.4) * 57),
    sex: h(52) < 0.5 ? 'M' : 'F',
    payments,
    categories,
  };
}

/** The shape of a normal session (see docs/SIMULATOR.md). */
export const SESSION = {
  /** Mean views per session (1 + geometric). */
  meanViews: 6,
  /** Chance a viewed item goes into the cart. */
  cartChance: 0.15,
  /** Chance a session with a cart ends in a purchase. */
  buyChance: 0.5,
  /** Chance a returning shopper's session uses a mobile IP instead of the home one. */
  mobileChance: 0.15,
} as const;

/** Expected events of one normal session, given the chance it starts with a signup. */
export function sessionEvents(newUserShare: number): { events: number; purchases: number } {
  const { meanViews: mv, cartChance: pc, buyChance: pb } = SESSION;
  const q = 1 / mv; // views = 1 + geometric(q): mean 1 + (1 - q) / q = mv
  const x = 1 - pc;
  const noCart = (x * q) / (1 - (1 - q) * x); // E[x^views]
  const purchases = (1 - noCart) * pb;
  return { events: newUserShare + mv * (1 + pc) + purchases, purchases };
}

/** One shopper's visit: signup (if new), views, carts, maybe a purchase. */
export class Session implements Actor {
  ts: number;
  seq = 0;
  done = false;
  /** The profile while the signup is pending (dropped after it, to keep live sessions small). */
  private signup: Profile | null;
  private viewsLeft: number;
  private pendingCart = -1;
  private readonly cart: number[] = [];
  private readonly buys: boolean;
  private readonly userId: string;
  private readonly sessionId: string;
  private readonly deviceId: string;
  private readonly ip: string;
  private readonly country: string;
  private readonly billingCountry: string;
  private readonly payment: string;
  private readonly source: string;
  private readonly browser: string;
  /** One or two favourite categories browsed this visit (catB -1: one). */
  private readonly catA: number;
  private readonly catB: number;

  constructor(ctx: SimContext, ts: number, p: Profile, isNew: boolean) {
    const r = ctx.rng;
    this.ts = ts;
    this.signup = isNew ? p : null;
    this.viewsLeft = 1 + r.geometric(1 / SESSION.meanViews);
    this.buys = r.chance(SESSION.buyChance);
    this.userId = p.userId;
    this.sessionId = ctx.sessionId();
    this.deviceId = isNew || r.chance(0.8) ? p.devices[0]! : r.pick(p.devices);
    this.ip = isNew || !r.chance(SESSION.mobileChance) ? p.homeIp : ipIn(p.country, r.next(), r.next());
    this.country = p.country.code;
    this.billingCountry = p.billingCountry;
    this.payment = r.chance(0.85) ? p.payments[0]! : r.pick(p.payments);
    this.source = p.source;
    this.browser = p.browser;
    this.catA = p.categories[0]!;
    this.catB = r.chance(0.6) ? -1 : r.pick(p.categories);
  }

  step(ctx: SimContext): Event | null {
    const r = ctx.rng;
    const ts = this.ts;
    if (this.signup !== null) {
      const p = this.signup;
      this.signup = null;
      this.ts = after(ts, r.logNormal(10_000, 0.5));
      return {
        eventId: ctx.eventId(), type: 'signup', ts, userId: this.userId, deviceId: this.deviceId, ip: this.ip,
        country: this.country, source: this.source, browser: this.browser, age: p.age, sex: p.sex,
      };
    }
    if (this.pendingCart >= 0) {
      const item = this.pendingCart;
      this.pendingCart = -1;
      if (!this.cart.includes(item)) this.cart.push(item);
      this.ts = after(ts, r.logNormal(20_000, 0.9));
      this.finishIfIdle();
      return { eventId: ctx.eventId(), type: 'cart', ts, userId: this.userId, itemId: ctx.catalogue.ids[item]!, sessionId: this.sessionId };
    }
    if (this.viewsLeft > 0) {
      this.viewsLeft--;
      const item = itemIn(ctx.catalogue, this.catB < 0 || r.chance(0.5) ? this.catA : this.catB, r);
      if (r.chance(SESSION.cartChance)) {
        this.pendingCart = item;
        this.ts = after(ts, r.logNormal(8_000, 0.6));
      } else {
        this.ts = after(ts, r.logNormal(20_000, 0.9));
        this.finishIfIdle();
      }
      return { eventId: ctx.eventId(), type: 'view', ts, userId: this.userId, itemId: ctx.catalogue.ids[item]!, sessionId: this.sessionId };
    }
    // Only a purchase is left (finishIfIdle ended every other session).
    this.done = true;
    const cat = ctx.catalogue;
    let amount = 0;
    for (const i of this.cart) amount += cat.price[i]!;
    const e = {
      eventId: ctx.eventId(), type: 'purchase' as const, ts, userId: this.userId, amount: money(amount), currency: 'USD',
      itemIds: this.cart.map((i) => cat.ids[i]!), deviceId: this.deviceId, ip: this.ip, country: this.country,
      billingCountry: this.billingCountry, paymentMethod: this.payment, source: this.source, browser: this.browser,
    };
    ctx.purchased(e, false);
    return e;
  }

  /** Ends the session when nothing is left to view and it will not buy. */
  private finishIfIdle(): void {
    if (this.viewsLeft === 0 && this.pendingCart < 0 && !(this.buys && this.cart.length > 0)) this.done = true;
  }
}
