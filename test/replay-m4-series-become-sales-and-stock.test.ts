// `replay --source m4` on a small generated M4-format file: a daily sale per
// value (sku = series id) and a stock level run beside it by a reorder-point
// policy (opening level, weekly counts, arrivals).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent, type Event, type SaleEvent, type StockEvent } from '../host/core/schema.js';
import { M4_START, LEAD_DAYS } from '../host/datasets/m4-events.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-replay-m4-'));
const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Event);

describe('replay --source m4', () => {
  // Two series of different lengths, quoted as M4 writes them, padded with empty cells.
  const a = Array.from({ length: 40 }, (_, k) => 10 + (k % 7));
  const b = Array.from({ length: 25 }, (_, k) => 100 + 3 * k);
  const width = 41;
  const row = (id: string, xs: number[]) => [id, ...xs.map(String), ...Array(width - 1 - xs.length).fill('')].map((v) => `"${v}"`).join(',');
  const file = join(dir, 'Daily-train.csv');
  writeFileSync(file, [Array.from({ length: width }, (_, k) => `"V${k + 1}"`).join(','), row('D1', a), row('D2', b)].join('\n') + '\n');
  const out = runCli(['replay', '--source', 'm4', '--file', file]);
  const events = parse(out.stdout);
  const sales = events.filter((e): e is SaleEvent => e.type === 'sale');
  const stock = events.filter((e): e is StockEvent => e.type === 'stock');

  it('one sale per value: sku = series id, day k at M4_START + k days, qty = the value', () => {
    expect(out.code, out.stderr).toBe(0);
    for (const e of events) expect(validateEvent(e).ok).toBe(true);
    expect(sales.filter((s) => s.sku === 'D1').map((s) => s.qty)).toEqual(a);
    expect(sales.filter((s) => s.sku === 'D2').map((s) => s.qty)).toEqual(b);
    const d2 = sales.filter((s) => s.sku === 'D2');
    d2.forEach((s, k) => expect(s.ts).toBe(M4_START + k * 86_400_000 + 12 * 3_600_000));
    for (let k = 1; k < events.length; k++) expect(events[k]!.ts).toBeGreaterThanOrEqual(events[k - 1]!.ts);
  });

  it('stock: an opening level, weekly counts, and orders arriving LEAD_DAYS after the level reaches the reorder point', () => {
    const d2 = stock.filter((s) => s.sku === 'D2');
    expect(d2[0]).toMatchObject({ eventId: 'm4-D2-0-o', ts: M4_START, level: Math.ceil(100 * (LEAD_DAYS + 3)) + 100 * 14, leadTimeDays: LEAD_DAYS, warehouseId: 'M4' });
    const counts = d2.filter((s) => s.eventId.endsWith('-c'));
    expect(counts.map((s) => Number(s.eventId.split('-')[2]))).toEqual([6, 13, 20]);
    // Replay the level from the sales: it falls by each day's value (not below 0) and rises on arrivals.
    let level = d2[0]!.level;
    const arrivals = d2.filter((s) => s.eventId.endsWith('-r'));
    expect(arrivals.length).toBeGreaterThanOrEqual(1);
    for (const e of events.filter((x) => 'sku' in x && x.sku === 'D2' && x.eventId !== 'm4-D2-0-o')) {
      if (e.type === 'sale') level = Math.max(0, level - e.qty);
      else if (e.eventId.endsWith('-r')) expect((e as StockEvent).level).toBeGreaterThan(level), (level = (e as StockEvent).level);
      else expect((e as StockEvent).level).toBe(level);
    }
  });

  it('a negative value stops it with file:line (column)', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '"V1","V2","V3"\n"X1","4","-2"\n');
    const s = runCli(['replay', '--source', 'm4', '--file', bad]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`${bad}:2 (V3): negative quantity -2`);
  });
});
