// Status codes of the recommendation exports (assembly/recs/status.ts).

import { statusMessage as shared } from '../engine/status.js';

const MESSAGES: Record<number, string> = {
  [-201]: 'interaction type code unknown (0 view, 1 cart, 2 purchase)',
  [-202]: 'timestamp not finite or out of range',
  [-203]: 'item index beyond the reserved item capacity',
  [-204]: 'user id empty',
};

/** Describes a negative status from the recommendation exports. */
export function recsStatusMessage(status: number): string {
  return MESSAGES[status] ?? shared(status);
}
