// `replay --source movielens` on a small generated ratings file: a view per
// rating and a cart for a rating of 4 or more, in time order, with sessions
// cut after 30 minutes of quiet.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent, type Event, type InteractionEvent } from '../host/core/schema.js';
import { runCli } from './helpers/cli.js';
import { rng } from './helpers/event-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-replay-ml-'));
const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Event);

describe('replay --source movielens', () => {
  // 40 users x 30 items, shuffled (u.data is not in time order); user 7's ratings 10 min apart then 2 h later.
  const r = rng(4);
  const rows: [number, number, number, number][] = [];
  for (let u = 1; u <= 40; u++) for (let i = 1; i <= 30; i++) if (r() < 0.3) rows.push([u, i, 1 + Math.floor(r() * 5), 880_000_000 + Math.floor(r() * 5_000_000)]);
  const t7 = 890_000_000;
  rows.push([7, 101, 5, t7], [7, 102, 2, t7 + 600], [7, 103, 4, t7 + 1200], [7, 104, 3, t7 + 1200 + 7200]);
  rows.sort(() => r() - 0.5);
  const file = join(dir, 'u.data');
  writeFileSync(file, rows.map((x) => x.join('\t')).join('\n') + '\n');
  const out = runCli(['replay', '--source', 'movielens', '--file', file]);
  const events = parse(out.stdout) as InteractionEvent[];

  it('one view per rating and a cart for each rating >= 4, schema-valid, in time order', () => {
    expect(out.code, out.stderr).toBe(0);
    const liked = rows.filter((x) => x[2] >= 4).length;
    expect(events.filter((e) => e.type === 'view')).toHaveLength(rows.length);
    expect(events.filter((e) => e.type === 'cart')).toHaveLength(liked);
    for (const e of events) expect(validateEvent(e).ok).toBe(true);
    for (let k = 1; k < events.length; k++) expect(events[k]!.ts).toBeGreaterThanOrEqual(events[k - 1]!.ts);
    const first = rows.reduce((a, b) => (b[3] < a[3] ? b : a));
    expect(events[0]).toMatchObject({ type: 'view', ts: first[3] * 1000, userId: String(first[0]), itemId: String(first[1]) });
  });

  it('a cart follows its view at the same time; sessions break after 30 minutes of quiet', () => {
    const u7 = events.filter((e) => e.userId === '7' && Number(e.itemId) > 100);
    expect(u7.map((e) => `${e.type} ${e.itemId}`)).toEqual(['view 101', 'cart 101', 'view 102', 'view 103', 'cart 103', 'view 104']);
    const [, n] = /^ml-7-(\d+)$/.exec(u7[0]!.sessionId!)!;
    // User 7's earlier (random) ratings were days before: 101-103 open a session; 104, two hours on, opens the next.
    expect(u7.map((e) => e.sessionId)).toEqual([0, 0, 0, 0, 0, 1].map((k) => `ml-7-${Number(n) + k}`));
    expect(new Set(u7.slice(0, 5).map((e) => e.ts))).toEqual(new Set([890_000_000_000, 890_000_600_000, 890_001_200_000]));
  });

  it('a malformed line stops it with file:line (field)', () => {
    const bad = join(dir, 'bad.data');
    writeFileSync(bad, '1\t2\t5\t881250949\n1\t3\tfive\t881250950\n');
    const s = runCli(['replay', '--source', 'movielens', '--file', bad]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`${bad}:2 (rating): not a number: "five"`);
  });
});
