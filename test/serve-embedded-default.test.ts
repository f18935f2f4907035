// `streamscore serve` with nothing configured runs the whole system on the
// built-in simulator and the in-memory store: events flow and are counted,
// the API scores with the real fraud model, WebSocket clients get live stats,
// invalid events land in the dead-letter file with their reason, and
// SIGTERM stops it cleanly.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { connect } from './helpers/ws-client.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-serve-'));
let s: ServeProcess;

const metric = (text: string, name: string) =>
  text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

describe('serve, embedded default', () => {
  beforeAll(async () => {
    s = await startServe(['--rate', '2000', '--dead-letter-file', join(dir, 'dead.ndjson'), '--feature-log', join(dir, 'features.ndjson')]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('is healthy and ready, and counts simulated events in /metrics', async () => {
    expect((await fetch(`${s.base}/health`)).status).toBe(200);
    const ready = await (await fetch(`${s.base}/ready`)).json();
    expect(ready.ready).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const m = await (await fetch(`${s.base}/metrics`)).text();
    expect(metric(m, 'streamscore_events_in_total')).toBeGreaterThan(500);
    expect(metric(m, 'streamscore_events_out_total')).toBeGreaterThan(500);
    expect(m).toMatch(/streamscore_model_info\{model="fraud"/);
  });

  it('scores purchases over HTTP and WebSocket with the shipped model, and streams stats', async () => {
    // The signup and the purchase in one 5-minute window: one that straddles a
    // window's edge counts the signup in the previous 5-minute bucket, a
    // different (and lower) score.
    const now = Date.now();
    const bucket = now - (now % 300_000);
    const t = now - bucket >= 2_500 ? now : bucket - 1_000;
    const events = [
      { eventId: 'api-s1', type: 'signup', ts: t - 2000, userId: 'api-u1', deviceId: 'api-farm', ip: '10.1.2.3' },
      { eventId: 'api-p1', type: 'purchase', ts: t - 1000, userId: 'api-u1', amount: 35, deviceId: 'api-farm', ip: '10.1.2.3' },
      { eventId: 'api-bad', type: 'purchase', ts: t, userId: 'api-u1', amount: -1 },
    ];
    const res = await fetch(`${s.base}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out).toHaveLength(3);
    expect(out[1].eventId).toBe('api-p1');
    expect(out[1].fraudScore).toBeGreaterThan(0.5); // bought a second after signing up
    expect(['review', 'block']).toContain(out[1].decision);
    expect(out[1].reasons.length).toBeGreaterThan(0);
    expect(out[2].field).toBe('amount');

    const ws = await connect(`ws://127.0.0.1:${s.port}/ws`);
    ws.send({ op: 'subscribe', topics: ['stats'] });
    ws.send({ op: 'score', id: 'r1', events: [{ eventId: 'ws-p1', type: 'purchase', ts: Date.now(), userId: 'ws-u1', amount: 12 }] });
    const scored = await ws.next<{ results: { eventId: string; fraudScore: number }[] }>((m) => m.op === 'scores' && m.id === 'r1');
    expect(scored.results[0]!.eventId).toBe('ws-p1');
    expect(scored.results[0]!.fraudScore).toBeGreaterThanOrEqual(0);
    const stats = await ws.next<{ stats: { eventsPerSecond: number } }>((m) => m.op === 'stats', 5000);
    expect(stats.stats.eventsPerSecond).toBeGreaterThan(0);
    await ws.close();
  });

  it('writes invalid events to the dead-letter file and scored features to the feature log, then stops on SIGTERM', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const dead = readFileSync(join(dir, 'dead.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead.some((d) => d.reason.includes('amount') && d.raw.includes('api-bad'))).toBe(true);
    const log = readFileSync(join(dir, 'features.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log[0].kind).toBe('header');
    expect(log[0].featureNames).toHaveLength(85);
    const row = log.find((l) => l.eventId === 'api-p1');
    expect(row.features).toHaveLength(85);
    expect(await s.stop()).toBe(0);
    expect(s.log()).toMatch(/stopped/);
  });
});

describe('serve, a file source and a bad model', () => {
  it('replays an NDJSON file, dead-letters its bad line, and refuses to start on a corrupt model', async () => {
    const file = join(dir, 'events.ndjson');
    const t = Date.UTC(2025, 0, 1);
    writeFileSync(file, [
      JSON.stringify({ eventId: 'f1', type: 'signup', ts: t, userId: 'fu' }),
      '{"eventId": "f2", "type": "purchase"',
      JSON.stringify({ eventId: 'f3', type: 'purchase', ts: t + 1000, userId: 'fu', amount: 5 }),
    ].join('\n') + '\n');
    const dead = join(dir, 'dead2.ndjson');
    const f = await startServe(['--source', `file:${file}`, '--dead-letter-file', dead]);
    for (let i = 0; i < 50 && !existsSync(dead); i++) await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].where).toBe(`${file}:2`);
    expect(lines[0].reason).toMatch(/not valid JSON/);
    expect(await f.stop()).toBe(0);

    const bad = join(dir, 'bad-model.txt');
    writeFileSync(bad, 'tree\nversion=v4\n');
    await expect(startServe(['--fraud-model', bad])).rejects.toThrow(/bad-model.txt/);
  });
});
