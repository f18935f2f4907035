// The recommendation exports of the WASM core, wrapped for the host: item
// ids <-> dense indices (the core's item tables are arrays), user ids hashed
// to 64 bits (host/core/hash.ts), settings written as numbers, batches
// of interactions written as 24-byte rows. No strings cross into WASM.

import { EngineError } from '../core/errors.js';
import { GbtEngine } from '../gbt/engine.js';
import { hashInto } from '../core/hash.js';
import { statusMessage } from '../wasm/status.js';
import type { Recommendation, Snapshot, StatePart } from '../core/ports.js';
import { loadImage, saveImage, wrote } from '../wasm/image.js';

interface RecsExports {
  memory: WebAssembly.Memory;
  stateSave(): number;
  stateLoad(): number;
  stateDirty(): number;
  recsParamsPtr(): number;
  recsNumParams(): number;
  recsConfigure(): number;
  recsReset(): void;
  recsItemsReserve(n: number): number;
  recsItemsCapacity(): number;
  recsReserve(n: number): number;
  recsInputPtr(): number;
  recsRun(n: number): number;
  recsBadInteraction(): number;
  recsRejected(): number;
  recsRecommend(lo: number, hi: number, k: number, nowMs: number): number;
  recsSimilar(item: number, k: number): number;
  recsPopular(k: number): number;
  recsOutPtr(): number;
  recsSimilarity(a: number, b: number): number;
  recsStat(k: number): number;
  recsUserStat(lo: number, hi: number, k: number): number;
}

export type InteractionType = 'view' | 'cart' | 'purchase';
const TYPE_CODE: Record<InteractionType, number> = { view: 0, cart: 1, purchase: 2 };

/** Engine settings (docs/RECOMMENDATIONS.md explains each). The order is the core's parameter block. */
export interface RecsOptions {
  /** Weight of a view, a cart add, a purchase (defaults 1, 2, 4): a user's strength on an item is its strongest interaction. */
  viewWeight?: number;
  cartWeight?: number;
  purchaseWeight?: number;
  /** Inactivity that closes a session (default 30 minutes). */
  sessionGapMs?: number;
  /** Neighbours kept per item, K (default 100). */
  neighbours?: number;
  /** Most item pairs held; at the cap the rarest are pruned (default 4,000,000: 64 MB of pair slots at most). */
  maxPairs?: number;
  similarity?: 'cosine' | 'jaccard';
  /** Shrinkage: added to the similarity's denominator (default 0). */
  shrink?: number;
  /** Half-life of co-occurrence counts (default 0: no decay). */
  halfLifeMs?: number;
  /** Distinct items remembered per user (default 100): co-occurrence partners, profile and exclusions. */
  maxHistory?: number;
  /** Exclude items the user has seen (default), only those bought, or none. */
  exclude?: 'seen' | 'bought' | 'none';
  /** Weight multiplier of the current session's items in the profile (default 1). */
  sessionBoost?: number;
  /** Half-life of a history item's weight in the profile (default 0: none). */
  historyHalfLifeMs?: number;
  /** A user idle this long is forgotten (default 30 days). */
  userTtlMs?: number;
  /** Co-occurrence weight of a pair whose earlier item was in an earlier session (default 1: whole history). */
  crossSessionWeight?: number;
  /** Half-life of popularity (the fallback; default 1 day). */
  popularityHalfLifeMs?: number;
  /** The user's most recent history items that score candidates (default 30; the whole history is still excluded). */
  profileItems?: number;
  /** Most interactions per batch (default 4096). */
  capacity?: number;
  /** Share this instance (and memory) with other engines. */
  engine?: GbtEngine;
}

export const DEFAULT_RECS: Required<Omit<RecsOptions, 'engine'>> = {
  viewWeight: 1,
  cartWeight: 2,
  purchaseWeight: 4,
  sessionGapMs: 30 * 60_000,
  neighbours: 100,
  maxPairs: 4_000_000,
  similarity: 'cosine',
  shrink: 0,
  halfLifeMs: 0,
  maxHistory: 100,
  exclude: 'seen',
  sessionBoost: 1,
  historyHalfLifeMs: 0,
  userTtlMs: 30 * 86_400_000,
  crossSessionWeight: 1,
  popularityHalfLifeMs: 86_400_000,
  profileItems: 30,
  capacity: 4096,
};

/** recsStat keys. */
export const RECS_STAT = {
  interactions: 0, users: 1, pairs: 2, pairsPruned: 3, bytes: 4, sessions: 5, watermark: 6,
  itemCapacity: 7, neighbourEntries: 8, usersExpired: 9, pairSlots: 10, reverseEntries: 11, danglingEntries: 12,
} as const;

