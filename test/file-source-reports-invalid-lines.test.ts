// The NDJSON file source reports each invalid line with its file:line and
// the reason, and keeps reading: the valid events after it still come.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fileSource, ndjsonEvents, type InvalidLine } from '../host/serve/file-source.js';
import type { SourceMessage } from '../host/core/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-file-source-'));
const file = join(dir, 'events.ndjson');
const lines = [
  '{"eventId":"a","type":"view","ts":1,"userId":"u1","itemId":"i1"}',
  '{"eventId":"b","type":"purchase","ts":2,"userId":"u1","amount":-3}',
  '',
  'not json at all',
  '{"eventId":"c","type":"sale","ts":"2024-01-01T00:00:00Z","sku":"S1","qty":2}',
  '{"eventId":"d","type":"teleport","ts":4}',
  '  {"eventId":"e","type":"label","ts":5,"purchaseEventId":"b","fraud":true}  ',
];
writeFileSync(file, lines.join('\n')); // no final newline: the last line still counts

test('invalid lines are reported with file:line and reason; valid ones keep coming, with their text', async () => {
  const bad: InvalidLine[] = [];
  const ids: string[] = [];
  const texts: string[] = [];
  for await (const b of ndjsonEvents(file, { onInvalid: (x) => bad.push(x), batchLines: 2 })) {
    ids.push(...b.events.map((e) => e.eventId));
    texts.push(...b.texts);
  }
  expect(ids).toEqual(['a', 'c', 'e']);
  expect(texts[2]).toBe(lines[6]!.trim());
  expect(bad.map((x) => `${x.file}:${x.line}`)).toEqual([`${file}:2`, `${file}:4`, `${file}:6`]);
  expect(bad[0]!.reason).toMatch(/amount: must be in \[0/);
  expect(bad[0]!.field).toBe('amount');
  expect(bad[1]!.reason).toMatch(/not valid JSON/);
  expect(bad[2]!.reason).toMatch(/type: must be one of/);
});

test('as a serve Source: messages say where they came from; invalid ones are reported or left to the dead letters', async () => {
  const bad: InvalidLine[] = [];
  const got: SourceMessage[] = [];
  await fileSource({ path: file, onInvalid: (x) => bad.push(x) }).run(async (m) => void got.push(...m));
  expect(got.map((m) => m.where)).toEqual([`${file}:1`, `${file}:5`, `${file}:7`]);
  expect(bad).toHaveLength(3);

  const all: SourceMessage[] = [];
  await fileSource({ path: file }).run(async (m) => void all.push(...m));
  expect(all.map((m) => m.where)).toEqual([1, 2, 4, 5, 6, 7].map((n) => `${file}:${n}`));
});

test('paced at a rate, it takes as long as the rate says', async () => {
  const many = join(dir, 'many.ndjson');
  writeFileSync(many, Array.from({ length: 300 }, (_, k) => `{"eventId":"x${k}","type":"sale","ts":${k},"sku":"S","qty":1}`).join('\n') + '\n');
  const t0 = Date.now();
  let n = 0;
  for await (const b of ndjsonEvents(many, { onInvalid: () => expect.fail(), rate: 1000 })) n += b.events.length;
  const ms = Date.now() - t0;
  expect(n).toBe(300);
  expect(ms).toBeGreaterThanOrEqual(250);
  expect(ms).toBeLessThan(1500);
});
