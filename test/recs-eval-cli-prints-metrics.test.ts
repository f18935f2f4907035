// `streamscore eval recs` on generated MovieLens-format files: prints the
// metrics, or one JSON object with the documented keys; finds the users'
// clusters far better than chance; stops at a bad row with file:line.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { generateRatings, splitByTime, writeMovielens } from './helpers/recs-data.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-recs-eval-'));
const train = join(dir, 'train.data');
const test = join(dir, 'test.data');
const { train: tr, test: te } = splitByTime(generateRatings({ users: 200, items: 120, clusters: 6, perUser: 20, noise: 0.1, seed: 11 }), 0.25);
writeMovielens(train, tr);
writeMovielens(test, te);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval recs', () => {
  it('prints precision, recall, NDCG, hit rate, coverage and users', () => {
    const r = runCli(['eval', 'recs', '--train', train, '--test', test]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const label of ['precision@10', 'recall@10', 'NDCG@10', 'hit rate@10', 'coverage', 'users']) expect(r.stdout).toContain(label);
    expect(r.stdout).toMatch(/users\s+200\n/);
  });

  it('--json has the documented keys, and the clusters are found', () => {
    const r = runCli(['eval', 'recs', '--train', train, '--test', test, '--k', '5', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['precision', 'recall', 'ndcg', 'hitRate', 'coverage', 'users']));
    expect(j.users).toBe(200);
    // A user's 5 test items are mostly in their cluster of 20 items, 15 of which
    // they saw: chance is about 5/105 per slot; cluster-aware is about 0.9 x 5/5.
    expect(j.precision).toBeGreaterThan(0.5);
    expect(j.hitRate).toBeGreaterThan(0.9);
    for (const key of ['precision', 'recall', 'ndcg', 'hitRate', 'coverage']) {
      expect(j[key]).toBeGreaterThanOrEqual(0);
      expect(j[key]).toBeLessThanOrEqual(1);
    }
  });

  it('stops at a bad row with the file and line', () => {
    const bad = join(dir, 'bad.data');
    writeFileSync(bad, '1\t2\t5\t881250949\n1\t3\t4\tyesterday\n');
    const r = runCli(['eval', 'recs', '--train', bad, '--test', test]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2 (timestamp)`);
    expect(r.stdout).toBe('');
  });

  it('says what is missing on a bad command line', () => {
    const r = runCli(['eval', 'recs', '--train', train]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--test FILE is required');
    expect(runCli(['eval', 'recs', '--train', train, '--test', test, '--k', '0']).stderr).toContain('--k must be a whole number');
  });
});
