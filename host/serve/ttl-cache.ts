// A bounded map with a time to live: the in-memory store's building block.
// A Map keeps insertion order, so re-inserting on read makes the first key the
// least recently used one; at capacity it is evicted. Memory is bounded by the
// entry count whatever the key space or the write rate.

export interface TtlCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Default time to live in ms. */
  ttlMs: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class TtlCache<V> {
  private readonly map = new Map<string, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${options.maxEntries}`);
    this.now = options.now ?? Date.now;
  }

  /** The live value, or undefined when absent or expired. Called on every API read. */
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    if (e.expiresAt <= this.now()) return undefined;
    this.map.set(key, e);
    return e.value;
  }

  /** Stores a value for ttlMs (default: the cache's). Called by the writers once per update. */
  set(key: string, value: V, ttlMs = this.options.ttlMs): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + ttlMs });
    if (this.map.size > this.options.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  /** Every entry with its expiry, least recently used first (a checkpoint's copy). */
  entries(): [string, { value: V; expiresAt: number }][] {
    return [...this.map];
  }

  /** Replaces the entries with a checkpoint's (in their order). */
  load(entries: [string, { value: V; expiresAt: number }][]): void {
    this.map.clear();
    for (const [k, e] of entries) this.map.set(k, e);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /** Entries held, expired ones included until they are read or evicted. */
  get size(): number {
    return this.map.size;
  }

  /** Drops expired entries. Called by the store on a timer so idle keys do not wait for eviction. */
  sweep(): number {
    const t = this.now();
    let n = 0;
    for (const [k, e] of this.map) {
      if (e.expiresAt <= t) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }
}
