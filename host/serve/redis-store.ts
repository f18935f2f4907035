// The service-mode store: what the API reads, kept in Redis (one ioredis
// client, writes batched: a flush of up to 1,000 keys is one round trip, one
// call of SET_PX_SCRIPT), answering exactly as the in-memory store does
// (host/serve/memory-store.ts): same values, same lists capped at the
// largest k, same time to live. Key layout: docs/REDIS.md.
//
// Redis is the serving cache, not the record (the Kafka output topics are),
// so when it is down scoring goes on. Every write goes through one bounded
// buffer, flushed in order by one loop:
// - healthy: write() resolves once its commands are in Redis (the source's
//   commit then covers them);
// - degraded (a flush failed, or the connection is not up): write() resolves
//   at once with its commands buffered; the loop retries with exponential
//   backoff, and at once when the connection comes back; readiness() is
//   ok:false with how much is buffered; SINK_ERROR per failed attempt.
// Every command is a SET of a whole value with an expiry, so the buffer
// keeps one entry per key, the latest (a hot key costs one entry however
// often it changes), and replaying a command is harmless. At the bound
// (entries or bytes) the least recently written keys are dropped and counted:
// the alternative, making write() wait, would stop scoring for as long as
// Redis is down, which is what this design exists to avoid. A dropped key
// reads as absent (or stale) until the stream writes it again.
//
// Reads look in the buffer first (a buffered value is newer than Redis'),
// then ask Redis; when Redis cannot answer they throw a retriable
// StreamscoreError (code STORE_UNAVAILABLE) rather than answer null, because
// null means "no such key" (a 404) and an outage is not that (a 503).

import { Redis } from 'ioredis';
import { StreamscoreError } from '../core/errors.js';
import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import type { BatchOutput, InventoryState, Recommendation, ScoredOutput, Sink, Store } from '../core/ports.js';
import { scoreRecord } from '../core/records.js';
import { DEFAULT_TTL_MS } from './memory-store.js';

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] (default redis://127.0.0.1:6379). */
  url?: string;
  /** Put before every key (default `streamscore:`), so one Redis can hold several deployments. */
  keyPrefix?: string;
  /** Time to live of every entry in ms (default 1 hour, as the memory store). */
  ttlMs?: number;
  /** Per-kind overrides of ttlMs. */
  scoreTtlMs?: number;
  recommendationTtlMs?: number;
  inventoryTtlMs?: number;
  /** Longest recommendation list kept per key (default 100): the largest k the API serves. */
  maxListLength?: number;
  /** Most writes (keys) buffered while Redis is away (default 100,000). */
  maxBufferedEntries?: number;
  /** Most bytes (keys and values) buffered while Redis is away (default 64 MiB). */
  maxBufferedBytes?: number;
  /** Commands per pipeline when flushing (default 1000). */
  flushChunk?: number;
  /** A command not answered in this many ms fails (default 1000). */
  commandTimeoutMs?: number;
  /** First and longest wait between failed flushes in ms (default 100 and 5000; doubling). */
  backoffMs?: { initial: number; max: number };
  /** On close(), how long to keep trying to flush what is buffered, in ms (default 5000). */
  closeTimeoutMs?: number;
  /** Receives SINK_ERROR (sink "redis") per failed flush attempt or read. */
  instrumentation?: Instrumentation;
}

/**
 * A chunk of writes in one call: KEYS are the keys, ARGV each key's value and
 * time to live in ms, in pairs. Each SET runs on its own (pcall), so one
 * refused key does not stop the rest; answers [refused, the first refusal's
 * message or '']. One call costs the client about a third of what the same
 * SETs cost as a pipeline (ioredis makes an object, a promise and a reply per
 * pipelined command; bench/results/2026-11-25-to-12-07-benchmarks-log.md, "Redis writes in one call").
 */
export const SET_PX_SCRIPT = `
local failed, first = 0, ''
for i = 1, #KEYS do
  local r = redis.pcall('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i])
  if type(r) == 'table' and r.err then
    failed = failed + 1
    if first == '' then first = r.err end
  end
end
return { failed, first }
`;

