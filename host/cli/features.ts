// `streamscore features`: replays a labelled file as an event stream through
// the same WASM feature code that serves live events, and writes the
// point-in-time feature matrix: one row per purchase, in replay (time) order,
// keyed by the 0-based data row of the input, with the label last.

import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { FeatureEngine, STAT } from '../fraud/features.js';
import { loadIpRanges } from '../datasets/ip-country.js';
import { readFraudData, type FraudData } from '../datasets/fraud-data.js';
import { replayFraud } from '../fraud/replay.js';
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

  const out: Writable = opts.out === '-' ? process.stdout : createWriteStream(opts.out);
  const bar = progress('features', undefined);
  let written = 0;
  let events = 0;
  try {
    if (!out.write(`row,${engine.names.join(',')},class\n`)) await once(out, 'drain');
    for (const { rows, count, purchaseRows, events: replayed } of replayFraud(data, engine)) {
      const lines: string[] = new Array(count);
      for (let k = 0; k < count; k++) {
        const r = purchaseRows[k]!;
        let line = String(r);
        for (let j = k * width, e = j + width; j < e; j++) line += ',' + cell(rows[j]!);
        lines[k] = `${line},${data.label[r]}`;
      }
      written += count;
      events = replayed;
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
  return { rows: written, events, late: engine.stat(STAT.late), stateBytes: engine.stat(STAT.stateBytes) };
}
