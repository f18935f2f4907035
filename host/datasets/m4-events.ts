// `replay --source m4`: M4 competition training series as daily sales of
// SKUs, with a simulated stock level beside them.
//
//   file   = header { "\n" row } [ "\n" ]
//   header = "V1","V2",...                       (any first line whose first field is V1)
//   row    = id { "," value } { "," "" }          (values, then empty padding cells)
//   value  = a number >= 0 (quoted or not)
//
// The mapping, per series:
// - sku = the series id ("H1", "W17"); value k is the quantity sold on day k,
//   whatever the series' own frequency (an hourly series becomes 24 days a
//   "day"): day k is M4_START + k days (every series starts the same day),
//   and the sale is at 12:00 UTC: sale { eventId "m4-<id>-<k>-s", sku, qty }.
// - stock: a reorder-point policy run beside the sales. Demand D is the mean
//   of the last 28 values before the day (the first value on day 0); the
//   reorder point is ceil(D x (LEAD_DAYS + 3)), an order is ceil(D x 14)
//   units and arrives LEAD_DAYS days later at 06:00; a sale that leaves the
//   level at or below the reorder point orders when no order is outstanding.
//   The data's quantity is kept even when the level is short (the level
//   stops at 0: a stockout). Stock events, warehouseId "M4", leadTimeDays
//   LEAD_DAYS and the reorder point of that day:
//     day 0 at 00:00, the opening level          "m4-<id>-0-o"
//     an order's arrival at 06:00                  "m4-<id>-<k>-r"
//     a weekly count at 23:00 (days 6, 13, ...)    "m4-<id>-<k>-c"
//
// Events go in time order: by day, then by time of day, then in file order.
// The file is held in memory (as numbers: 8 bytes a value).

import type { Event } from '../core/schema.js';
import { InputError } from '../core/errors.js';
import { openInput, readLines } from '../core/lines.js';
import { splitLine } from '../core/csv.js';

export const M4_START = Date.UTC(2020, 0, 1);
export const LEAD_DAYS = 7;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface M4Options {
  batch?: number;
  onProgress?: (rows: number, bytes: number) => void;
}

interface Series {
  id: string;
  values: Float64Array;
  level: number;
  /** The day the outstanding order arrives (-1: none), and its size. */
  arrival: number;
  incoming: number;
  sum28: number;
  reorderPoint: number;
}

export async function* m4Events(path: string, opts: M4Options = {}): AsyncGenerator<Event[]> {
  const size = opts.batch ?? 4096;
  const series = await readSeries(path, opts.onProgress);
  const days = series.reduce((m, s) => Math.max(m, s.values.length), 0);
  let out: Event[] = [];
  const emit = function* (e: Event): Generator<Event[]> {
    out.push(e);
    if (out.length >= size) {
      yield out;
      out = [];
    }
  };
  const stock = (s: Series, id: string, ts: number): Event => ({
    eventId: id, type: 'stock', ts, sku: s.id, level: s.level, warehouseId: 'M4', leadTimeDays: LEAD_DAYS, reorderPoint: s.reorderPoint,
  });
  for (const s of series) {
    const d = s.values[0]!;
    s.reorderPoint = Math.ceil(d * (LEAD_DAYS + 3));
    s.level = s.reorderPoint + Math.ceil(d * 14);
    yield* emit(stock(s, `m4-${s.id}-0-o`, M4_START));
  }
  for (let k = 0; k < days; k++) {
    const day = M4_START + k * DAY;
    for (const s of series) {
      if (k >= s.values.length || s.arrival !== k) continue;
      s.level += s.incoming;
      s.arrival = -1;
      yield* emit(stock(s, `m4-${s.id}-${k}-r`, day + 6 * HOUR));
    }
    for (const s of series) {
      if (k >= s.values.length) continue;
      const d = demand(s, k);
      s.reorderPoint = Math.ceil(d * (LEAD_DAYS + 3));
      const qty = s.values[k]!;
      yield* emit({ eventId: `m4-${s.id}-${k}-s`, type: 'sale', ts: day + 12 * HOUR, sku: s.id, qty });
      s.level = Math.max(0, s.level - qty);
      if (s.level <= s.reorderPoint && s.arrival < 0) {
        s.arrival = k + LEAD_DAYS;
        s.incoming = Math.ceil(d * 14);
      }
      s.sum28 += qty - (k >= 28 ? s.values[k - 28]! : 0);
    }
    if (k % 7 === 6) {
      for (const s of series) if (k < s.values.length) yield* emit(stock(s, `m4-${s.id}-${k}-c`, day + 23 * HOUR));
    }
  }
  if (out.length > 0) yield out;
}

/** Mean of the (up to) 28 values before day k; the first value on day 0. */
function demand(s: Series, k: number): number {
  return k === 0 ? s.values[0]! : s.sum28 / Math.min(k, 28);
}

async function readSeries(path: string, onProgress?: (rows: number, bytes: number) => void): Promise<Series[]> {
  const out: Series[] = [];
  for await (const batch of readLines(openInput(path))) {
    for (let j = 0; j < batch.lines.length; j++) {
      const text = batch.lines[j]!;
      const line = batch.firstLine + j;
      if (text.trim() === '') continue;
      const f = splitLine(text.replace(/^\uFEFF/, ''));
      if (!f) throw new InputError(path, line, 'a quoted field is not closed');
      const id = f[0]!.trim();
      if (line === 1 && id === 'V1') continue;
      if (id === '') throw new InputError(path, line, 'empty series id', 'V1');
      let n = f.length;
      while (n > 1 && f[n - 1]!.trim() === '') n--;
      if (n < 2) throw new InputError(path, line, `series ${id} has no values`);
      const values = new Float64Array(n - 1);
      for (let k = 1; k < n; k++) {
        const v = f[k]!.trim();
        const x = Number(v);
        if (v === '' || !Number.isFinite(x)) throw new InputError(path, line, `not a number: "${v}" (an empty cell is allowed only as padding after the last value)`, `V${k + 1}`);
        if (x < 0) throw new InputError(path, line, `negative quantity ${x}`, `V${k + 1}`);
        values[k - 1] = x;
      }
      out.push({ id, values, level: 0, arrival: -1, incoming: 0, sum28: 0, reorderPoint: 0 });
    }
    onProgress?.(out.length, batch.bytesRead);
  }
  return out;
}
