// The embedded default store (no Redis): what the API reads, kept in memory
// with a time to live (1 hour by default) and a bound on entries per kind, so
// a long-running `serve` on an unbounded key space stays within a fixed size.

import type { InventoryState, Recommendation, Snapshot, StatePart, Stateful, Store } from '../core/ports.js';
import { TtlCache } from './ttl-cache.js';

export interface MemoryStoreOptions {
  /** Time to live of every entry in ms (default 1 hour). */
  ttlMs?: number;
  /** Most entries per kind (user recommendations, similar items, inventory); default 100,000. */
  maxEntries?: number;
  /** Longest recommendation list kept per key (default 100): the largest k the API serves. */
  maxListLength?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

export const DEFAULT_TTL_MS = 60 * 60 * 1000;

/** The in-memory Store plus its writers. */
export interface MemoryStore extends Store, Stateful {
  /** Called by the recommender when a user's top items change. */
  putRecommendations(userId: string, items: Recommendation[], ttlMs?: number): void;
  /** Called by the recommender when an item's neighbours change. */
  putSimilarItems(itemId: string, items: Recommendation[], ttlMs?: number): void;
  /** Called by the forecaster after each sale or stock event of a SKU. */
  putInventory(state: InventoryState, ttlMs?: number): void;
  /** Entries held per kind. */
  sizes(): { recommendations: number; similarItems: number; inventory: number };
  /** Stops the expiry sweep. */
  close(): void;
}

/** Creates the store. Called once by `serve` in the embedded default mode. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const cacheOptions = { maxEntries: options.maxEntries ?? 100_000, ttlMs, now: options.now };
  const maxList = options.maxListLength ?? 100;
  const recommendations = new TtlCache<Recommendation[]>(cacheOptions);
  const similar = new TtlCache<Recommendation[]>(cacheOptions);
  const inventory = new TtlCache<InventoryState>(cacheOptions);
  const caches = [recommendations, similar, inventory];
  // Reads already ignore expired entries; the sweep frees their memory.
  const sweep = setInterval(() => caches.forEach((c) => c.sweep()), Math.min(ttlMs, 60_000));
  sweep.unref();

  const top = (list: Recommendation[] | undefined, k: number) => (list === undefined ? null : list.slice(0, k));

  return {
    recommendations: async (userId, k) => top(recommendations.get(userId), k),
    similarItems: async (itemId, k) => top(similar.get(itemId), k),
    inventory: async (sku) => inventory.get(sku) ?? null,
    putRecommendations: (userId, items, ttl) => recommendations.set(userId, items.slice(0, maxList), ttl),
    putSimilarItems: (itemId, items, ttl) => similar.set(itemId, items.slice(0, maxList), ttl),
    putInventory: (state, ttl) => inventory.set(state.sku, state, ttl),
    sizes: () => ({ recommendations: recommendations.size, similarItems: similar.size, inventory: inventory.size }),
    close: () => clearInterval(sweep),
    // What the API reads survives a restart with the rest of the state.
    snapshot: (): Snapshot => ({ image: null, meta: caches.map((c) => c.entries()) }),
    restore: (part: StatePart) => {
      const meta = part.meta as Parameters<TtlCache<unknown>['load']>[0][];
      caches.forEach((c, k) => (c as TtlCache<unknown>).load(meta[k] ?? []));
    },
  };
}
