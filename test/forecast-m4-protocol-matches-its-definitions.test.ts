// The M4 pieces against independent, plainly written references of the
// competition's R code: the 90% seasonality test (acf), classical
// multiplicative decomposition (R decompose), Naive2's reseasonalisation,
// sMAPE/MASE/OWA on hand-computed examples, and the M4 CSV reader.

import { describe, expect, it } from 'vitest';
import { ForecastEngine } from '../host/forecast/engine.js';
import { smape, mase, owa } from '../host/forecast/metrics.js';
import { parseM4 } from '../host/datasets/m4-csv.js';

const e = new ForecastEngine();

// R: acf(x)$acf at lag k.
function acf(x: number[], k: number): number {
  const n = x.length;
  const mu = x.reduce((a, b) => a + b, 0) / n;
  let c0 = 0;
  let ck = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - mu) ** 2;
  for (let i = 0; i + k < n; i++) ck += (x[i]! - mu) * (x[i + k]! - mu);
  return ck / c0;
}
// R: decompose(ts(x, frequency = m), "multiplicative")$figure.
function figure(x: number[], m: number): number[] {
  const w = m % 2 === 0 ? [0.5, ...Array(m - 1).fill(1), 0.5].map((v) => v / m) : Array(m).fill(1 / m);
  const o = Math.floor(w.length / 2);
  const sums = Array(m).fill(0);
  const counts = Array(m).fill(0);
  for (let i = o; i < x.length - o; i++) {
    let t = 0;
    for (let j = 0; j < w.length; j++) t += w[j]! * x[i - o + j]!;
    sums[i % m] += x[i]! / t;
    counts[i % m]++;
  }
  const f = sums.map((s, j) => s / counts[j]);
  const mean = f.reduce((a, b) => a + b, 0) / m;
  return f.map((v) => v / mean);
}

// A seasonal series (period 12, length 75: not whole periods) and a pure AR-like wobble.
const seas = Array.from({ length: 75 }, (_, i) => (100 + i) * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 12)) + ((i * 7919) % 13) - 6);
const plain = Array.from({ length: 75 }, (_, i) => 100 + ((i * 7919) % 17) - 8);

describe('M4 protocol pieces', () => {
  it('the seasonality test agrees with its formula', () => {
    for (const [x, m] of [[seas, 12], [plain, 12], [seas, 4], [plain, 4]] as const) {
      let s = 0;
      for (let k = 1; k < m; k++) s += acf(x, k) ** 2;
      const want = Math.abs(acf(x, m)) > (1.645 * Math.sqrt(1 + 2 * s)) / Math.sqrt(x.length);
      expect(e.isSeasonal(x, m)).toBe(want);
    }
    expect(e.isSeasonal(seas, 12)).toBe(true);
    expect(e.isSeasonal(plain, 12)).toBe(false);
    expect(e.isSeasonal(seas.slice(0, 35), 12)).toBe(false); // fewer than 3 periods
  });

  it('decomposition matches R decompose()\'s figure for even and odd periods', () => {
    for (const m of [12, 5]) {
      const got = e.decompose(seas, m);
      figure(seas, m).forEach((v, j) => expect(got[j]).toBeCloseTo(v, 12));
    }
  });

  it('Naive2 is the last adjusted value times the indices continuing the phase', () => {
    const f = figure(seas, 12);
    const n = seas.length;
    const last = seas[n - 1]! / f[(n - 1) % 12]!;
    const got = e.benchmark('naive2', seas, 14, 12).mean;
    for (let k = 0; k < 14; k++) expect(got[k]).toBeCloseTo(last * f[(n + k) % 12]!, 9);
  });

  it('sMAPE, MASE and OWA on hand-computed numbers', () => {
    // |10-12|/(10+12)*200 = 18.1818..., |20-15|/35*200 = 28.5714...
    expect(smape([10, 20], [12, 15])).toBeCloseTo((18.181818181818 + 28.571428571429) / 2, 9);
    expect(smape([0], [0])).toBe(0);
    // in-sample 1,3,2,4 at m = 2: |2-1| + |4-3| = 2 over 2 -> scale 1; errors 2 and 5 -> 3.5
    expect(mase([1, 3, 2, 4], [10, 20], [12, 15], 2)).toBeCloseTo(3.5, 12);
    // m = 1: |3-1|+|2-3|+|4-2| = 5 over 3
    expect(mase([1, 3, 2, 4], [10], [12], 1)).toBeCloseTo(2 / (5 / 3), 12);
    expect(owa(10, 2, 20, 4)).toBe(0.5);
  });

  it('reads padded M4 rows and names the file and line of a bad one', () => {
    const text = '"V1","V2","V3","V4"\n"W1","1","2",""\n"W2","5","6","7"\n';
    const s = parseM4(text, 'x.csv');
    expect(s.map((r) => r.id)).toEqual(['W1', 'W2']);
    expect([...s[0]!.values]).toEqual([1, 2]);
    expect(() => parseM4('"V1","V2","V3"\n"W1","1","x"\n', 'bad.csv')).toThrow(/^bad\.csv:2 \(V3\): series W1: value 2 is not a number/);
    expect(() => parseM4('"V1","V2","V3","V4"\n"W1","1","","3"\n', 'gap.csv')).toThrow(/gap\.csv:2 .*empty/);
  });
});
