// Bad rows and bad models end `score` with a clear one-line error that says
// which file, line and field, a non-zero exit code, and no stack trace.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { cases, modelPath } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-bad-'));
const lgb = modelPath(cases().find((c) => c.name === 'lgb4_binary')!);
const xgb = modelPath(cases().find((c) => c.name === 'xgb2_binary_logistic')!);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function expectCleanFailure(r: { code: number; stderr: string }, ...parts: (string | RegExp)[]) {
  expect(r.code).toBe(1);
  for (const p of parts) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr.trim().split('\n').length).toBe(1);
}

describe('bad input rows', () => {
  it('names the line and column of a non-number in a CSV with a header', () => {
    const p = file('bad.csv', 'Column_0,Column_1,Column_2,Column_3,Column_4,Column_5\n1,2,3,4,5,6\n1,2,3,4,5,6\n1,2,x3,4,5,6\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', p]), `${p}:4 (Column_2): not a number: "x3"`);
  });

  it('names the line of a quoted field that is not closed', () => {
    const p = file('quote.csv', '1,2,3,4,5,6\n1,"2,3,4,5,6\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', p]), `${p}:2`, /quoted field is not closed/);
  });

  it('names the line of a row with the wrong field count', () => {
    const p = file('short.csv', '1,2,3,4,5,6\n1,2,3\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', p]), `${p}:2`, /3 fields.*6 features/);
  });

  it('names the token of a bad LibSVM pair and an index past the model', () => {
    const a = file('bad.libsvm', '1 0:1 1:2\n0 0:1 banana\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', a]), `${a}:2 (token 3): expected idx:value`);
    const b = file('wide.libsvm', '1 0:1 9:2\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', b]), `${b}:1`, /index 9 is beyond the model's 6 features/);
  });

  it('names the line of invalid JSON and the key of a non-number', () => {
    const a = file('bad.ndjson', '[1,2,3,4,5,6]\n{"Column_0": 1,\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', a]), `${a}:2: not valid JSON`);
    const b = file('badkey.ndjson', '{"Column_0": 1, "Column_3": "seven"}\n');
    expectCleanFailure(runCli(['score', '--model', lgb, '--input', b]), `${b}:1 (Column_3): not a number: "seven"`);
  });

  it('asks for --format on stdin and for a known extension', () => {
    const r = runCli(['score', '--model', lgb, '--input', '-'], '1,2,3,4,5,6\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format csv\|tsv\|libsvm\|ndjson/);
    const p = file('rows.xlsx', '');
    expect(runCli(['score', '--model', lgb, '--input', p]).stderr).toMatch(/cannot tell the input format/);
  });
});

describe('bad model files', () => {
  const rows = file('ok.csv', '1,2,3,4,5,6\n');
  const text = readFileSync(lgb, 'utf8');
  const json = readFileSync(xgb, 'utf8');

  it('rejects a truncated LightGBM model', () => {
    const p = file('trunc.txt', text.slice(0, Math.floor(text.length / 2)));
    expectCleanFailure(runCli(['score', '--model', p, '--input', rows]), p, /truncated|missing|values/);
  });

  it('rejects a LightGBM tree whose child points outside it, with the line', () => {
    const p = file('child.txt', text.replace(/^left_child=(-?\d+)/m, 'left_child=999'));
    expectCleanFailure(runCli(['score', '--model', p, '--input', rows]), new RegExp(`${p}:\\d+: child 999 of node 0 is outside the tree`));
  });

  it('rejects an unsupported objective by name', () => {
    const p = file('obj.txt', text.replace(/^objective=.*$/m, 'objective=warp_drive'));
    expectCleanFailure(runCli(['score', '--model', p, '--input', rows]), 'unsupported LightGBM objective "warp_drive"');
  });

  it('rejects truncated and malformed XGBoost JSON', () => {
    const a = file('trunc.json', json.slice(0, json.length - 100));
    expectCleanFailure(runCli(['score', '--model', a, '--input', rows]), `${a}: not valid JSON`);
    const doc = JSON.parse(json);
    delete doc.learner.gradient_booster.model.trees[0].split_conditions;
    const b = file('nosplit.json', JSON.stringify(doc));
    expectCleanFailure(runCli(['score', '--model', b, '--input', rows]), `${b}: tree 0: missing "split_conditions"`);
  });

  it('rejects an empty file, a random binary and a missing file', () => {
    expectCleanFailure(runCli(['score', '--model', file('empty.txt', ''), '--input', rows]), 'the model file is empty');
    const bin = join(dir, 'random.bin');
    writeFileSync(bin, Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 255)));
    expectCleanFailure(runCli(['score', '--model', bin, '--input', rows]), 'unsupported model format');
    expectCleanFailure(runCli(['score', '--model', join(dir, 'nope.txt'), '--input', rows]), 'cannot read the model file: ENOENT');
  });

  it('rejects a corrupted .ssm blob inside the WASM core without crashing', () => {
    const ssm = join(dir, 'm.ssm');
    expect(runCli(['compile', '--model', lgb, '--out', ssm]).code).toBe(0);
    const blob = readFileSync(ssm);
    blob.writeUInt32LE(0xfffffff0, 64 + 8 * 1 + 8 * 0); // the first tree root, far outside
    writeFileSync(ssm, blob);
    expectCleanFailure(runCli(['score', '--model', ssm, '--input', rows]), 'node or tree pointing outside the model');
  });
});
