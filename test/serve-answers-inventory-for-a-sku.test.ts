// `serve` in its embedded default runs the inventory job on the stream:
// stock and sale events for a SKU (sent through the scoring API, which feeds
// the same pipeline) make GET /v1/inventory/:sku answer 200 with the level,
// forecast, runout date and alert state; an unknown SKU is a 404.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from './helpers/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-inv-'));
let s: ServeProcess;

describe('serve, inventory', () => {
  beforeAll(async () => {
    s = await startServe(['--rate', '50', '--dead-letter-file', join(dir, 'dead.ndjson'), '--inventory-reorder-point', '5']);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('answers GET /v1/inventory/:sku with the state built from the stream', async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2025, 0, 6);
    const events: object[] = [{ eventId: 'inv-o', type: 'stock', ts: t0, sku: 'inv-sku-1', level: 400, leadTimeDays: 3 }];
    for (let d = 0; d < 30; d++) events.push({ eventId: `inv-s${d}`, type: 'sale', ts: t0 + d * day + 43_200_000, sku: 'inv-sku-1', qty: 10 + (d % 7 === 5 ? 6 : 0) });
    const res = await fetch(`${s.base}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect(res.status).toBe(200);
    const inv = await fetch(`${s.base}/v1/inventory/inv-sku-1`);
    expect(inv.status).toBe(200);
    const body = await inv.json();
    expect(body.sku).toBe('inv-sku-1');
    expect(body.level).toBe(400 - 30 * 10 - 4 * 6);
    expect(body.forecast.length).toBeGreaterThan(0);
    expect(body.forecast[0]).toEqual({ date: expect.any(String), mean: expect.any(Number), lo: expect.any(Number), hi: expect.any(Number) });
    expect(typeof body.runoutDate).toBe('string');
    expect(['ok', 'reorder', 'stockout-risk']).toContain(body.alert.state);
    expect((await fetch(`${s.base}/v1/inventory/no-such-sku`)).status).toBe(404);
  });
});
