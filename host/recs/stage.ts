// Recommendations as a job on the stream (a pipeline Stage): views, cart
// adds and purchased items go into the engine in event order, once per
// batch; then every user with an interaction in the batch (their session
// changed) gets a fresh list, at most once per `userRefreshMs` per user: a
// user pushed less than that ago is marked dirty instead, and recomputed
// (with everything that arrived meanwhile) by the first batch after the
// interval has passed, whether or not they had another event; so a user's
// last state is always pushed, at most `userRefreshMs` (plus one batch)
// late. Every item touched gets its similar-items list, at most once per
// `itemRefreshMs` per item (an item's neighbours move slowly, and a popular
// item is touched in every batch). The lists go into the batch's outputs,
// which the stores write with their TTL. The dashboard's "top recommended
// items" counts how often items were in the lists pushed, decayed with a
// one-minute half-life.
//
// Under load the user interval stretches (RefreshGovernor): when the stage
// itself takes most of a core over a second, or its batches waited for it
// longer than `maxWaitMs` on average (on its own thread, behind the batches
// before them or behind other work on the cores), or its due users are
// left waiting more than an interval after they fell due, the interval
// doubles, up to `userRefreshMaxMs`; once it takes less than a third, its
// batches barely wait and its due users are nearly current, it halves back
// to `userRefreshMs`. The lists then get staler, not the stream slower: the
// cost of the job is mostly users' lists, and each user is pushed at most
// once an interval.
//
// Due users (dirty, their interval passed) are pushed oldest first, at most
// `maxDuePerBatch` a batch and, past the first MIN_DUE_PER_BATCH, for at
// most `maxDueMs` and half the time since the previous batch began: a wave
// of users falling due together is spread over the next batches instead of
// making one batch long (the stream's commits wait for every batch).
//
// The intervals run on the stage's clock (`now`, the wall clock in serve).
// Users pushed within the last interval are remembered in push order (a
// FIFO of (user, time)), which is what finds the dirty users that are due
// and forgets the others: the state is bounded by the users pushed in one
// interval.

import type { Stage } from '../core/pipeline.js';
import type { BatchOutput, Event, Recommendation, Snapshot, StatePart, Stateful } from '../core/ports.js';
import { RecsEngine, type InteractionType, type RecsOptions } from './engine.js';

export interface RecsStageOptions extends RecsOptions {
  /** Items per pushed list (default 20). */
  k?: number;
  /** Least time between two pushes of one item's similar list (default 60 s). */
  itemRefreshMs?: number;
  /** Least time between two pushes of one user's list (default 2 s; 0: every batch the user is in). */
  userRefreshMs?: number;
  /** Longest the user interval is stretched to while the stage takes most of a core (default 30 s; userRefreshMs or less: never stretched). */
  userRefreshMaxMs?: number;
  /**
   * Longest mean wait (ms) of a second's batches between their hand-off and
   * the start of their processing before the interval stretches (default 50;
   * 0: the wait is not watched). Only a stage on its own thread has a wait
   * (processInteractions' `waitMs`): the stream's batches queue for it there.
   */
  maxWaitMs?: number;
  /** Most dirty users recomputed per batch once due (default 1024; the rest wait for the next batch, in order). */
  maxDuePerBatch?: number;
  /**
   * Most time (ms, on busyClock) a batch spends on due users beyond the first
   * MIN_DUE_PER_BATCH, and at most half the time since the previous batch
   * began (default 0: no bound but maxDuePerBatch). Spreads a wave of users
   * who fall due together over many batches instead of one long batch that
   * the stream waits for.
   */
  maxDueMs?: number;
  /** Called at most once a second with the most recommended items (live stats' setTopItems). */
  onTopItems?: (items: Recommendation[]) => void;
  /** Wall clock (epoch ms), for tests. */
  now?: () => number;
  /** Clock of the stage's own busy time (ms; default performance.now), for tests. */
  busyClock?: () => number;
}

