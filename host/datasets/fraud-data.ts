// Reads a file in the format of the public e-commerce "Fraud_Data.csv" and
// replays it as a stream: each row is a signup at signup_time and then a
// purchase at purchase_time; events go in time order, ties in file order
// (a row's signup before its purchase).
//
//   file   = header { "\n" row } [ "\n" ]
//   header = column names, in any order, including user_id, signup_time,
//            purchase_time, purchase_value, device_id, source, browser, sex,
//            age, ip_address, class (other columns are ignored)
//   time   = M/D/YYYY H:MM[:SS] | YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z]   (UTC)
//   purchase_value = a number >= 0        class = 0 | 1      user_id: not empty
//   age    = a number, or empty           device_id, source, browser, sex: text, may be empty
//   ip_address = an IPv4 address as a number 0 .. 2^32-1, possibly with a
//            fraction (732758368.79972: the integer part is the address), or empty
//
// An IP's identity (what its hash is taken of) is its dotted quad, so a replay
// and live events that carry "43.171.40.224" agree.

import { InputError } from '../core/errors.js';
import { openInput, readLines } from '../core/lines.js';
import { splitLine } from '../core/csv.js';

export const FRAUD_COLUMNS = [
  'user_id', 'signup_time', 'purchase_time', 'purchase_value', 'device_id', 'source',
  'browser', 'sex', 'age', 'ip_address', 'class',
] as const;
type Column = (typeof FRAUD_COLUMNS)[number];

export interface FraudData {
  file: string;
  rows: number;
  userId: string[];
  deviceId: string[];
  /** Dotted quad, '' if missing. */
  ip: string[];
  /** IPv4 as an integer, NaN if missing. */
  ipNum: Float64Array;
  signupTs: Float64Array;
  purchaseTs: Float64Array;
  amount: Float64Array;
  age: Float64Array;
  source: string[];
  browser: string[];
  sex: string[];
  label: Uint8Array;
  /** 1-based line number of each row in the file. */
  line: Uint32Array;
}

const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

/** Epoch ms of a Fraud_Data time (UTC), or undefined if it is not one. */
export function parseFraudTime(s: string): number | undefined {
  let m = US_TIME.exec(s);
  let y: number, mo: number, d: number, h: number, mi: number, sec: number, ms = 0;
  if (m) [y, mo, d, h, mi, sec] = [+m[3]!, +m[1]!, +m[2]!, +m[4]!, +m[5]!, +(m[6] ?? 0)];
  else if ((m = ISO_TIME.exec(s))) {
    [y, mo, d, h, mi, sec] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)];
    ms = m[7] ? +m[7].padEnd(3, '0') : 0;
  } else return undefined;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/** The dotted quad of an IPv4 number. */
export function dottedQuad(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Reads a Fraud_Data file (streamed line by line); errors name file:line (column). */
export async function readFraudData(path: string, onProgress?: (rows: number, bytes: number) => void): Promise<FraudData> {
  const userId: string[] = [];
  const deviceId: string[] = [];
  const ip: string[] = [];
  const source: string[] = [];
  const browser: string[] = [];
  const sex: string[] = [];
  const nums = { ipNum: [] as number[], signupTs: [] as number[], purchaseTs: [] as number[], amount: [] as number[], age: [] as number[], label: [] as number[], line: [] as number[] };
  let at: Record<Column, number> | null = null;
  let width = 0;
  for await (const batch of readLines(openInput(path))) {
    for (let k = 0; k < batch.lines.length; k++) {
      const lineNo = batch.firstLine + k;
      const text = batch.lines[k]!;
      if (at === null) {
        const header = (splitLine(text.replace(/^\uFEFF/, '')) ?? []).map((h) => h.trim());
        const missing = FRAUD_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length > 0) throw new InputError(path, lineNo, `header lacks ${missing.join(', ')} (a Fraud_Data file has ${FRAUD_COLUMNS.join(',')})`);
        at = Object.fromEntries(FRAUD_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
        width = header.length;
        continue;
      }
      if (text.trim() === '') continue;
      const f = splitLine(text);
      if (!f || f.length !== width) throw new InputError(path, lineNo, `expected ${width} fields, found ${f ? f.length : 'an unclosed quote'}`);
      const get = (c: Column) => f[at![c]]!.trim();
      const fail = (c: Column, why: string): never => {
        throw new InputError(path, lineNo, why, c);
      };
      const time = (c: Column) => parseFraudTime(get(c)) ?? fail(c, `not a time (M/D/YYYY H:MM or YYYY-MM-DD HH:MM:SS): "${get(c)}"`);
      const number = (c: Column, optional: boolean) => {
        const s = get(c);
        if (s === '') return optional ? NaN : fail(c, 'empty');
        const v = Number(s);
        return Number.isFinite(v) ? v : fail(c, `not a number: "${s}"`);
      };
      const u = get('user_id');
      if (u === '') fail('user_id', 'empty');
      const signup = time('signup_time');
      const purchase = time('purchase_time');
      const amount = number('purchase_value', false);
      if (amount < 0) fail('purchase_value', `negative: ${amount}`);
      const age = number('age', true);
      const ipRaw = number('ip_address', true);
      if (ipRaw === ipRaw && !(ipRaw >= 0 && ipRaw < 4294967296)) fail('ip_address', `outside the IPv4 range 0..4294967295: "${get('ip_address')}"`);
      const cls = get('class');
      if (cls !== '0' && cls !== '1') fail('class', `expected 0 or 1: "${cls}"`);
      const ipInt = ipRaw === ipRaw ? Math.floor(ipRaw) : NaN;
      userId.push(u);
      deviceId.push(get('device_id'));
      ip.push(ipInt === ipInt ? dottedQuad(ipInt) : '');
      source.push(get('source'));
      browser.push(get('browser'));
      sex.push(get('sex'));
      nums.ipNum.push(ipInt);
      nums.signupTs.push(signup);
      nums.purchaseTs.push(purchase);
      nums.amount.push(amount);
      nums.age.push(age);
      nums.label.push(cls === '1' ? 1 : 0);
      nums.line.push(lineNo);
    }
    onProgress?.(userId.length, batch.bytesRead);
  }
  if (at === null) throw new InputError(path, 1, 'empty file: expected a Fraud_Data header');
  return {
    file: path,
    rows: userId.length,
    userId, deviceId, ip, source, browser, sex,
    ipNum: Float64Array.from(nums.ipNum),
    signupTs: Float64Array.from(nums.signupTs),
    purchaseTs: Float64Array.from(nums.purchaseTs),
    amount: Float64Array.from(nums.amount),
    age: Float64Array.from(nums.age),
    label: Uint8Array.from(nums.label),
    line: Uint32Array.from(nums.line),
  };
}

/**
 * The replay order: event codes 2 * row (the row's signup) and 2 * row + 1
 * (its purchase), sorted by time, ties by code (file order, signup first).
 */
export function replayOrder(d: FraudData): Uint32Array {
  const codes = new Uint32Array(d.rows * 2);
  const ts = new Float64Array(d.rows * 2);
  for (let r = 0; r < d.rows; r++) {
    codes[2 * r] = 2 * r;
    codes[2 * r + 1] = 2 * r + 1;
    ts[2 * r] = d.signupTs[r]!;
    ts[2 * r + 1] = d.purchaseTs[r]!;
  }
  return codes.sort((a, b) => ts[a]! - ts[b]! || a - b);
}
