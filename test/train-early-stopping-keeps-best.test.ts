// Early stopping: training stops once the validation metric has not improved
// for --early-stopping-rounds trees, and the model keeps the best iteration
// (its metric is the best seen); without a validation split every tree is kept.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthetic } from './helpers/train-data.js';
import { runCli } from './helpers/cli.js';
import { readTrainingCsv } from '../host/train/csv.js';
import { train } from '../host/train/train.js';
import { checkParams } from '../host/train/params.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-early-'));
const file = join(dir, 'small.csv');
writeSynthetic(file, 3000, 21);

describe('early stopping', () => {
  it('stops after the patience runs out and keeps the best iteration', async () => {
    const data = await readTrainingCsv(file, 'label');
    // A high learning rate on few rows overfits quickly.
    const r = train(data, checkParams({ trees: 1000, learningRate: 0.5, numLeaves: 63, minDataInLeaf: 5, earlyStoppingRounds: 10 }));
    expect(r.stopReason).toBe('early-stopping');
    const best = r.history.indexOf(Math.max(...r.history));
    expect(r.trees.length).toBe(best + 1);
    expect(r.treesGrown).toBe(best + 1 + 10);
    expect(r.metric).toBe(r.history[best]);
    expect(r.history.slice(best + 1).every((m) => m <= r.history[best]!)).toBe(true);
  });

  it('keeps every tree when there is no validation split', async () => {
    const data = await readTrainingCsv(file, 'label');
    const r = train(data, checkParams({ trees: 30, validFraction: 0 }));
    expect(r.trees.length).toBe(30);
    expect(r.metricName).toBeNull();
  });

  it('says so in the CLI summary, and the file holds the kept trees', () => {
    const out = join(dir, 'model.txt');
    const res = runCli(['train', '--data', file, '--label', 'label', '--out', out, '--trees', '1000', '--learning-rate', '0.5', '--leaves', '63', '--min-data-in-leaf', '5', '--early-stopping-rounds', '10']);
    expect(res.code).toBe(0);
    const kept = Number(/: (\d+) trees kept \(early stopping after (\d+) trees\)/.exec(res.stderr)?.[1]);
    const grown = Number(/early stopping after (\d+) trees/.exec(res.stderr)?.[1]);
    expect(grown).toBe(kept + 10);
    expect(res.stderr).toMatch(new RegExp(`best iteration ${kept}: validation AUC 0\\.\\d{6}`));
    expect(readFileSync(out, 'utf8').match(/^Tree=/gm)!.length).toBe(kept);
    expect(res.stdout).toBe('');
  });
});