export interface Interaction {
  userId: string;
  itemId: string;
  type: InteractionType;
  /** Epoch ms. */
  ts: number;
}

export class RecsEngine {
  readonly exports: RecsExports;
  readonly options: Required<Omit<RecsOptions, 'engine'>>;
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly hash = new Uint32Array(2);
  private pending = 0;
  /** Interactions the last flush skipped, and all it skipped since start. */
  lastRejected = 0;
  rejected = 0;
  private view = new DataView(new ArrayBuffer(0));
  private words = new Uint32Array(0);
  private floats = new Float32Array(0);

  constructor(opts: RecsOptions = {}) {
    this.exports = (opts.engine ?? new GbtEngine()).exports as unknown as RecsExports;
    const e = this.exports;
    if (typeof e.recsRun !== 'function') throw new EngineError(-11, 'this build/streamscore.wasm has no recommendation exports: run `npm run build`');
    const o = { ...DEFAULT_RECS };
    for (const [k, v] of Object.entries(opts)) if (v !== undefined && k !== 'engine') (o as Record<string, unknown>)[k] = v;
    this.options = o;
    const p = new Float64Array(e.memory.buffer, e.recsParamsPtr(), e.recsNumParams());
    const values = [
      o.viewWeight, o.cartWeight, o.purchaseWeight, o.sessionGapMs, o.neighbours, o.maxPairs,
      o.similarity === 'jaccard' ? 1 : 0, o.shrink, o.halfLifeMs, o.maxHistory,
      o.exclude === 'none' ? 0 : o.exclude === 'bought' ? 1 : 2, o.sessionBoost, o.historyHalfLifeMs,
      o.userTtlMs, o.crossSessionWeight, o.popularityHalfLifeMs, o.profileItems,
    ];
    if (values.length !== p.length) throw new EngineError(-11, `the WASM module takes ${p.length} recommendation settings, this host writes ${values.length}: run \`npm run build\``);
    p.set(values);
    wrote(e, p.byteOffset, p.byteLength);
    const s = e.recsConfigure();
    if (s < 0) throw new EngineError(s, `recommendation settings out of range (${JSON.stringify(o)})`);
    this.check(e.recsReserve(o.capacity));
  }

  /**
   * The instance's state image and the item ids (the host's side of the
   * dense index), after applying the pending interactions. Called between
   * batches.
   */
  snapshot(into?: Uint8Array): Snapshot {
    this.flush();
    const { image, changed } = saveImage(this.exports, into);
    return { image, changed, meta: { ids: this.ids, rejected: this.rejected } };
  }

  /** Takes up where a snapshot left off; called before any interaction. */
  restore(part: StatePart): void {
    if (part.image === null) throw new EngineError(-11, 'the checkpoint has no recommendations state image');
    const meta = part.meta as { ids: string[]; rejected: number };
    loadImage(this.exports, part.image, part.deltas);
    this.check(this.exports.recsReserve(this.options.capacity));
    this.pending = 0;
    this.ids.length = 0;
    this.index.clear();
    for (const id of meta.ids) {
      this.index.set(id, this.ids.length);
      this.ids.push(id);
    }
    this.rejected = meta.rejected;
  }

  /** The dense index of an item id, assigned on first sight. */
  itemIndex(itemId: string): number {
    let i = this.index.get(itemId);
    if (i === undefined) {
      i = this.ids.length;
      if (i >= this.exports.recsItemsCapacity()) this.check(this.exports.recsItemsReserve(Math.max(1024, (i + 1) * 2)));
      this.index.set(itemId, i);
      this.ids.push(itemId);
    }
    return i;
  }

  /** The item id of a dense index. */
  itemId(index: number): string {
    return this.ids[index]!;
  }

  /** Items seen so far. */
  get items(): number {
    return this.ids.length;
  }

  /** Adds one interaction to the pending batch (applied when full, or by flush()). Called per event. */
  add(userId: string, itemId: string, type: InteractionType, ts: number): void {
    if (this.pending === this.options.capacity) this.flush();
    const item = this.itemIndex(itemId);
    const e = this.exports;
    const at = e.recsInputPtr() + this.pending * 24;
    // Growing memory detaches the old buffer: a view is made again only then.
    if (this.view.buffer !== e.memory.buffer) this.view = new DataView(e.memory.buffer);
    const dv = this.view;
    hashInto(userId, this.hash, 0);
    dv.setUint32(at, this.hash[0]!, true);
    dv.setUint32(at + 4, this.hash[1]!, true);
    dv.setFloat64(at + 8, ts, true);
    dv.setUint32(at + 16, item, true);
    dv.setUint32(at + 20, TYPE_CODE[type], true);
    this.pending++;
  }

