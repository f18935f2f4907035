// Missing values: a feature whose values are noise but whose missingness
// carries the label is split on, with the NaN rows sent to the side of the
// positives, and a NaN that never occurs in training follows LightGBM's
// missing type None (read as 0).

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from './helpers/random-forest.js';
import { readTrainingCsv } from '../host/train/csv.js';
import { train } from '../host/train/train.js';
import { checkParams } from '../host/train/params.js';
import { modelText } from '../host/train/model.js';
import { parseModel } from '../host/gbt/load.js';
import { GbtEngine } from '../host/gbt/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-nan-'));

/** label, gap (missing in 70% of positives and 10% of negatives, else noise), noise. */
function write(name: string, rows: number, seed: number): string {
  const r = rng(seed);
  const lines = ['label,gap,noise'];
  for (let i = 0; i < rows; i++) {
    const y = r() < 0.3 ? 1 : 0;
    const missing = r() < (y ? 0.7 : 0.1);
    lines.push(`${y},${missing ? 'NA' : (r() * 10).toFixed(3)},${(r() * 10).toFixed(3)}`);
  }
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('missing values', () => {
  it('splits on a feature whose NaN pattern carries the signal, NaN towards the positives', async () => {
    const data = await readTrainingCsv(write('gap.csv', 5000, 9), 'label');
    const r = train(data, checkParams({ trees: 20, validFraction: 0.2 }));
    const root = r.trees[0]!;
    expect(root.feature[0]).toBe(0); // gap
    expect(root.decisionType[0]! & 8).toBe(8); // missing type NaN
    expect(r.metric).toBeGreaterThan(0.75);

    const engine = new GbtEngine();
    const model = engine.load(parseModel(Buffer.from(modelText(r))).blob);
    const [nan, value] = engine.score(model, Float64Array.of(NaN, 5, 5, 5), false);
    expect(nan!).toBeGreaterThan(0.6);
    expect(value!).toBeLessThan(0.2);
  });

  it('reads NaN as 0 for a feature that had no missing values in training', async () => {
    const r0 = rng(4);
    const lines = ['label,x'];
    for (let i = 0; i < 4000; i++) {
      const x = Math.round((r0() * 4 - 2) * 100) / 100;
      lines.push(`${x > 0.5 ? 1 : 0},${x}`);
    }
    const p = join(dir, 'dense.csv');
    writeFileSync(p, lines.join('\n') + '\n');
    const data = await readTrainingCsv(p, 'label');
    const r = train(data, checkParams({ trees: 5, validFraction: 0 }));
    expect(r.trees[0]!.decisionType[0]! & 12).toBe(0); // missing type None
    const engine = new GbtEngine();
    const model = engine.load(parseModel(Buffer.from(modelText(r))).blob);
    const [nan, zero, high] = engine.score(model, Float64Array.of(NaN, 0, 2), true);
    expect(nan).toBe(zero);
    expect(high!).toBeGreaterThan(zero!);
  });
});
