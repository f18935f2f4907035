// The built-in event simulator: a seeded, deterministic stream of SPEC
// events for `serve` without Kafka, for tests and for benchmarks. Given the
// same options (seed and start included) it produces the same events, in
// event-time order, every time. docs/SIMULATOR.md describes the stream.
//
// It is a discrete-event simulation: actors (an arrival process that starts
// shopper sessions and fraud episodes, the sessions and episodes themselves,
// one actor per SKU, and the label queues) sit in a heap ordered by the time
// of their next event; next(n) pops the earliest, lets it emit, and puts it
// back. Memory is the live actors: sessions in progress (about
// rate x 4 minutes of events), the SKUs, and labels not yet due.
//
// Ground truth stays out of the events (they are schema-clean): injected(id)
// answers whether an event belongs to an injected fraud episode, and
// `onInjected` streams the same facts as they happen.

import type { Event, PurchaseEvent } from '../core/schema.js';
import { buildCatalogue, type Catalogue } from './catalogue.js';
import { diurnal, makeSku } from './demand.js';
import { episode, EPISODE_EVENTS } from './fraud.js';
import { TimeHeap } from './heap.js';
import { LabelQueue, labelDelays } from './labels.js';
import { cumulative, Rng, zipf } from './random.js';
import { profile, Session, sessionEvents, type Profile } from './shoppers.js';
import { FRAUD_PATTERNS, type Actor, type FraudPattern, type SimContext } from './sim-context.js';
import { SkuActor } from './stock.js';

export { FRAUD_PATTERNS, type FraudPattern } from './sim-context.js';

export interface SimulatorOptions {
  /** Seed of everything random (default 1). */
  seed?: number;
  /** Event time of the first event, epoch ms (default 2024-01-01T00:00:00Z; live runs pass Date.now()). */
  start?: number;
  /** Mean events per second of event time, all types together (default 100). */
  rate?: number;
  /** Customers who exist at the start (default 20,000); new ones sign up as it runs. */
  users?: number;
  /** Catalogue items (default 2,000) and categories (default 40). */
  items?: number;
  categories?: number;
  /** SKUs in the warehouse (default 100). */
  skus?: number;
  /** Share of all events that are sales (default 0.08). */
  salesShare?: number;
  /** Hours between stock snapshots of each SKU (default 6). */
  stockEveryHours?: number;
  /** Share of sessions by a new customer, which start with a signup (default 0.06). */
  newUserShare?: number;
  /** Time-of-day swing of traffic and sales, 0..0.9 (default 0.3: +-30% around the mean). */
  diurnal?: number;
  /** Fraud episodes per 1,000 sessions, per pattern (defaults in DEFAULT_FRAUD). */
  fraud?: Partial<Record<FraudPattern, number>>;
  /** Chance that a purchase gets a label: injected fraud (a chargeback, default 0.95) and others (a confirmation, default 0.1). */
  labelChance?: { fraud?: number; legit?: number };
  /** Median delay of a label after its purchase (default 30 minutes, spread log-normally from under half to over twice that). */
  labelDelayMs?: number;
  /** Injected event ids remembered for injected() (default 1,000,000; the oldest are forgotten first). */
  truthCapacity?: number;
  /** Called with every event of an injected episode as it is emitted. */
  onInjected?: (eventId: string, pattern: FraudPattern) => void;
}

/** Fraud episodes per 1,000 sessions: about 4% of purchases are fraud (docs/SIMULATOR.md). */
export const DEFAULT_FRAUD: Readonly<Record<FraudPattern, number>> = {
  'card-testing': 0.15,
  'account-takeover': 1.5,
  'device-farm': 0.1,
  'velocity-burst': 0.25,
};

export const DEFAULT_START = Date.UTC(2024, 0, 1);

/** The highest rate: memory grows with it (sessions in progress: about 24 per event/s, some 650 bytes each). */
export const MAX_RATE = 100_000;

/** Mean gap between the events of a session (log-normal gaps, median 8-20 s). */
const MEAN_GAP_MS = 28_000;

export interface SimulatorStats {
  events: number;
  byType: Record<Event['type'], number>;
  sessions: number;
  episodes: Record<FraudPattern, number>;
  fraudPurchases: Record<FraudPattern, number>;
  purchases: number;
  labels: { fraud: number; legit: number };
}

/** The seeded event generator. */
export class Simulator {
  readonly seed: number;
  readonly start: number;
  readonly rate: number;
  readonly stats: SimulatorStats;
  private readonly heap = new TimeHeap<Actor>();
  private readonly ctx: SimContext;
  private readonly truth = new Map<string, FraudPattern>();
  private readonly truthCapacity: number;
  private readonly labelQueues: LabelQueue[];
  private readonly skuActors: SkuActor[] = [];
  /** Profiles of the customers who existed at the start, made on first visit (they return; new customers seldom do). */
  private readonly profiles: (Profile | undefined)[] = [];
  private last = 0;

