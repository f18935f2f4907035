// IP to country: the core's binary search agrees with a plain scan at every
// range edge, in the holes, below the first and above the last range, and on
// non-addresses; the loader reads bounds written as decimals or in rounded
// scientific notation, repairs rounded bounds, sorts, and rejects overlaps.

import { describe, expect, it } from 'vitest';
import { FeatureEngine } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { parseIpRanges, scanIpRanges } from '../host/datasets/ip-country.js';
import { rng, T0 } from './helpers/event-stream.js';

const TEXT = `lower_bound_ip_address,upper_bound_ip_address,country
16777216,16777471,Australia
16777472.0,16777727,China
16778240,16779263,Australia
1023991808,1023999999,Singapore
1.02E+09,1024032767,Philippines
3135995904,3135999999,Brazil
3.14E+09,3136004095,"Korea, Republic of"
4294967040,4294967295,Reserved
`;

describe('IP to country', () => {
  const table = parseIpRanges(TEXT, 'ranges.csv');

  it('reads decimals, repairs rounded lower bounds and keeps quoted names', () => {
    expect(table.repaired).toBe(2);
    expect(Array.from(table.lo)).toEqual([16777216, 16777472, 16778240, 1023991808, 1024000000, 3135995904, 3136000000, 4294967040]);
    expect(table.country[6]).toBe('Korea, Republic of');
  });

  it('the WASM binary search matches a scan at every edge and in between', () => {
    const e = new FeatureEngine();
    e.loadIpRanges(table);
    const probes = [0, 1, 16777215, 16778239, 16779264, 2 ** 31, 4294967295, 4294967294, 4294967039, -1, 4294967296, NaN, Infinity, 16777216.5];
    for (let k = 0; k < table.lo.length; k++) probes.push(table.lo[k]! - 1, table.lo[k]!, table.lo[k]! + 1, table.hi[k]! - 1, table.hi[k]!, table.hi[k]! + 1);
    const r = rng(5);
    for (let i = 0; i < 5000; i++) probes.push(Math.floor(r() * 2 ** 32));
    for (const ip of probes) expect(e.rangeOf(ip), `ip ${ip}`).toBe(scanIpRanges(table, ip));
    expect(e.rangeOf(16777471)).toBe(0);
    expect(e.rangeOf(16777728)).toBe(-1); // the hole between China and Australia
  });

  it('an empty table knows no country', () => {
    const e = new FeatureEngine();
    e.loadIpRanges(parseIpRanges('lower_bound_ip_address,upper_bound_ip_address,country\n'));
    expect(e.rangeOf(16777216)).toBe(-1);
  });

  it('feeds the country features: known, unknown, and mismatch with billing', () => {
    const e = new FeatureEngine();
    e.loadIpRanges(table);
    const rows = e.process([
      { type: 'purchase', ts: T0, userId: 'a', ip: '1.0.0.5', billingCountry: ' australia ', amount: 1 },
      { type: 'purchase', ts: T0, userId: 'b', ip: '1.0.3.0', billingCountry: 'China', amount: 1 },
      { type: 'purchase', ts: T0, userId: 'c', ip: '1.0.1.5', billingCountry: 'Japan', amount: 1 },
    ]);
    const w = FEATURE_NAMES.length;
    const at = (row: number, n: string) => rows[row * w + FEATURE_NAMES.indexOf(n)];
    expect(at(0, 'ip_country_known')).toBe(1);
    expect(at(0, 'ip_billing_country_mismatch')).toBe(0);
    expect(at(1, 'ip_country_known')).toBe(0);
    expect(at(1, 'ip_billing_country_mismatch')).toBeNaN();
    expect(at(2, 'ip_billing_country_mismatch')).toBe(1);
  });

  it('sorts unsorted ranges and names both lines of an overlap', () => {
    const sorted = parseIpRanges('country,lower_bound_ip_address,upper_bound_ip_address\nB,200,299\nA,100,199\n');
    expect(Array.from(sorted.lo)).toEqual([100, 200]);
    expect(() => parseIpRanges('lower_bound_ip_address,upper_bound_ip_address,country\n100,199,A\n150,250,B\n', 'r.csv')).toThrow('r.csv:3: range 150-250 overlaps 100-199 of line 2');
    expect(() => parseIpRanges('lower_bound_ip_address,upper_bound_ip_address,country\n100,x,A\n', 'r.csv')).toThrow('r.csv:2 (upper_bound_ip_address): not a number: "x"');
    expect(() => parseIpRanges('lo,hi,country\n', 'r.csv')).toThrow('r.csv:1: header lacks lower_bound_ip_address, upper_bound_ip_address');
  });
});
