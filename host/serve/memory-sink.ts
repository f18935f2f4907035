// The in-memory store as a sink: what the API reads in the embedded default,
// updated from each batch's outputs.

import type { MemoryStore } from './memory-store.js';
import type { BatchOutput, Sink } from '../core/ports.js';

/** Writes the recommendations and inventory states of each batch into `store` (what the API reads; scores are answered, not looked up). */
export function memoryStoreSink(store: MemoryStore): Sink {
  return {
    name: 'memory',
    async write(out: BatchOutput) {
      for (const r of out.recommendations) {
        if (r.userId !== undefined) store.putRecommendations(r.userId, r.items);
        if (r.itemId !== undefined) store.putSimilarItems(r.itemId, r.items);
      }
      for (const i of out.inventory) store.putInventory(i);
    },
    readiness: () => ({ ok: true }),
    async close() {
      store.close();
    },
  };
}
