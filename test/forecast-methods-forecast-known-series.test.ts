// Each method on series whose future is known: a line, a constant, a pure
// seasonal pattern; AICc picks the seasonal model on a seasonal series; the
// interval widens with the horizon; online updates equal a fit's own state.

import { describe, expect, it } from 'vitest';
import { ForecastEngine, modelName, REC } from '../host/forecast/engine.js';

const e = new ForecastEngine();
const line = Float64Array.from({ length: 60 }, (_, i) => 100 + 2 * i);
const pattern = [10, 12, 15, 11, 9, 30, 25];
const seasonal = Float64Array.from({ length: 84 }, (_, i) => pattern[i % 7]! * (1 + 0.002 * i));
// A deterministic wobble (no Math.random: the test is the same every run).
const noisy = Float64Array.from({ length: 120 }, (_, i) => 50 + 5 * Math.sin(i * 1.3) + 3 * Math.cos(i * 0.7));

describe('forecast methods on known series', () => {
  it('Holt and Damped continue a straight line; SES and Naive2 stay flat at a constant', () => {
    const holt = e.benchmark('holt', line, 10, 1).mean;
    holt.forEach((v, k) => expect(v).toBeCloseTo(100 + 2 * (60 + k), 3));
    const damped = e.benchmark('damped', line, 10, 1).mean;
    expect(damped[0]).toBeCloseTo(220, 1);
    expect(damped[9]! - damped[8]!).toBeLessThan(2); // the slope fades
    const flat = new Float64Array(40).fill(7);
    for (const m of ['ses', 'naive2', 'theta', 'comb'] as const) e.benchmark(m, flat, 5, 1).mean.forEach((v) => expect(v).toBeCloseTo(7, 6));
  });

  it('seasonal naive and Holt-Winters reproduce a pure seasonal pattern', () => {
    const pure = Float64Array.from({ length: 70 }, (_, i) => pattern[i % 7]!);
    expect([...e.benchmark('snaive', pure, 7, 7).mean]).toEqual(pattern);
    for (const season of ['A', 'M'] as const) {
      const f = e.predict(e.fit(pure, { error: season, season, m: 7 }), 14).mean;
      f.forEach((v, k) => expect(v).toBeCloseTo(pattern[k % 7]!, 1));
    }
  });

  it('AICc chooses a seasonal model for a seasonal series and a non-seasonal one otherwise', () => {
    const s = e.auto(seasonal, 7);
    expect(s.record[REC.season]).toBeGreaterThan(0);
    expect(modelName(s)).toMatch(/;7\)$/);
    const n = e.auto(noisy.map((v, i) => v + (i % 2)), 1);
    expect(n.record[REC.season]).toBe(0);
  });

  it('prediction intervals contain the mean and widen with the horizon', () => {
    const m = e.fit(noisy, { trend: 'A' });
    const f = e.predict(m, 12, 0.95);
    for (let k = 0; k < 12; k++) {
      expect(f.lo[k]).toBeLessThan(f.mean[k]!);
      expect(f.hi[k]).toBeGreaterThan(f.mean[k]!);
      if (k > 0) expect(f.hi[k]! - f.lo[k]!).toBeGreaterThan(f.hi[k - 1]! - f.lo[k - 1]!);
    }
    // ETS(A,N,N) one step: mean +- 1.96 sigma exactly.
    const ses = e.fit(noisy, {});
    const g = e.predict(ses, 1, 0.95);
    const sigma = Math.sqrt(ses.record[REC.sigma2]!);
    expect(g.hi[0]! - g.mean[0]!).toBeCloseTo(1.959964 * sigma, 4);
  });

  it('updating a fitted model by new values lands where fitting with fixed parameters would', () => {
    const head = seasonal.subarray(0, 70);
    const m = e.fit(head, { error: 'M', season: 'M', m: 7 });
    const copy = { record: m.record.slice() };
    e.update(copy, seasonal.subarray(70));
    expect(copy.record[REC.nobs]).toBe(84);
    const f = e.predict(copy, 7).mean;
    f.forEach((v, k) => expect(v).toBeCloseTo(pattern[k % 7]! * (1 + 0.002 * (84 + k)), 0));
  });

  it('reports data the model cannot take as errors, not traps', () => {
    expect(() => e.fit([1, 2, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11], { error: 'M' })).toThrow(/strictly positive/);
    expect(() => e.fit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { season: 'A', m: 7 })).toThrow(/too short/);
    expect(() => e.fit([1, 2, NaN, 4, 5, 6, 7, 8, 9], {})).toThrow(/NaN/);
    // The instance still works afterwards.
    expect(e.benchmark('naive', [1, 2, 3], 2, 1).mean[1]).toBe(3);
  });
});
