// `streamscore score` reads CSV, TSV, LibSVM and NDJSON (files and stdin) and
// writes one line per row with the library's own predictions.

import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, exact } from './helpers/cli.js';
import { cases, expected, inputs, modelPath, type FixtureCase } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-score-'));
const byName = (n: string) => cases().find((c) => c.name === n)!;

function rowsOf(c: FixtureCase): number[][] {
  const { rows, cols, data } = inputs(c);
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

function parseOut(stdout: string): number[][] {
  return stdout.trimEnd().split('\n').map((l) => l.split(',').map(Number));
}

function expectSame(got: number[][], want: number[][]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - want[i]![j]!) <= 1e-6 || Object.is(v, want[i]![j])).toBe(true)));
}

describe('score input formats', () => {
  const bin = byName('lgb4_binary');
  const rows = rowsOf(bin);
  const want = expected(bin);

  beforeAll(() => {
    const names = Array.from({ length: rows[0]!.length }, (_, i) => `Column_${i}`);
    writeFileSync(join(dir, 'plain.csv'), rows.map((r) => r.map(exact).join(',')).join('\n') + '\n');
    // By name: shuffled columns, an extra label column, Windows line ends.
    const order = [3, 0, 5, 1, 4, 2];
    writeFileSync(
      join(dir, 'named.csv'),
      ['label,' + order.map((i) => names[i]).join(',')].concat(rows.map((r) => '1,' + order.map((i) => (Number.isNaN(r[i]!) ? 'NA' : exact(r[i]!))).join(','))).join('\r\n'),
    );
    writeFileSync(join(dir, 'rows.tsv'), names.join('\t') + '\n' + rows.map((r) => r.map((x) => (Number.isNaN(x) ? '' : exact(x))).join('\t')).join('\n') + '\n');
    writeFileSync(
      join(dir, 'rows.libsvm'),
      rows.map((r) => '0 ' + r.flatMap((x, i) => (Number.isNaN(x) ? [] : [`${i}:${exact(x)}`])).join(' ')).join('\n') + '\n',
    );
    writeFileSync(join(dir, 'arrays.ndjson'), rows.map((r) => JSON.stringify(r.map((x) => (Number.isNaN(x) ? null : Number.isFinite(x) ? x : String(x))))).join('\n') + '\n');
    writeFileSync(
      join(dir, 'objects.jsonl'),
      rows.map((r) => JSON.stringify(Object.fromEntries(r.flatMap((x, i) => (Number.isNaN(x) ? [] : [[names[i], Number.isFinite(x) ? x : String(x)]]))))).join('\n') + '\n',
    );
  });

  for (const file of ['plain.csv', 'named.csv', 'rows.tsv', 'rows.libsvm', 'arrays.ndjson', 'objects.jsonl']) {
    it(`${file} gives LightGBM's predictions and raw margins`, () => {
      const pred = runCli(['score', '--model', modelPath(bin), '--input', join(dir, file)]);
      expect(pred.stderr).toBe('');
      expect(pred.code).toBe(0);
      expectSame(parseOut(pred.stdout), want.pred);
      const raw = runCli(['score', '--model', modelPath(bin), '--input', join(dir, file), '--raw']);
      expectSame(parseOut(raw.stdout), want.raw);
    });
  }

  it('reads stdin and writes a file', () => {
    const out = join(dir, 'out.txt');
    const text = rows.map((r) => r.map(exact).join(',')).join('\n');
    const r = runCli(['score', '--model', modelPath(bin), '--input', '-', '--format', 'csv', '--output', out], text);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const again = runCli(['score', '--model', modelPath(bin), '--input', join(dir, 'plain.csv')]);
    expect(readFileSync(out, 'utf8')).toBe(again.stdout);
  });

  it('writes one comma-separated value per class for multiclass', () => {
    const mc = byName('lgb4_multiclass');
    const mrows = rowsOf(mc);
    writeFileSync(join(dir, 'multi.csv'), mrows.map((r) => r.map(exact).join(',')).join('\n'));
    const r = runCli(['score', '--model', modelPath(mc), '--input', join(dir, 'multi.csv')]);
    expect(r.code).toBe(0);
    const got = parseOut(r.stdout);
    expect(got[0]!.length).toBe(3);
    expectSame(got, expected(mc).pred);
  });

  it('scores an XGBoost JSON model and its class index for multi:softmax', () => {
    const sm = byName('xgb2_multi_softmax');
    const srows = rowsOf(sm);
    writeFileSync(join(dir, 'softmax.csv'), srows.map((r) => r.map(exact).join(',')).join('\n'));
    const r = runCli(['score', '--model', modelPath(sm), '--input', join(dir, 'softmax.csv')]);
    expect(r.code).toBe(0);
    expectSame(parseOut(r.stdout), expected(sm).pred);
  });

  it('scores a compiled .ssm blob the same as its source model', () => {
    const ssm = join(dir, 'model.ssm');
    expect(runCli(['compile', '--model', modelPath(bin), '--out', ssm]).code).toBe(0);
    const a = runCli(['score', '--model', ssm, '--input', join(dir, 'plain.csv')]);
    const b = runCli(['score', '--model', modelPath(bin), '--input', join(dir, 'plain.csv')]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--threads 3 writes the same lines as one thread, multiclass included; a bad --threads is a usage error', () => {
    const mc = byName('lgb4_multiclass');
    const mrows = rowsOf(mc);
    // More rows than one batch of 4,096, so several batches are split.
    const many = Array.from({ length: 9000 }, (_, i) => mrows[i % mrows.length]!);
    writeFileSync(join(dir, 'many.csv'), many.map((r) => r.map(exact).join(',')).join('\n'));
    const one = runCli(['score', '--model', modelPath(mc), '--input', join(dir, 'many.csv')]);
    const three = runCli(['score', '--model', modelPath(mc), '--input', join(dir, 'many.csv'), '--threads', '3']);
    expect(three.stderr).toBe('');
    expect(three.code).toBe(0);
    expect(three.stdout.split('\n').length).toBe(9001);
    expect(three.stdout).toBe(one.stdout);
    const bad = runCli(['score', '--model', modelPath(mc), '--input', join(dir, 'many.csv'), '--threads', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--threads must be an integer from 1 to 64');
  });
});