  /**
   * Applies the pending interactions, each judged alone: one the core does
   * not accept (a time outside the engines' range, which the event validator
   * refuses first) is skipped and counted (lastRejected, rejected), the
   * others applied. Throws EngineError only for a bad call.
   */
  flush(): void {
    if (this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    wrote(this.exports, this.exports.recsInputPtr(), n * 24);
    const r = this.exports.recsRun(n);
    if (r < 0) throw new EngineError(r, statusMessage(r));
    this.lastRejected = this.exports.recsRejected();
    this.rejected += this.lastRejected;
  }

  /** Applies interactions in order. */
  process(rows: Iterable<Interaction>): void {
    for (const r of rows) this.add(r.userId, r.itemId, r.type, r.ts);
    this.flush();
  }

  /** Up to k items for a user, best first (popularity for an unknown user); `nowMs` anchors the recency decay. */
  recommend(userId: string, k = 10, nowMs = this.stat('watermark')): Recommendation[] {
    this.flush();
    hashInto(userId, this.hash, 0);
    const n = this.exports.recsRecommend(this.hash[0]!, this.hash[1]!, k, Number.isFinite(nowMs) ? nowMs : 0);
    return this.read(n);
  }

  /** The dense indices of a user's recommendations (no id lookups): for evaluations and benchmarks. */
  recommendIndices(userId: string, k: number, nowMs: number): Uint32Array {
    this.flush();
    hashInto(userId, this.hash, 0);
    const n = this.exports.recsRecommend(this.hash[0]!, this.hash[1]!, k, nowMs);
    if (n < 0) throw new EngineError(n, statusMessage(n));
    const words = new Uint32Array(this.exports.memory.buffer, this.exports.recsOutPtr(), n * 2);
    const out = new Uint32Array(n);
    for (let m = 0; m < n; m++) out[m] = words[m * 2]!;
    return out;
  }

  /** The k items most similar to an item, best first (popularity for an unknown or new item). */
  similar(itemId: string, k = 10): Recommendation[] {
    this.flush();
    const i = this.index.get(itemId);
    const n = this.exports.recsSimilar(i ?? 0x7fffffff, k);
    return this.read(n);
  }

  /** The k most popular items now (time-decayed). */
  popular(k = 10): Recommendation[] {
    this.flush();
    return this.read(this.exports.recsPopular(k));
  }

  /** The similarity of two items now (0 if unknown, never together, or pruned). */
  similarity(a: string, b: string): number {
    this.flush();
    const i = this.index.get(a);
    const j = this.index.get(b);
    return i === undefined || j === undefined ? 0 : this.exports.recsSimilarity(i, j);
  }

  /** A counter (RECS_STAT). */
  stat(k: keyof typeof RECS_STAT): number {
    return this.exports.recsStat(RECS_STAT[k]);
  }

  /** A user's sessions so far, history length, session start and last interaction (ms); null if unknown. */
  user(userId: string): { sessions: number; history: number; sessionStart: number; lastTs: number } | null {
    this.flush();
    hashInto(userId, this.hash, 0);
    const [lo, hi] = [this.hash[0]!, this.hash[1]!];
    const sessions = this.exports.recsUserStat(lo, hi, 0);
    if (Number.isNaN(sessions)) return null;
    return { sessions, history: this.exports.recsUserStat(lo, hi, 1), sessionStart: this.exports.recsUserStat(lo, hi, 2), lastTs: this.exports.recsUserStat(lo, hi, 3) };
  }

  /** Drops all state (keeps the settings and the item index). */
  reset(): void {
    this.pending = 0;
    this.exports.recsReset();
    this.index.clear();
    this.ids.length = 0;
  }

  private read(n: number): Recommendation[] {
    if (n < 0) throw new EngineError(n, statusMessage(n));
    const e = this.exports;
    // Word views over the whole memory, made again only when it grows (no per-call view).
    if (this.words.buffer !== e.memory.buffer) {
      this.words = new Uint32Array(e.memory.buffer);
      this.floats = new Float32Array(e.memory.buffer);
    }
    const at = e.recsOutPtr() >>> 2;
    const out: Recommendation[] = [];
    for (let m = 0; m < n; m++) out.push({ itemId: this.ids[this.words[at + 2 * m]!]!, score: this.floats[at + 2 * m + 1]! });
    return out;
  }

  private check(status: number): void {
    if (status < 0) throw new EngineError(status, statusMessage(status));
  }
}
