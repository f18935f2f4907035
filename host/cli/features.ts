// `streamscore features`: replays a labelled file as an event stream through
// the same WASM feature code that serves live events, and writes the
// point-in-time feature matrix: one row per purchase, in replay (time) order,
// keyed by the 0-based data row of the input, with the label last.

import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { FeatureEngine, STAT } from '../features/engine.js';
import { loadIpRanges } from '../features/ip-country.js';
import { readFraudData, replayOrder, type FraudData } from '../features/fraud-data.js';
import { hashInto } from '../features/hash.js';
import { browserCode, sexCode, sourceCode, PURCHASE, SIGNUP } from '../features/codes.js';
import { progress } from './progress.js';

export const SOURCES = ['fraud-ecommerce'] as const;

export interface FeaturesOptions {
  source: string;
  data: string;
  ipCountry?: string;
  out: string;
  latenessMs?: number;
  batch?: number;
}

export interface FeaturesResult {
  rows: number;
  events: number;
  late: number;
  stateBytes: number;
}

/** Formats a feature value for CSV: NaN is an empty field. */
const cell = (v: number) => (v === v ? String(v) : '');

/** Runs `features`; resolves to what it wrote. */
export async function features(opts: FeaturesOptions): Promise<FeaturesResult> {
  if (!(SOURCES as readonly string[]).includes(opts.source)) {
    throw new UsageError(`features: unknown --source "${opts.source}" (known: ${SOURCES.join(', ')})`);
  }
  const ranges = opts.ipCountry ? loadIpRanges(opts.ipCountry) : undefined;
  if (ranges && ranges.repaired > 0) {
    process.stderr.write(`${opts.ipCountry}: ${ranges.repaired} lower bounds in rounded scientific notation (such as 1.02E+09) did not fit between their neighbours; each now starts just after the range before it\n`);
  }
  const reading = progress('reading', statSync(opts.data).size);
  let data: FraudData;
  try {
    data = await readFraudData(opts.data, (rows, bytes) => reading.update(rows, bytes));
  } finally {
    reading.done();
  }

  const engine = new FeatureEngine({ capacity: opts.batch ?? 4096, latenessMs: opts.latenessMs });
  if (ranges) engine.loadIpRanges(ranges);
  const width = engine.width;
  const n = data.rows;

  // Each row's ids hashed once, for both of its events.
  const user = new Uint32Array(2 * n);
  const device = new Uint32Array(2 * n);
  const ip = new Uint32Array(2 * n);
  const codes = new Int32Array(3 * n);
  for (let r = 0; r < n; r++) {
    hashInto(data.userId[r], user, 2 * r);
    hashInto(data.deviceId[r], device, 2 * r);
    hashInto(data.ip[r], ip, 2 * r);
    codes[3 * r] = sourceCode(data.source[r]);
    codes[3 * r + 1] = browserCode(data.browser[r]);
    codes[3 * r + 2] = sexCode(data.sex[r]);
  }

  const order = replayOrder(data);
  const out: Writable = opts.out === '-' ? process.stdout : createWriteStream(opts.out);
  const bar = progress('features', undefined);
  let written = 0;
  try {
    if (!out.write(`row,${engine.names.join(',')},class\n`)) await once(out, 'drain');
    const purchaseRows: number[] = [];
    for (let start = 0; start < order.length; start += engine.capacity) {
      const end = Math.min(order.length, start + engine.capacity);
      const c = engine.columns();
      purchaseRows.length = 0;
      for (let i = 0; i < end - start; i++) {
        const code = order[start + i]!;
        const r = code >>> 1;
        const purchase = (code & 1) === 1;
        c.type[i] = purchase ? PURCHASE : SIGNUP;
        c.ts[i] = purchase ? data.purchaseTs[r]! : data.signupTs[r]!;
        for (const [dst, src] of [[c.user, user], [c.device, device], [c.ip, ip]] as const) {
          dst[2 * i] = src[2 * r]!;
          dst[2 * i + 1] = src[2 * r + 1]!;
        }
        c.country[2 * i] = c.country[2 * i + 1] = 0;
        c.billing[2 * i] = c.billing[2 * i + 1] = 0;
        c.payment[2 * i] = c.payment[2 * i + 1] = 0;
        c.amount[i] = purchase ? data.amount[r]! : NaN;
        c.ipNum[i] = data.ipNum[r]!;
        c.source[i] = codes[3 * r]!;
        c.browser[i] = codes[3 * r + 1]!;
        c.sex[i] = codes[3 * r + 2]!;
        c.age[i] = data.age[r]!;
        if (purchase) purchaseRows.push(r);
      }
      const count = engine.run(end - start);
      const rows = engine.rows(count);
      const lines: string[] = new Array(count);
      for (let k = 0; k < count; k++) {
        const r = purchaseRows[k]!;
        let line = String(r);
        for (let j = k * width, e = j + width; j < e; j++) line += ',' + cell(rows[j]!);
        lines[k] = `${line},${data.label[r]}`;
      }
      written += count;
      if (count > 0 && !out.write(lines.join('\n') + '\n')) await once(out, 'drain');
      bar.update(written);
    }
  } finally {
    bar.done();
    if (out !== process.stdout) {
      out.end();
      await once(out, 'close');
    }
  }
  return { rows: written, events: order.length, late: engine.stat(STAT.late), stateBytes: engine.stat(STAT.stateBytes) };
}