interface SetPxClient {
  streamscoreSetPx(numKeys: number, ...keysThenArgs: string[]): Promise<[number, string]>;
}

interface Entry {
  key: string;
  value: string;
  /** Epoch ms, fixed at write() so that time spent buffered counts against the TTL. */
  expiresAt: number;
  seq: number;
  bytes: number;
}

/** Buffer and flush figures, for readiness, tests and the benchmark. */
export interface RedisStoreStats {
  buffered: number;
  bufferedBytes: number;
  /** Buffered writes dropped at the bound, since start. */
  dropped: number;
  /** Writes Redis refused (a reply error, e.g. out of memory), since start. */
  refused: number;
  degraded: boolean;
  connection: string;
}

export class RedisStore implements Store, Sink {
  readonly name = 'redis';
  readonly client: Redis;
  private readonly prefix: string;
  private readonly ttl: { score: number; recs: number; inventory: number };
  private readonly maxList: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly chunk: number;
  private readonly backoff: { initial: number; max: number };
  private readonly closeTimeoutMs: number;
  private readonly instrumentation?: Instrumentation;

  /** Pending writes by key, oldest first (a rewritten key moves to the end). */
  private readonly buffer = new Map<string, Entry>();
  private bytes = 0;
  private seq = 0;
  private flushedSeq = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];
  private draining = false;
  private degradedSince: number | null = null;
  private lastError = '';
  private dropped = 0;
  private refused = 0;
  private wake: (() => void) | null = null;
  private closing = false;

  constructor(options: RedisStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'streamscore:';
    const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
    this.ttl = { score: options.scoreTtlMs ?? ttl, recs: options.recommendationTtlMs ?? ttl, inventory: options.inventoryTtlMs ?? ttl };
    this.maxList = options.maxListLength ?? 100;
    this.maxEntries = options.maxBufferedEntries ?? 100_000;
    this.maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.chunk = options.flushChunk ?? 1000;
    this.backoff = options.backoffMs ?? { initial: 100, max: 5000 };
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.instrumentation = options.instrumentation;
    this.client = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      // Fail fast instead of queueing: the buffer here is the one queue, bounded.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      // Reconnect for ever, at most every 2 s.
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    // EVALSHA, falling back to EVAL when Redis does not have the script yet.
    this.client.defineCommand('streamscoreSetPx', { lua: SET_PX_SCRIPT });
    this.client.on('error', (e: Error) => (this.lastError = e.message));
    this.client.on('ready', () => {
      if (this.buffer.size > 0) this.kick(true);
    });
    // A failed first connect keeps retrying through retryStrategy.
    this.client.connect().catch(() => {});
  }

  /** Resolves true once connected, false after `timeoutMs`. For `serve` at start and for tests. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== 'ready') {
      if (Date.now() >= deadline || this.client.status === 'end') return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  // --- Store: what the API reads ---

  async recommendations(userId: string, k: number): Promise<Recommendation[] | null> {
    return top(await this.read<Recommendation[]>(this.key('recs:user:', userId)), k);
  }

  async similarItems(itemId: string, k: number): Promise<Recommendation[] | null> {
    return top(await this.read<Recommendation[]>(this.key('recs:item:', itemId)), k);
  }

  async inventory(sku: string): Promise<InventoryState | null> {
    return this.read<InventoryState>(this.key('inventory:', sku));
  }

  // --- Writers, as the memory store has them ---

  putRecommendations(userId: string, items: Recommendation[]): Promise<void> {
    return this.enqueue([this.entry(this.key('recs:user:', userId), items.slice(0, this.maxList), this.ttl.recs, Date.now())]);
  }

  putSimilarItems(itemId: string, items: Recommendation[]): Promise<void> {
    return this.enqueue([this.entry(this.key('recs:item:', itemId), items.slice(0, this.maxList), this.ttl.recs, Date.now())]);
  }

  putInventory(state: InventoryState): Promise<void> {
    return this.enqueue([this.entry(this.key('inventory:', state.sku), state, this.ttl.inventory, Date.now())]);
  }

  // --- Sink ---

  /**
   * Writes a batch's scores, recommendations and inventory states. Resolves
   * once they are in Redis, or at once (buffered) while Redis is away; never
   * rejects on an outage. Called by the pipeline once per batch.
   */
  write(out: BatchOutput): Promise<void> {
    const now = Date.now();
    const entries: Entry[] = [];
    for (const s of out.scores) entries.push(...this.scoreEntries(s, now));
    for (const r of out.recommendations) {
      // The worker's text as it is when the list fits; else capped here.
      const json = r.text !== undefined && r.text.count <= this.maxList ? r.text.json : JSON.stringify(r.items.slice(0, this.maxList));
      if (r.userId !== undefined) entries.push(this.textEntry(this.key('recs:user:', r.userId), json, this.ttl.recs, now));
      if (r.itemId !== undefined) entries.push(this.textEntry(this.key('recs:item:', r.itemId), json, this.ttl.recs, now));
    }
    for (const i of out.inventory) entries.push(this.entry(this.key('inventory:', i.sku), i, this.ttl.inventory, now));
    return this.enqueue(entries);
  }

  readiness(): { ok: boolean; detail?: string } {
    if (this.degradedSince === null && this.client.status === 'ready') return { ok: true };
    const since = this.degradedSince === null ? '' : ` since ${new Date(this.degradedSince).toISOString()}`;
    const why = this.lastError ? ` (${this.lastError})` : '';
    return {
      ok: false,
      detail:
        `redis unavailable${since}${why}, connection ${this.client.status}: ` +
        `${this.buffer.size} writes buffered (${this.bytes} bytes), ${this.dropped} dropped at the bound; scoring goes on`,
    };
  }

  /** Flushes what is buffered (for up to closeTimeoutMs), then closes the connection. Called by `serve` on shutdown. */
  async close(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.closeTimeoutMs;
    while (this.buffer.size > 0 && Date.now() < deadline) {
      this.kick(true);
      await new Promise((r) => setTimeout(r, 20));
    }
    const lost = this.buffer.size;
    this.buffer.clear();
    this.bytes = 0;
    this.wake?.();
    this.settle(true);
    if (lost > 0) {
      this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'redis', error: new Error(`${lost} buffered writes not flushed at close`) });
    }
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  stats(): RedisStoreStats {
    return {
      buffered: this.buffer.size,
      bufferedBytes: this.bytes,
      dropped: this.dropped,
      refused: this.refused,
      degraded: this.degradedSince !== null,
      connection: this.client.status,
    };
  }

  // --- The buffer and its flush loop ---

  private key(kind: string, id: string): string {
    return this.prefix + kind + id;
  }

  private entry(key: string, value: unknown, ttlMs: number, now: number): Entry {
    return this.textEntry(key, JSON.stringify(value), ttlMs, now);
  }

  private textEntry(key: string, json: string, ttlMs: number, now: number): Entry {
    return { key, value: json, expiresAt: now + ttlMs, seq: 0, bytes: key.length + json.length };
  }

  /** A purchase's two keys, by event and by user, with one value: its score record (host/core/records.ts). */
  private scoreEntries(s: ScoredOutput, now: number): Entry[] {
    const record = scoreRecord(s);
    return [
      this.textEntry(this.key('score:event:', s.eventId), record, this.ttl.score, now),
      this.textEntry(this.key('score:user:', s.userId), record, this.ttl.score, now),
    ];
  }

  private enqueue(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    for (const e of entries) {
      const old = this.buffer.get(e.key);
      if (old !== undefined) {
        this.buffer.delete(e.key);
        this.bytes -= old.bytes;
      }
      e.seq = ++this.seq;
      this.buffer.set(e.key, e);
      this.bytes += e.bytes;
    }
    this.trim();
    const seq = this.seq;
    const degraded = this.degradedSince !== null || this.client.status !== 'ready';
    this.kick(false);
    if (degraded || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Drops the oldest entries while over the bound. */
  private trim(): void {
    if (this.buffer.size <= this.maxEntries && this.bytes <= this.maxBytes) return;
    let dropped = 0;
    for (const [key, e] of this.buffer) {
      if (this.buffer.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.buffer.delete(key);
      this.bytes -= e.bytes;
      dropped++;
    }
    this.dropped += dropped;
  }

  /** Starts the flush loop if it is not running; `now` cuts a backoff wait short. */
  private kick(now: boolean): void {
    if (now) this.wake?.();
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  // Clears `draining` in the same synchronous step as it sees the buffer
  // empty, so a write enqueued right after always finds the loop stopped.
  private async drain(): Promise<void> {
    let wait = this.backoff.initial;
    while (this.buffer.size > 0) {
      const chunk: Entry[] = [];
      for (const e of this.buffer.values()) {
        chunk.push(e);
        if (chunk.length >= this.chunk) break;
      }
      try {
        await this.flush(chunk);
      } catch (e) {
        this.fail(e);
        if (this.closing && this.buffer.size === 0) break;
        await this.pause(wait);
        wait = Math.min(wait * 2, this.backoff.max);
        continue;
      }
      wait = this.backoff.initial;
      for (const e of chunk) {
        if (this.buffer.get(e.key) === e) {
          this.buffer.delete(e.key);
          this.bytes -= e.bytes;
        }
      }
      this.flushedSeq = Math.max(this.flushedSeq, chunk[chunk.length - 1]!.seq);
      this.settle(false);
    }
    this.draining = false;
    this.degradedSince = null;
    this.settle(true);
  }

  /**
   * Sends one chunk as one call of SET_PX_SCRIPT (its SETs run in Redis one
   * after the other, as a pipeline's would); throws if Redis did not take it
   * (the chunk stays buffered).
   */
  private async flush(chunk: Entry[]): Promise<void> {
    if (this.client.status !== 'ready') throw new Error(`connection ${this.client.status}`);
    const now = Date.now();
    const keys: string[] = [];
    const args: string[] = [];
    for (const e of chunk) {
      const left = e.expiresAt - now;
      if (left <= 0) continue; // expired while buffered: nothing to write
      keys.push(e.key);
      args.push(e.value, String(left));
    }
    if (keys.length === 0) return;
    let failed: number;
    let first: string;
    try {
      [failed, first] = await (this.client as unknown as SetPxClient).streamscoreSetPx(keys.length, ...keys, ...args);
    } catch (e) {
      if ((e as Error).name !== 'ReplyError') throw e;
      // Redis refused the whole call (out of memory before it ran, say).
      [failed, first] = [keys.length, (e as Error).message];
    }
    if (failed === 0) return;
    // Redis answered with an error (out of memory, a read-only replica):
    // retrying the same command would get the same answer, so it is dropped.
    this.refused += failed;
    this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'redis', error: new Error(`${failed} of ${keys.length} SETs refused: ${first}`) });
  }

  private fail(e: unknown): void {
    this.degradedSince ??= Date.now();
    this.lastError = e instanceof Error ? e.message : String(e);
    this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'redis', error: e });
    // Writers waiting for Redis go on: their commands stay buffered.
    this.settle(true);
  }

  private settle(all: boolean): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (all || w.seq <= this.flushedSeq) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  private async read<T>(key: string): Promise<T | null> {
    const pending = this.buffer.get(key);
    if (pending !== undefined) return pending.expiresAt > Date.now() ? (JSON.parse(pending.value) as T) : null;
    if (this.client.status !== 'ready') throw this.unavailable(new Error(`connection ${this.client.status}`));
    let value: string | null;
    try {
      value = await this.client.get(key);
    } catch (e) {
      throw this.unavailable(e);
    }
    return value === null ? null : (JSON.parse(value) as T);
  }

  private unavailable(cause: unknown): StreamscoreError {
    this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'redis', error: cause });
    const why = cause instanceof Error ? cause.message : String(cause);
    return new StreamscoreError(`redis unavailable: ${why}`, { code: 'STORE_UNAVAILABLE', retriable: true, cause });
  }
}

function top(list: Recommendation[] | null, k: number): Recommendation[] | null {
  return list === null ? null : list.slice(0, k);
}

/** Creates the store and starts connecting (a Redis that is down at start is retried). Called once by `serve` when REDIS_URL is set. */
export function createRedisStore(options: RedisStoreOptions = {}): RedisStore {
  return new RedisStore(options);
}
