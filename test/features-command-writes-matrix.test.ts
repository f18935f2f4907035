// `streamscore features` on a generated Fraud_Data file writes the expected
// columns (row, the 85 features, class), one row per purchase in replay
// (time) order, and the same values as the reference replaying the file.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { fraudCsv, IP_TABLE } from './helpers/fraud-data.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { readFraudData, replayOrder } from '../host/datasets/fraud-data.js';
import { fraudEvent } from '../host/fraud/replay.js';
import { parseIpRanges } from '../host/datasets/ip-country.js';
import { ReferenceFeatures } from '../host/fraud/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-features-'));
const ROWS = 800;
const data = join(dir, 'fraud.csv');
const ips = join(dir, 'ip_to_country.csv');
writeFileSync(data, fraudCsv(11, ROWS));
writeFileSync(ips, IP_TABLE);

const parse = (text: string) => text.trim().split('\n').map((l) => l.split(','));

describe('streamscore features', () => {
  const out = join(dir, 'features.csv');
  const r = runCli(['features', '--source', 'fraud-ecommerce', '--data', data, '--ip-country', ips, '--out', out]);

  it('succeeds and says what it wrote', () => {
    expect(r.stderr).toMatch(new RegExp(`${ROWS} rows of ${FEATURE_NAMES.length} features from ${2 * ROWS} events \\(0 late\\)`));
    expect(r.stderr).toMatch(/1 lower bounds in rounded scientific notation/);
    expect(r.code).toBe(0);
  });

  it('writes row, the features and class; one row per purchase, each input row once, in time order', async () => {
    const [header, ...rows] = parse(readFileSync(out, 'utf8'));
    expect(header).toEqual(['row', ...FEATURE_NAMES, 'class']);
    expect(rows.length).toBe(ROWS);
    expect(rows.every((x) => x.length === FEATURE_NAMES.length + 2)).toBe(true);
    const keys = rows.map((x) => Number(x[0]));
    expect([...keys].sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    const d = await readFraudData(data);
    for (let k = 1; k < ROWS; k++) expect(d.purchaseTs[keys[k]!]! >= d.purchaseTs[keys[k - 1]!]!).toBe(true);
    rows.forEach((x, k) => expect(x.at(-1)).toBe(String(d.label[keys[k]!])));
  });

  it('matches the reference replaying the same file, value for value', async () => {
    const d = await readFraudData(data);
    const ref = new ReferenceFeatures(parseIpRanges(IP_TABLE));
    const want = new Map<number, number[]>();
    for (const code of replayOrder(d)) {
      const row = ref.process(fraudEvent(d, code));
      if (row) want.set(code >>> 1, row);
    }
    const [, ...rows] = parse(readFileSync(out, 'utf8'));
    for (const x of rows) {
      const w = want.get(Number(x[0]))!;
      const got = x.slice(1, -1).map((v) => (v === '' ? NaN : Number(v)));
      got.forEach((g, j) => {
        if (!(Object.is(g, w[j]) || g === w[j] || (Number.isNaN(g) && Number.isNaN(w[j]!)))) expect.fail(`row ${x[0]} ${FEATURE_NAMES[j]}: ${g} != ${w[j]}`);
      });
    }
  });

  it('the fraudsters who buy in the minute they sign up show 0 seconds since signup', () => {
    const [header, ...rows] = parse(readFileSync(out, 'utf8'));
    const since = header!.indexOf('user_seconds_since_signup');
    const instant = rows.filter((x) => x[since] === '0');
    expect(instant.length).toBeGreaterThan(20);
    expect(instant.every((x) => x.at(-1) === '1')).toBe(true);
  });

  it('writes to stdout with --out - and works without an IP table', () => {
    const s = runCli(['features', '--source', 'fraud-ecommerce', '--data', data, '--out', '-']);
    expect(s.code).toBe(0);
    const [header, ...rows] = parse(s.stdout);
    expect(rows.length).toBe(ROWS);
    const known = header!.indexOf('ip_country_known');
    expect(rows.every((x) => x[known] === '0' || x[known] === '')).toBe(true);
  });

  it('rejects an unknown source and missing options with exit code 2', () => {
    const a = runCli(['features', '--source', 'kaggle', '--data', data, '--out', '-']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown --source "kaggle" \(known: fraud-ecommerce\)/);
    const b = runCli(['features', '--source', 'fraud-ecommerce', '--out', '-']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--data FILE/);
  });
});