/**
 * Picks the user interval from how busy the stage was, how long its batches
 * waited for it and how far behind its due users are: over each window of at
 * least a second, a busy share above 0.85, a mean wait above `maxWait` ms, or
 * due users still waiting more than an interval after they fell due (at the
 * window's last batch) doubles the interval (up to `max`); a share below 1/3
 * with a mean wait under a quarter of `maxWait` and due users late by under
 * a quarter of the interval halves it (down to `base`). Pure, so it is tested
 * on its own.
 */
export class RefreshGovernor {
  interval: number;
  private windowStart = NaN;
  private busy = 0;
  private waited = 0;
  private batches = 0;

  constructor(
    readonly base: number,
    readonly max: number,
    readonly maxWait = 50,
  ) {
    this.interval = base;
  }

  /**
   * Adds `busyMs` of work done by `now` (ms), by a batch that waited `waitMs`
   * before it and left its oldest waiting due user `dueLateMs` past its due
   * time; returns the interval to use from now on.
   */
  observe(busyMs: number, now: number, waitMs = 0, dueLateMs = 0): number {
    if (!(this.max > this.base) || !(this.base > 0)) return this.interval;
    if (Number.isNaN(this.windowStart)) this.windowStart = now;
    this.busy += busyMs;
    this.waited += Math.max(0, waitMs);
    this.batches++;
    const span = now - this.windowStart;
    if (span < 0) {
      // The wall clock went back: a new window, from now, with this work in it.
      this.windowStart = now;
      this.busy = busyMs;
      this.waited = Math.max(0, waitMs);
      this.batches = 1;
    }
    if (!(span >= 1000)) return this.interval;
    const share = this.busy / span;
    const wait = this.waited / this.batches;
    const watched = this.maxWait > 0;
    // Due users still waiting a whole interval after they fell due: the lists are behind at this interval.
    const behind = dueLateMs / this.interval;
    if (share > 0.85 || (watched && wait > this.maxWait) || behind > 1) this.interval = Math.min(this.max, this.interval * 2);
    else if (share < 1 / 3 && !(watched && wait >= this.maxWait / 4) && !(behind > 1 / 4)) this.interval = Math.max(this.base, this.interval / 2);
    this.windowStart = now;
    this.busy = 0;
    this.waited = 0;
    this.batches = 0;
    return this.interval;
  }
}

/** A batch's interactions, one per (user, item): views, cart adds and each item of a purchase, in event order. */
export interface Interactions {
  users: string[];
  items: string[];
  /** Index into INTERACTION_TYPES. */
  types: number[];
  ts: number[];
}

export const INTERACTION_TYPES: readonly InteractionType[] = ['view', 'cart', 'purchase'];

/** The interactions of a batch of events. */
export function interactionsOf(events: readonly Event[]): Interactions {
  const b: Interactions = { users: [], items: [], types: [], ts: [] };
  for (const e of events) {
    if (e.type === 'view' || e.type === 'cart') {
      b.users.push(e.userId);
      b.items.push(e.itemId);
      b.types.push(e.type === 'view' ? 0 : 1);
      b.ts.push(e.ts);
    } else if (e.type === 'purchase' && e.itemIds) {
      for (const id of e.itemIds) {
        b.users.push(e.userId);
        b.items.push(id);
        b.types.push(2);
        b.ts.push(e.ts);
      }
    }
  }
  return b;
}

const TOP_HALF_LIFE_MS = 60_000;
/** Due users every batch pushes whatever its time budget (maxDueMs): the queue always moves. */
export const MIN_DUE_PER_BATCH = 8;
/** The share of the time between two batches' starts that due users may take (maxDueMs). */
export const DUE_SHARE = 0.5;
const TOP_MAX_TRACKED = 5000;
const ITEM_PUSHES_MAX_TRACKED = 200_000;

