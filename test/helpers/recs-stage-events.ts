// Events for the recommendations stage tests: views with fresh event ids, an
// empty batch output, and other shoppers' sessions so that items have
// neighbours before a test's own shopper arrives.

import type { BatchOutput, Event } from '../../host/core/ports.js';

/** The event time the background sessions start at. */
export const T0 = Date.UTC(2024, 5, 1);

let n = 0;

/** A view with an event id no other call gives. */
export const view = (userId: string, itemId: string, ts: number): Event => ({ eventId: `e${n++}`, type: 'view', ts, userId, itemId });

export const emptyOutput = (): BatchOutput => ({ scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [] });

/** 30 shoppers o0..o29, 4 views each over items i0..i11, from T0 on. */
export function backgroundViews(): Event[] {
  const out: Event[] = [];
  for (let u = 0; u < 30; u++) for (let k = 0; k < 4; k++) out.push(view(`o${u}`, `i${(u + k * 3) % 12}`, T0 + u * 10 + k));
  return out;
}
