// Bad training CSVs end `train` with a one-line error naming the file, line
// and column, exit code 1 and no stack trace; bad options exit with 2.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-train-bad-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function trainOn(p: string, ...extra: string[]) {
  return runCli(['train', '--data', p, '--label', 'y', '--out', join(dir, 'm.txt'), ...extra]);
}

function expectCleanFailure(r: { code: number; stderr: string }, code: number, ...parts: (string | RegExp)[]) {
  expect(r.code).toBe(code);
  for (const p of parts) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n').length).toBe(1);
}

const good = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2},${i},${i * 2}`).join('\n');

describe('bad training CSVs', () => {
  it('names the line and column of a non-number', () => {
    const p = file('text.csv', `y,amount,country\n${good(5)}\n1,3.5,FR\n`);
    expectCleanFailure(trainOn(p), 1, `${p}:7 (country): not a number: "FR" (encode text columns as numbers)`);
  });

  it('names the line of a quoted field that is not closed (one CSV splitter for every reader)', () => {
    const p = file('quote.csv', 'a,b,y\n1,2,0\n"3,4,1\n');
    expectCleanFailure(trainOn(p), 1, `${p}:3`, /quoted field is not closed/);
  });

  it('names the line of a row with the wrong field count', () => {
    const p = file('short.csv', `y,a,b\n${good(3)}\n1,2\n`);
    expectCleanFailure(trainOn(p), 1, `${p}:5: row has 2 fields, the header has 3`);
  });

  it('names the line of a missing, non-binary or infinite label', () => {
    const a = file('nolabel.csv', `y,a,b\n${good(3)}\n,1,2\n`);
    expectCleanFailure(trainOn(a), 1, `${a}:5 (y): the label is missing`);
    const b = file('three.csv', `y,a,b\n${good(3)}\n2,1,2\n`);
    expectCleanFailure(trainOn(b), 1, `${b}:5 (y): --objective binary needs labels 0 or 1, got 2`);
    const c = file('inf.csv', `y,a,b\n${good(3)}\ninf,1,2\n`);
    expectCleanFailure(trainOn(c, '--objective', 'regression'), 1, `${c}:5 (y): the label must be a finite number, got Infinity`);
  });

  it('says which label column is missing and what the header has', () => {
    const p = file('nocol.csv', `target,a,b\n${good(3)}\n`);
    expectCleanFailure(trainOn(p), 1, `${p}:1: no column named "y" for --label (the header has: target, a, b)`);
  });

  it('asks for a header and for data rows', () => {
    const a = file('noheader.csv', `${good(4)}\n`);
    expectCleanFailure(runCli(['train', '--data', a, '--label', '0', '--out', join(dir, 'm.txt')]), 1, `${a}:1: the first line must be a header`);
    const b = file('empty.csv', '');
    expectCleanFailure(trainOn(b), 1, `${b}:1: the file is empty`);
    const c = file('onlyheader.csv', 'y,a,b\n');
    expectCleanFailure(trainOn(c), 1, `${c}:2: the file has a header but no data rows`);
  });

  it('rejects bad options with exit code 2', () => {
    const p = file('ok.csv', `y,a,b\n${good(50)}\n`);
    expectCleanFailure(trainOn(p, '--leaves', '1'), 2, '--leaves must be an integer in 2..131072, got 1');
    expectCleanFailure(trainOn(p, '--learning-rate', 'fast'), 2, '--learning-rate must be a number, got "fast"');
    expectCleanFailure(trainOn(p, '--objective', 'poisson'), 2, '--objective must be binary or regression');
    expectCleanFailure(runCli(['train', '--data', p]), 2, '--label COLUMN and --out MODEL.txt are required');
    expectCleanFailure(trainOn(join(dir, 'nope.csv')), 2, 'cannot read --data');
  });
});