export class RecsStage implements Stage, Stateful {
  readonly name = 'recommendations';
  readonly engine: RecsEngine;
  private readonly k: number;
  private readonly itemRefreshMs: number;
  private readonly onTopItems?: (items: Recommendation[]) => void;
  private readonly now: () => number;
  private readonly itemPushed = new Map<string, number>();
  /** Owns the user interval: userRefreshMs, stretched under load. */
  private readonly governor: RefreshGovernor;
  private readonly busyClock: () => number;
  private readonly maxDuePerBatch: number;
  private readonly maxDueMs: number;
  /** busyClock at the start of the previous batch (NaN before the first). */
  private lastStart = NaN;
  /** How long after falling due the oldest user still waiting at the end of the last batch fell due (ms; 0: none waits). */
  private dueLate = 0;
  /** User -> wall time of their last push, for users pushed within the last interval (or due and not yet drained). */
  private readonly userPushed = new Map<string, number>();
  /** Users with interactions since their last push. */
  private readonly dirty = new Set<string>();
  /** Pushes in time order: (user, time) from `head` on; entries whose time is no longer userPushed's are stale. */
  private queueUsers: string[] = [];
  private queueTimes: number[] = [];
  private head = 0;
  /** Item -> [count scaled to TOP_HALF_LIFE_MS forward decay, as of the landmark]. */
  private readonly top = new Map<string, number>();
  private topLandmark: number;
  private topPublished = 0;

  constructor(o: RecsStageOptions = {}) {
    this.engine = new RecsEngine(o);
    this.k = o.k ?? 20;
    this.itemRefreshMs = o.itemRefreshMs ?? 60_000;
    this.governor = new RefreshGovernor(o.userRefreshMs ?? 2000, o.userRefreshMaxMs ?? 30_000, o.maxWaitMs ?? 50);
    this.busyClock = o.busyClock ?? (() => performance.now());
    this.maxDuePerBatch = o.maxDuePerBatch ?? 1024;
    this.maxDueMs = o.maxDueMs ?? 0;
    this.onTopItems = o.onTopItems;
    this.now = o.now ?? Date.now;
    this.topLandmark = this.now();
  }

  /** Feeds the batch's interactions and pushes the lists that changed. Called by the pipeline once per batch. */
  /**
   * The recommender's state (the engine's). What was pushed when is not in
   * it: after a restore every user is pushed on their next interaction.
   */
  snapshot(into?: Uint8Array): Snapshot {
    return this.engine.snapshot(into);
  }

  restore(part: StatePart): void {
    this.engine.restore(part);
  }

  process(events: readonly Event[], out: BatchOutput): void {
    const b = interactionsOf(events);
    this.processInteractions(b, out);
  }

  /**
   * process() for a batch's interactions already taken out of its events
   * (interactionsOf; the worker's way in). `waitMs`: how long the batch
   * waited for the stage after its hand-off (the worker's queue).
   */
  processInteractions(b: Interactions, out: BatchOutput, waitMs = 0): void {
    const started = this.busyClock();
    // The due users' time budget: half the time since the previous batch began, at most maxDueMs.
    const dueUntil = this.maxDueMs > 0 ? started + Math.min(this.maxDueMs, DUE_SHARE * (started - this.lastStart) || 0) : Infinity;
    this.lastStart = started;
    try {
      this.take(b, out, dueUntil);
    } finally {
      this.governor.observe(this.busyClock() - started, this.now(), waitMs, this.dueLate);
    }
  }

  /** The user interval in use now (ms): userRefreshMs, or more while the stage cannot keep up. */
  get userRefreshIntervalMs(): number {
    return this.governor.interval;
  }

  private take(b: Interactions, out: BatchOutput, dueUntil: number): void {
    const users = new Set<string>();
    const items = new Set<string>();
    for (let i = 0; i < b.users.length; i++) {
      this.engine.add(b.users[i]!, b.items[i]!, INTERACTION_TYPES[b.types[i]!]!, b.ts[i]!);
      users.add(b.users[i]!);
      items.add(b.items[i]!);
    }
    if (users.size === 0 && this.dirty.size === 0) {
      this.dueLate = 0;
      return;
    }
    this.engine.flush();
    const nowEvent = this.engine.stat('watermark');
    const wall = this.now();
    const weight = Math.pow(2, (wall - this.topLandmark) / TOP_HALF_LIFE_MS);
    const every = !(this.userRefreshIntervalMs > 0);
    for (const userId of users) {
      if (!every) {
        const last = this.userPushed.get(userId);
        if (last !== undefined && wall - last < this.userRefreshIntervalMs) {
          this.dirty.add(userId);
          continue;
        }
      }
      this.pushUser(userId, nowEvent, wall, weight, out);
    }
    if (!every) this.pushDue(nowEvent, wall, weight, out, dueUntil);
    for (const itemId of items) {
      const last = this.itemPushed.get(itemId);
      if (last !== undefined && wall - last < this.itemRefreshMs) continue;
      this.itemPushed.set(itemId, wall);
      out.recommendations.push({ itemId, items: this.engine.similar(itemId, this.k) });
    }
    if (this.itemPushed.size > ITEM_PUSHES_MAX_TRACKED) {
      for (const [id, t] of this.itemPushed) if (wall - t >= this.itemRefreshMs) this.itemPushed.delete(id);
    }
    if (wall - this.topPublished >= 1000) {
      this.topPublished = wall;
      this.publishTop(wall);
    }
  }

