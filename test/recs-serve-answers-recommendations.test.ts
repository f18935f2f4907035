// `serve` with nothing configured runs the recommender on the stream: after
// a user's views go in (here through POST /v1/score, the same pipeline as
// the simulator's events), GET /v1/recommendations/:userId and GET
// /v1/items/:itemId/similar answer 200 with lists from the cache; the
// simulated stream's own users and items get lists too, and the dashboard's
// stats carry the most recommended items.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { connect } from './helpers/ws-client.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-serve-recs-'));
let s: ServeProcess;

describe('serve, recommendations', () => {
  beforeAll(async () => {
    s = await startServe(['--rate', '1000', '--dead-letter-file', join(dir, 'dead.ndjson')]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('answers recommendations for a user and similar items for an item it saw', async () => {
    const t = Date.now();
    const views = [];
    // Two other shoppers view rec-a with rec-b; our user views rec-a.
    for (const [n, u] of ['rec-o1', 'rec-o2'].entries()) {
      views.push({ eventId: `rv-${n}-a`, type: 'view', ts: t - 5000, userId: u, itemId: 'rec-a' });
      views.push({ eventId: `rv-${n}-b`, type: 'cart', ts: t - 4000, userId: u, itemId: 'rec-b' });
    }
    views.push({ eventId: 'rv-u-a', type: 'view', ts: t - 1000, userId: 'rec-user', itemId: 'rec-a' });
    const res = await fetch(`${s.base}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(views) });
    expect(res.status).toBe(200);

    const deadline = Date.now() + 5000;
    let recs: Response;
    do {
      recs = await fetch(`${s.base}/v1/recommendations/rec-user?k=5`);
      if (recs.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(recs.status).toBe(200);
    const body = await recs.json();
    expect(body.items[0].itemId).toBe('rec-b');
    expect(body.items.map((x: { itemId: string }) => x.itemId)).not.toContain('rec-a');

    const similar = await fetch(`${s.base}/v1/items/rec-a/similar?k=3`);
    expect(similar.status).toBe(200);
    expect((await similar.json()).items[0].itemId).toBe('rec-b');
  });

  it('keeps lists for the simulated stream\'s users and items, and shows top items on the dashboard', async () => {
    const ws = await connect(`ws://127.0.0.1:${s.port}/ws`);
    ws.send({ op: 'subscribe', topics: ['stats'] });
    const stats = await ws.next<{ stats: { topItems: { itemId: string; score: number }[] } }>((m) => m.op === 'stats' && ((m.stats as { topItems?: unknown[] } | undefined)?.topItems?.length ?? 0) > 0, 10_000);
    await ws.close();
    const top = stats.stats.topItems[0]!.itemId;
    expect((await fetch(`${s.base}/v1/items/${encodeURIComponent(top)}/similar`)).status).toBe(200);
    // Simulated shoppers are u1, u2, ...: some of the first ones have viewed something by now.
    let found = 0;
    for (let u = 1; u <= 300 && found === 0; u++) if ((await fetch(`${s.base}/v1/recommendations/u${u}`)).status === 200) found = u;
    expect(found).toBeGreaterThan(0);
  });
});
