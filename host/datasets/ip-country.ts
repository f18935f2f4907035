// The IP-to-country ranges file, in the format of the public
// "IpAddress_to_Country.csv":
//
//   file   = header { "\n" range } [ "\n" ]
//   header = "lower_bound_ip_address,upper_bound_ip_address,country" (any order; more columns ignored)
//   range  = bound "," bound "," country          both bounds inclusive, 0 .. 2^32-1
//   bound  = an integer, a decimal ("16777216.0") or scientific notation ("1.02E+09")
//
// Scientific notation is what a spreadsheet leaves after rounding a bound to
// three digits: the real file has a few lower bounds such as 1.02E+09 after a
// range ending at 1023999999, or 3.14E+09 before an upper bound of
// 3136004095. Such a rounded bound that overlaps the range before it, or
// lies above its own upper bound, is taken to start just after the range
// before it (counted in `repaired`); any other overlap is an error. Ranges
// are then sorted by lower bound.

import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { splitLine } from '../core/csv.js';

export interface IpRanges {
  lo: Uint32Array;
  hi: Uint32Array;
  country: string[];
  /** Rounded lower bounds moved to just after the range before them. */
  repaired: number;
}

const MAX_IP = 0xffffffff;
const COLUMNS = ['lower_bound_ip_address', 'upper_bound_ip_address', 'country'] as const;

/** Parses the text of a ranges file; errors name file:line (column). */
export function parseIpRanges(text: string, file = '<ip ranges>'): IpRanges {
  const lines = text.split('\n');
  const header = splitLine(lines[0]!.replace(/\r$/, '').replace(/^\uFEFF/, '')) ?? [];
  const at = COLUMNS.map((c) => header.findIndex((h) => h.trim().toLowerCase() === c));
  const missing = COLUMNS.filter((_, k) => at[k]! < 0);
  if (missing.length > 0) throw new InputError(file, 1, `header lacks ${missing.join(', ')} (expected ${COLUMNS.join(',')})`);
  const rows: { lo: number; hi: number; country: string; line: number }[] = [];
  let repaired = 0;
  let prev: { hi: number; rounded: boolean } | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const f = splitLine(line);
    if (!f || f.length < header.length) throw new InputError(file, i + 1, `expected ${header.length} fields, found ${f ? f.length : 'an unclosed quote'}`);
    const loText = f[at[0]!]!.trim();
    let lo = bound(loText, file, i + 1, COLUMNS[0], Math.ceil);
    const hiText = f[at[1]!]!.trim();
    const hi = bound(hiText, file, i + 1, COLUMNS[1], Math.floor);
    const country = f[at[2]!]!.trim();
    const rounded = /e/i.test(loText);
    if (prev && (rounded || prev.rounded) && (lo <= prev.hi || lo > hi) && prev.hi < hi) {
      lo = prev.hi + 1;
      repaired++;
    }
    if (lo > hi) throw new InputError(file, i + 1, `lower bound ${lo} is above upper bound ${hi}`);
    rows.push({ lo, hi, country, line: i + 1 });
    prev = { hi, rounded: /e/i.test(hiText) };
  }
  rows.sort((a, b) => a.lo - b.lo || a.line - b.line);
  for (let k = 1; k < rows.length; k++) {
    const a = rows[k - 1]!;
    const b = rows[k]!;
    if (b.lo <= a.hi) throw new InputError(file, b.line, `range ${b.lo}-${b.hi} overlaps ${a.lo}-${a.hi} of line ${a.line}`);
  }
  return {
    lo: Uint32Array.from(rows, (r) => r.lo),
    hi: Uint32Array.from(rows, (r) => r.hi),
    country: rows.map((r) => r.country),
    repaired,
  };
}

/** Reads and parses a ranges file. */
export function loadIpRanges(path: string): IpRanges {
  return parseIpRanges(readFileSync(path, 'utf8'), path);
}

function bound(text: string, file: string, line: number, column: string, round: (x: number) => number): number {
  const x = text === '' ? NaN : Number(text);
  if (!Number.isFinite(x)) throw new InputError(file, line, `not a number: "${text}"`, column);
  const v = round(x);
  if (v < 0 || v > MAX_IP) throw new InputError(file, line, `${text} is outside the IPv4 range 0..${MAX_IP}`, column);
  return v;
}

/** Index of the range holding ip, or -1: a plain scan (the reference for the core's binary search). */
export function scanIpRanges(r: IpRanges, ip: number | undefined): number {
  if (ip === undefined || !(ip >= 0 && ip <= MAX_IP)) return -1;
  const x = Math.trunc(ip);
  for (let k = 0; k < r.lo.length; k++) if (r.lo[k]! <= x && x <= r.hi[k]!) return k;
  return -1;
}
