// A bad line in a Fraud_Data file or an IP table ends `features` with one
// line naming file:line (column), exit code 1, no stack trace.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { FRAUD_HEADER } from './helpers/fraud-data.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-features-bad-'));
const GOOD = '22058,2/24/2015 22:55,4/18/2015 2:47,34,QVPSPJUOCKZAR,SEO,Chrome,M,39,732758368.8,0';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function fails(data: string, ...want: (string | RegExp)[]) {
  const r = runCli(['features', '--source', 'fraud-ecommerce', '--data', data, '--out', join(dir, 'out.csv')]);
  expect(r.code).toBe(1);
  for (const w of want) expect(r.stderr).toMatch(w);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n').length).toBe(1);
}

const withRow = (name: string, row: string) => file(name, `${FRAUD_HEADER}\n${GOOD}\n${row}\n`);

describe('features: bad input', () => {
  it('names the line and column of a bad time', () => {
    const p = withRow('time.csv', '1,2/30/2015 22:55,4/18/2015 2:47,34,D,SEO,Chrome,M,39,1,0');
    fails(p, `${p}:3 (signup_time): not a time`, /"2\/30\/2015 22:55"/);
  });

  it('names the line and column of a bad number, a negative value, a bad class and a bad IP', () => {
    const a = withRow('num.csv', '1,2/24/2015 22:55,4/18/2015 2:47,3x4,D,SEO,Chrome,M,39,1,0');
    fails(a, `${a}:3 (purchase_value): not a number: "3x4"`);
    const b = withRow('neg.csv', '1,2/24/2015 22:55,4/18/2015 2:47,-4,D,SEO,Chrome,M,39,1,0');
    fails(b, `${b}:3 (purchase_value): negative`);
    const c = withRow('class.csv', '1,2/24/2015 22:55,4/18/2015 2:47,4,D,SEO,Chrome,M,39,1,2');
    fails(c, `${c}:3 (class): expected 0 or 1: "2"`);
    const d = withRow('ip.csv', '1,2/24/2015 22:55,4/18/2015 2:47,4,D,SEO,Chrome,M,39,4294967296.5,0');
    fails(d, `${d}:3 (ip_address): outside the IPv4 range`);
    const e = withRow('user.csv', ',2/24/2015 22:55,4/18/2015 2:47,4,D,SEO,Chrome,M,39,1,0');
    fails(e, `${e}:3 (user_id): empty`);
  });

  it('names the line of a row with the wrong field count and a header without the columns', () => {
    const a = withRow('short.csv', '1,2/24/2015 22:55,4/18/2015 2:47');
    fails(a, `${a}:3: expected 11 fields, found 3`);
    const b = file('header.csv', 'user_id,signup_time,class\n1,2/24/2015 22:55,0\n');
    fails(b, `${b}:1: header lacks purchase_time, purchase_value`);
  });

  it('names the line and column of a bad IP table', () => {
    const data = withRow('ok.csv', GOOD);
    const ips = file('ips.csv', 'lower_bound_ip_address,upper_bound_ip_address,country\n1,10,A\n20,banana,B\n');
    const r = runCli(['features', '--source', 'fraud-ecommerce', '--data', data, '--ip-country', ips, '--out', '-']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(`${ips}:3 (upper_bound_ip_address): not a number: "banana"`);
  });

  it('reads ISO times and missing IPs and ages', () => {
    const p = withRow('iso.csv', '7,2015-02-24 22:55:49,2015-04-18 02:47:11,34,D,SEO,Chrome,M,,,0');
    const r = runCli(['features', '--source', 'fraud-ecommerce', '--data', p, '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBe(3);
  });
});
