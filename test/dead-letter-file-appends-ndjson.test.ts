// The dead-letter file sink appends one NDJSON line per dead letter, after
// what the file already holds, on disk by the time write() resolves.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createDeadLetterFile } from '../host/serve/dead-letter-file.js';
import type { BatchOutput, DeadLetter } from '../host/core/ports.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const batch = (deadLetters: DeadLetter[]): BatchOutput => ({ scores: [], alerts: [], deadLetters, recommendations: [], inventory: [] });

test('dead letters are appended as NDJSON, one line each, after what the file held', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-deadletter-'));
  dirs.push(dir);
  const path = join(dir, 'dead.ndjson');
  await writeFile(path, '{"earlier":true}\n');
  const sink = createDeadLetterFile({ path });

  const a: DeadLetter = { where: 'streamscore.events[2]@17', raw: '{"type":"purchase","amount":-1}', reason: 'amount: must be >= 0', field: 'amount', ts: 1 };
  const b: DeadLetter = { where: 'events.ndjson:3', raw: 'not json\n{', reason: 'not JSON', ts: 2 };
  await sink.write(batch([a, b]));
  await sink.write(batch([])); // nothing to write: no line
  await sink.write(batch([{ ...a, where: 'api', ts: 3 }]));
  expect(sink.count).toBe(3);
  // Written means on disk already, before close.
  const lines = (await readFile(path, 'utf8')).split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.map((l) => JSON.parse(l))).toEqual([{ earlier: true }, a, b, { ...a, where: 'api', ts: 3 }]);
  expect(sink.readiness()).toEqual({ ok: true });
  await sink.close();
});
