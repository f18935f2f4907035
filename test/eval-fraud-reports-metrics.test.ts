// `streamscore eval fraud` replays, trains on the training rows only, scores
// the held-out rows and reports the metrics; --json gives exactly the keys a
// script relies on.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { fraudCsv, FRAUD_HEADER } from './helpers/fraud-data.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-eval-'));
const data = join(dir, 'fraud.csv');
writeFileSync(data, fraudCsv(11, 2000));

describe('eval fraud', () => {
  it('prints the JSON summary with a stratified 25% hold-out', () => {
    const r = runCli(['eval', 'fraud', '--train', data, '--seed', '3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(['auc', 'frauds', 'prAuc', 'precision', 'recall', 'rows', 'threshold'].sort());
    expect(j.rows).toBe(500);
    const frauds = readFileSync(data, 'utf8').trimEnd().split('\n').slice(1).filter((l) => l.endsWith(',1')).length;
    expect(j.frauds).toBe(Math.round(frauds * 0.25));
    // The generated frauds mostly buy in the minute of signing up: easy to rank.
    expect(j.auc).toBeGreaterThan(0.85);
    expect(j.prAuc).toBeGreaterThan(0.5);
    expect(j.threshold).toBe(0.5);
    // Same seed, same answer.
    expect(runCli(['eval', 'fraud', '--train', data, '--seed', '3', '--json']).stdout).toBe(r.stdout);
  });

  it('scores only --test rows, which still add history, and supports the time split', () => {
    const lines = readFileSync(data, 'utf8').trimEnd().split('\n').slice(1);
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    writeFileSync(train, [FRAUD_HEADER, ...lines.slice(0, 1500)].join('\n'));
    writeFileSync(test, [FRAUD_HEADER, ...lines.slice(1500)].join('\n'));
    const a = JSON.parse(runCli(['eval', 'fraud', '--train', train, '--test', test, '--json']).stdout);
    expect(a.rows).toBe(500);
    const t = runCli(['eval', 'fraud', '--train', data, '--split', 'time']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/split\s+time/);
    expect(t.stdout).toMatch(/ROC-AUC\s+0\.\d{4}/);
  });

  it('takes every trainer parameter train takes, and rejects one that is not a number', () => {
    const model = join(dir, 'eval-model.txt');
    const r = runCli(['eval', 'fraud', '--train', data, '--json', '--trees', '7', '--leaves', '3', '--lambda-l2', '50', '--min-sum-hessian', '5', '--model-out', model]);
    expect(r.code).toBe(0);
    const text = readFileSync(model, 'utf8');
    expect(text.match(/^Tree=/gm)).toHaveLength(7);
    expect(text).toMatch(/^\[lambda_l2: 50\]$/m);
    expect(text).toMatch(/^\[min_sum_hessian_in_leaf: 5\]$/m);
    expect(text).toMatch(/^\[num_leaves: 3\]$/m);
    const bad = runCli(['eval', 'fraud', '--train', data, '--lambda-l2', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/eval fraud: --lambda-l2 must be a number, got "lots"/);
  });

  it('rejects a bad split with a usage error', () => {
    const r = runCli(['eval', 'fraud', '--train', data, '--split', 'sideways']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--split must be random or time/);
  });
});
