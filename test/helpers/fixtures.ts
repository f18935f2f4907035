// Reads the parity fixtures made by scripts/gbt-fixtures/make_fixtures.py
// from real LightGBM and XGBoost: models, inputs, and the libraries' own
// raw and transformed predictions.

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'gbt');

export interface FixtureCase {
  name: string;
  library: 'lightgbm' | 'xgboost';
  libraryVersion: string;
  model: string;
  objective: string;
  numFeatures: number;
  numOutputs: number;
  notes?: string;
}

/** Decodes a fixture value: JSON numbers, or "NaN", "Infinity", "-Infinity", "-0". */
export function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === '-0') return -0;
  return Number(v);
}

export function cases(): FixtureCase[] {
  const manifest = join(FIXTURES, 'manifest.json');
  if (!existsSync(manifest)) return [];
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { cases: FixtureCase[] }).cases;
}

export function modelPath(c: FixtureCase): string {
  return join(FIXTURES, c.name, c.model);
}

/** The inputs as one row-major matrix. */
export function inputs(c: FixtureCase): { rows: number; cols: number; data: Float64Array } {
  const j = JSON.parse(readFileSync(join(FIXTURES, c.name, 'input.json'), 'utf8')) as { numFeatures: number; rows: (number | string)[][] };
  const data = new Float64Array(j.rows.length * j.numFeatures);
  j.rows.forEach((r, i) => r.forEach((v, k) => (data[i * j.numFeatures + k] = decode(v))));
  return { rows: j.rows.length, cols: j.numFeatures, data };
}

export function expected(c: FixtureCase): { raw: number[][]; pred: number[][] } {
  const j = JSON.parse(readFileSync(join(FIXTURES, c.name, 'expected.json'), 'utf8')) as { raw: (number | string)[][]; pred: (number | string)[][] };
  return { raw: j.raw.map((r) => r.map(decode)), pred: j.pred.map((r) => r.map(decode)) };
}

/** Largest |a - b| over two equally long lists (NaN equal to NaN, equal infinities 0). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Object.is(x, y) || x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    worst = Math.max(worst, Math.abs(x - y));
    if (Number.isNaN(worst)) return Infinity;
  }
  return worst;
}