  constructor(opts: SimulatorOptions = {}) {
    this.seed = (opts.seed ?? 1) >>> 0;
    this.start = Math.round(opts.start ?? DEFAULT_START);
    this.rate = opts.rate ?? 100;
    if (!(this.rate > 0 && this.rate <= MAX_RATE)) throw new RangeError(`simulator rate must be in (0, ${MAX_RATE}] events/s, got ${this.rate} (sessions in progress hold about 15 KB per event/s)`);
    const salesShare = clamp(opts.salesShare ?? 0.08, 0, 0.95);
    const swing = clamp(opts.diurnal ?? 0.3, 0, 0.9);
    const newUserShare = clamp(opts.newUserShare ?? 0.06, 0, 1);
    const fraud = { ...DEFAULT_FRAUD, ...opts.fraud };
    const labelFraud = opts.labelChance?.fraud ?? 0.95;
    const labelLegit = opts.labelChance?.legit ?? 0.1;
    const snapshotMs = Math.max(1, opts.stockEveryHours ?? 6) * 3_600_000;
    const skus = Math.max(0, Math.floor(opts.skus ?? 100));
    this.truthCapacity = opts.truthCapacity ?? 1_000_000;
    this.labelQueues = labelDelays(opts.labelDelayMs ?? 30 * 60_000).map((d) => new LabelQueue(d));
    this.stats = {
      events: 0,
      byType: { signup: 0, purchase: 0, view: 0, cart: 0, sale: 0, stock: 0, label: 0 },
      sessions: 0,
      episodes: zeros(),
      fraudPurchases: zeros(),
      purchases: 0,
      labels: { fraud: 0, legit: 0 },
    };

    const rng = new Rng(this.seed);
    const catalogue: Catalogue = buildCatalogue(this.seed, Math.max(1, opts.items ?? 2000), Math.max(1, opts.categories ?? 40));
    const established = Math.max(1, Math.floor(opts.users ?? 20_000));
    const prefix = `${this.seed.toString(36)}.${this.start.toString(36)}.`;
    let users = established;
    let eventNo = 0;
    let sessionNo = 0;
    let serial = 0;
    const self = this;
    this.ctx = {
      seed: this.seed,
      start: this.start,
      rng,
      catalogue,
      establishedUsers: established,
      diurnal: swing,
      eventId: () => prefix + (eventNo++).toString(36),
      sessionId: () => `s${prefix}${(sessionNo++).toString(36)}`,
      newUser: () => users++,
      serial: () => serial++,
      spawn: (a) => self.heap.push(a),
      purchased: (p, isFraud) => self.purchased(p, isFraud, isFraud ? labelFraud : labelLegit),
      injected: (id, pattern, purchase) => self.record(id, pattern, purchase, opts.onInjected),
    };

    // Rate calibration: sessions (and the episodes that replace some of them)
    // fill what sales and stock snapshots leave of the rate.
    const session = sessionEvents(newUserShare);
    const perThousand = FRAUD_PATTERNS.map((p) => Math.max(0, fraud[p]) / 1000);
    const fraudShare = perThousand.reduce((a, b) => a + b, 0);
    let perArrival = (1 - fraudShare) * (session.events + session.purchases * labelLegit);
    FRAUD_PATTERNS.forEach((p, k) => {
      perArrival += perThousand[k]! * (EPISODE_EVENTS[p].events + EPISODE_EVENTS[p].purchases * labelFraud);
    });
    const stockPerSec = (skus * 1000) / snapshotMs;
    const shopPerSec = Math.max(this.rate * (1 - salesShare) - stockPerSec, this.rate * 0.05);
    const arrivalsPerMs = shopPerSec / perArrival / 1000;
    const patternCum = cumulative([1 - Math.min(1, fraudShare), ...perThousand]);

    // The stream opens mid-traffic: the sessions in progress at `start` (arrivals x mean duration) begin
    // within their first gap. The views left in a session are geometric, so a session in progress looks
    // like a new one without the signup.
    const inProgress = Math.round(arrivalsPerMs * (session.events - 1) * MEAN_GAP_MS * diurnal(this.start, swing));
    for (let k = 0; k < inProgress; k++) {
      this.stats.sessions++;
      this.heap.push(new Session(this.ctx, this.start + Math.round(rng.exp(MEAN_GAP_MS)), this.profileOf(this.returningUser()), false));
    }

    this.heap.push(new Arrival(this.ctx, this.start, arrivalsPerMs, newUserShare, patternCum, (ts, isNew, kind) => this.arrive(ts, isNew, kind)));

    // Orders per day (one sale event each) such that sales make up salesShare of the rate; popular SKUs sell more.
    const weights = zipf(skus, 0.9);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let k = 0; k < skus; k++) {
      const base = (this.rate * salesShare * 86_400 * weights[k]!) / total;
      const a = new SkuActor(this.ctx, makeSku(this.seed, k, base, this.start), snapshotMs);
      this.skuActors.push(a);
      this.heap.push(a);
    }
  }

  /** The next n events in event-time order. */
  next(n: number): Event[] {
    const out: Event[] = [];
    this.pull(Infinity, n, out);
    return out;
  }

  /** Up to max events due at or before ts, in order (for live pacing). */
  until(ts: number, max = Infinity): Event[] {
    const out: Event[] = [];
    this.pull(ts, max, out);
    return out;
  }

  /** Event time of the next event (at least; an actor may emit nothing). */
  peekTs(): number {
    return this.heap.peek()?.ts ?? Infinity;
  }

  /** The fraud pattern an event was injected by, or undefined (legitimate, or forgotten past truthCapacity). */
  injected(eventId: string): FraudPattern | undefined {
    return this.truth.get(eventId);
  }

  /** Current stock level of each SKU (for checks and the docs). */
  stockLevels(): Map<string, number> {
    return new Map(this.skuActors.map((a) => [a.sku.id, a.sku.level]));
  }

  /** Units wanted while a shelf was empty (not sold, so no sale event), over all SKUs. */
  lostUnits(): number {
    return this.skuActors.reduce((s, a) => s + a.sku.lostUnits, 0);
  }

  /** Labels scheduled but not yet emitted. */
  get pendingLabels(): number {
    return this.labelQueues.reduce((s, q) => s + q.pending, 0);
  }

  *[Symbol.iterator](): Iterator<Event> {
    for (;;) yield* this.next(1024);
  }

  /** Starts a session or a fraud episode at ts. Called by the arrival process. */
  private arrive(ts: number, isNew: boolean, kind: number): void {
    if (kind === 0) {
      this.stats.sessions++;
      const p = isNew ? profile(this.ctx, this.ctx.newUser()) : this.profileOf(this.returningUser());
      this.heap.push(new Session(this.ctx, ts, p, isNew));
    } else {
      const pattern = FRAUD_PATTERNS[kind - 1]!;
      this.stats.episodes[pattern]++;
      this.heap.push(episode(this.ctx, pattern, ts));
    }
  }

  private pull(limit: number, max: number, out: Event[]): void {
    const heap = this.heap;
    const stats = this.stats;
    while (out.length < max) {
      const a = heap.peek();
      if (a === undefined || a.ts > limit) break;
      heap.pop();
      const e = a.step(this.ctx);
      if (!a.done) heap.push(a);
      if (e === null) continue;
      if (e.ts < this.last) throw new Error(`simulator: event time went back from ${this.last} to ${e.ts} (${e.type})`);
      this.last = e.ts;
      stats.events++;
      stats.byType[e.type]++;
      out.push(e);
    }
  }

  private profileOf(index: number): Profile {
    return (this.profiles[index] ??= profile(this.ctx, index));
  }

  /** A returning customer: older customers come back more often. */
  private returningUser(): number {
    const u = this.ctx.rng.next();
    return Math.floor(this.ctx.establishedUsers * u * u);
  }

  private purchased(p: PurchaseEvent, fraud: boolean, chance: number): void {
    this.stats.purchases++;
    if (!this.ctx.rng.chance(chance)) return;
    const q = this.labelQueues[this.ctx.rng.int(0, this.labelQueues.length - 1)]!;
    if (fraud) this.stats.labels.fraud++;
    else this.stats.labels.legit++;
    // The label's own id is given when it is emitted, so ids stay in emission order.
    if (q.add({ eventId: '', type: 'label', ts: p.ts + q.delayMs, purchaseEventId: p.eventId, fraud })) this.heap.push(q);
  }

  private record(id: string, pattern: FraudPattern, purchase: boolean, listener?: (id: string, p: FraudPattern) => void): void {
    if (purchase) this.stats.fraudPurchases[pattern]++;
    this.truth.set(id, pattern);
    if (this.truth.size > this.truthCapacity) {
      const oldest = this.truth.keys().next().value;
      if (oldest !== undefined) this.truth.delete(oldest);
    }
    listener?.(id, pattern);
  }
}

/** The arrival process of sessions and episodes: Poisson at the peak rate, thinned by the time of day. */
class Arrival implements Actor {
  ts: number;
  seq = 0;
  done = false;
  /** Exact time of the next candidate arrival. */
  private t: number;

  constructor(
    ctx: SimContext,
    from: number,
    private readonly perMs: number,
    private readonly newShare: number,
    private readonly kinds: Float64Array,
    private readonly onArrive: (ts: number, isNew: boolean, kind: number) => void,
  ) {
    this.t = from;
    this.ts = from;
    this.advance(ctx);
  }

  step(ctx: SimContext): null {
    const a = ctx.diurnal;
    if (ctx.rng.next() * (1 + a) < diurnal(this.t, a)) this.onArrive(this.ts, ctx.rng.chance(this.newShare), ctx.rng.weighted(this.kinds));
    this.advance(ctx);
    return null;
  }

  private advance(ctx: SimContext): void {
    this.t += ctx.rng.exp(1 / (this.perMs * (1 + ctx.diurnal)));
    this.ts = Math.ceil(this.t);
  }
}

function zeros(): Record<FraudPattern, number> {
  return { 'card-testing': 0, 'account-takeover': 0, 'device-farm': 0, 'velocity-burst': 0 };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
