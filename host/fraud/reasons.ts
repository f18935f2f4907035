// Reason codes: the features that pushed a fraud score up the most, from the
// WASM explain() contributions, in plain words taken from the feature
// catalog ("seconds since the user's (first) signup: 0").

import { FEATURES } from './catalog.js';
import type { Reason } from '../core/ports.js';

const PHRASE = new Map(FEATURES.map((f) => [f.name, f.definition.split(';')[0]!.trim()]));

function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'unknown';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/**
 * The `k` features with the largest positive contributions of one row.
 * `contrib` holds the row's numFeatures + 1 values (the last is the bias)
 * from index `at` (a batch's contributions, not copied per row), `row` the
 * feature values.
 */
export function topReasons(contrib: ArrayLike<number>, row: ArrayLike<number>, names: readonly string[], k = 3, at = 0): Reason[] {
  // The best so far, best first (ties: the earlier feature first); it never
  // holds more than k, and an insertion shifts the weaker ones down in place
  // (splice made an array of the removed entries every call: 6% of what the
  // server allocated at 50,000 scoring requests/s).
  const best: number[] = [];
  for (let f = 0; f < names.length; f++) {
    const c = contrib[at + f]!;
    if (!(c > 0)) continue;
    let i = best.length;
    while (i > 0 && contrib[at + best[i - 1]!]! < c) i--;
    if (i >= k) continue;
    let j = best.length;
    if (j < k) best.push(f);
    else j = k - 1;
    for (; j > i; j--) best[j] = best[j - 1]!;
    best[i] = f;
  }
  return best.map((f) => {
    const name = names[f]!;
    return { feature: name, contribution: contrib[at + f]!, text: `${PHRASE.get(name) ?? name}: ${formatValue(row[f]!)}` };
  });
}
