// Status codes of the feature exports (assembly/features/status.ts).

import { statusMessage as shared } from '../engine/status.js';

const MESSAGES: Record<number, string> = {
  [-101]: 'event type code unknown',
  [-102]: 'timestamp not finite or out of range',
  [-103]: 'negative amount',
  [-104]: 'source, browser or sex code out of range',
  [-105]: 'IP ranges unsorted, overlapping, or with lower > upper',
  [-106]: 'feature rows would run past the end of WASM memory',
};

/** Describes a negative status from the feature exports. */
export function featureStatusMessage(status: number): string {
  return MESSAGES[status] ?? shared(status);
}

const FIELDS: Record<number, string> = { [-101]: 'type', [-102]: 'ts', [-103]: 'amount', [-104]: 'source' };

/** The event field a per-event feature status is about (featuresStatusPtr()). */
export function featureStatusField(status: number): string {
  return FIELDS[status] ?? 'event';
}
