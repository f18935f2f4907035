// The in-memory store as a sink: what the API reads in the embedded default,
// updated from each batch's outputs.

import type { MemoryStore } from './memory-store.js';
import type { BatchOutput, Sink } from '../core/ports.js';

/** Writes scores, recommendations and inventory of each batch into `store`. */
export function memoryStoreSink(store: MemoryStore): Sink {
  return {
    name: 'memory',
    async write(out: BatchOutput) {
      for (const s of out.scores) store.putScore({ eventId: s.eventId, fraudScore: s.fraudScore, decision: s.decision, reasons: s.reasons });
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
