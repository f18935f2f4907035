// Small categorical codes for the event fields the core takes as numbers.
// 0 is "absent"; a value not in the list gets the list's "other" code.
// Matching is case-insensitive. The codes are features (source, browser,
// sex), so they are part of a trained model's meaning: append, never reorder.

import { EVENT_TYPES, type EventType } from '../core/schema.js';

export const SOURCES = ['SEO', 'Ads', 'Direct'] as const; // 1..3, other 4
export const BROWSERS = ['Chrome', 'IE', 'Safari', 'FireFox', 'Opera'] as const; // 1..5, other 6
export const SEXES = ['M', 'F'] as const; // 1..2, other 3

function table(list: readonly string[]): (v: string | undefined) => number {
  const map = new Map(list.map((s, i) => [s.toUpperCase(), i + 1]));
  return (v) => (v === undefined || v === '' ? 0 : (map.get(v.toUpperCase()) ?? list.length + 1));
}

export const sourceCode = table(SOURCES);
export const browserCode = table(BROWSERS);
export const sexCode = table(SEXES);

/** Event type codes of the core: the order of SPEC's types (signup 0 .. label 6). */
export function typeCode(t: EventType): number {
  return EVENT_TYPES.indexOf(t);
}
export const SIGNUP = 0;
export const PURCHASE = 1;