  /** Users with interactions not pushed yet (waiting for their interval). */
  get pendingUsers(): number {
    return this.dirty.size;
  }

  /** Users remembered with their last push time (those pushed within the last interval). */
  get trackedUsers(): number {
    return this.userPushed.size;
  }

  private pushUser(userId: string, nowEvent: number, wall: number, weight: number, out: BatchOutput): void {
    const list = this.engine.recommend(userId, this.k, nowEvent);
    out.recommendations.push({ userId, items: list });
    for (let r = 0; r < list.length; r++) {
      const id = list[r]!.itemId;
      this.top.set(id, (this.top.get(id) ?? 0) + weight);
    }
    if (this.userRefreshIntervalMs > 0) {
      this.dirty.delete(userId);
      this.userPushed.set(userId, wall);
      this.queueUsers.push(userId);
      this.queueTimes.push(wall);
    }
  }

  /**
   * Pushes the dirty users whose interval has passed (at most maxDuePerBatch,
   * and past the first MIN_DUE_PER_BATCH only until busyClock reaches
   * `dueUntil`); forgets the clean ones.
   */
  private pushDue(nowEvent: number, wall: number, weight: number, out: BatchOutput, dueUntil: number): void {
    const users = this.queueUsers;
    const times = this.queueTimes;
    const end = users.length;
    let budget = this.maxDuePerBatch;
    let h = this.head;
    for (; h < end; h++) {
      const t = times[h]!;
      if (wall - t < this.userRefreshIntervalMs) break;
      const userId = users[h]!;
      if (this.userPushed.get(userId) !== t) continue; // pushed again since: a later entry stands for it
      if (!this.dirty.has(userId)) {
        this.userPushed.delete(userId);
        continue;
      }
      if (budget-- <= 0) break;
      if (dueUntil !== Infinity && this.maxDuePerBatch - budget > MIN_DUE_PER_BATCH && this.busyClock() >= dueUntil) break;
      this.pushUser(userId, nowEvent, wall, weight, out);
    }
    this.head = h;
    this.dueLate = h < end && wall - times[h]! >= this.userRefreshIntervalMs ? wall - times[h]! - this.userRefreshIntervalMs : 0;
    // Drop the consumed head once it is most of the queue (amortised O(1) per push).
    if (h > 1024 && h * 2 > users.length) {
      this.queueUsers = users.slice(h);
      this.queueTimes = times.slice(h);
      this.head = 0;
    }
  }

  /** The most recommended items lately, best first. */
  topItems(n = 20): Recommendation[] {
    const scale = Math.pow(2, -(this.now() - this.topLandmark) / TOP_HALF_LIFE_MS);
    return [...this.top]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([itemId, c]) => ({ itemId, score: c * scale }));
  }

  private publishTop(wall: number): void {
    // Keep the counts bounded and the forward-decay scale small.
    if (this.top.size > TOP_MAX_TRACKED || wall - this.topLandmark > 30 * TOP_HALF_LIFE_MS) {
      const scale = Math.pow(2, -(wall - this.topLandmark) / TOP_HALF_LIFE_MS);
      const kept = [...this.top].sort((a, b) => b[1] - a[1]).slice(0, TOP_MAX_TRACKED >> 1);
      this.top.clear();
      for (const [id, c] of kept) this.top.set(id, c * scale);
      this.topLandmark = wall;
    }
    this.onTopItems?.(this.topItems(20));
  }
}
