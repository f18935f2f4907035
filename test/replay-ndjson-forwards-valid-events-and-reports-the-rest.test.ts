// `replay --source ndjson` forwards every valid line as it was written,
// reports each invalid one as file:line: reason on stderr, keeps going, and
// exits 1 when any line was invalid. --rate paces it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-replay-ndjson-'));

test('valid lines go through byte for byte; invalid ones are named and counted', () => {
  const file = join(dir, 'mixed.ndjson');
  const good = [
    '{"eventId":"a","type":"view","ts":1,"userId":"u1","itemId":"i1"}',
    '{"type":"sale","eventId":"c","ts":"2024-01-01T00:00:00Z","sku":"S1","qty":2,"note":"extra fields pass"}',
  ];
  writeFileSync(file, [good[0], '{"eventId":"b","type":"cart","ts":2,"userId":"u1"}', '[1,2]', good[1]].join('\n') + '\n');
  const r = runCli(['replay', '--source', 'ndjson', '--file', file]);
  expect(r.stdout).toBe(good.join('\n') + '\n');
  expect(r.stderr).toContain(`${file}:2: itemId: is required`);
  expect(r.stderr).toContain(`${file}:3: event must be a JSON object`);
  expect(r.stderr).toMatch(/replay: 2 events .*; 2 invalid lines not sent/);
  expect(r.code).toBe(1);
});

test('from stdin, paced with --rate', () => {
  const lines = Array.from({ length: 200 }, (_, k) => `{"eventId":"e${k}","type":"stock","ts":${k},"sku":"S","level":${k}}`);
  const t0 = Date.now();
  const r = runCli(['replay', '--source', 'ndjson', '--file', '-', '--rate', '500'], lines.join('\n'));
  const ms = Date.now() - t0;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(lines);
  expect(ms).toBeGreaterThanOrEqual(380); // 200 events at 500/s: 0.4 s, less the first slice
});
