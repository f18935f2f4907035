// A purchase's reasons are its k largest positive contributions, largest
// first, ties to the earlier feature, each with the feature's value in words:
// host/fraud/reasons.ts against a sort of all the features, on random rows
// with many ties, zeros and negatives, for k from 1 to 6.

import { expect, test } from 'vitest';
import { topReasons } from '../host/fraud/reasons.js';
import { FEATURES } from '../host/fraud/catalog.js';

test('topReasons picks what a full sort picks, in its order, for every k', () => {
  const names = FEATURES.map((f) => f.name);
  const width = names.length;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let compared = 0;
  for (let r = 0; r < 2000; r++) {
    // Contributions from a few levels (ties), with zeros and negatives, plus the bias at the end.
    const contrib = Array.from({ length: width + 1 }, () => {
      const u = rand();
      return u < 0.4 ? 0 : u < 0.6 ? -Math.round(rand() * 4) / 4 : Math.round(rand() * 8) / 8;
    });
    const row = Array.from({ length: width }, () => (rand() < 0.1 ? NaN : Math.round(rand() * 1000) / 10));
    // Offset into a batch's contributions, as the scorer passes them.
    const at = (r % 3) * (width + 1);
    const batch = [...new Array(at).fill(9), ...contrib];
    for (let k = 1; k <= 6; k++) {
      const want = names
        .map((_, f) => f)
        .filter((f) => contrib[f]! > 0)
        .sort((a, b) => contrib[b]! - contrib[a]! || a - b)
        .slice(0, k);
      const got = topReasons(batch, row, names, k, at);
      expect(got.map((g) => g.feature)).toEqual(want.map((f) => names[f]));
      expect(got.map((g) => g.contribution)).toEqual(want.map((f) => contrib[f]));
      for (const g of got) {
        const v = row[names.indexOf(g.feature)]!;
        expect(g.text).toMatch(Number.isNaN(v) ? /: unknown$/ : new RegExp(`: ${Number.isInteger(v) ? v : v >= 100 ? v.toFixed(0) : v.toPrecision(3)}$`));
      }
      compared += got.length;
    }
  }
  expect(compared).toBeGreaterThan(20_000);
});
