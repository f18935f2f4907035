// `serve` in embedded mode, killed with SIGKILL at random points (one of
// them while a checkpoint is being written) and started again each time,
// ends with the outputs of a run that never stopped: the feature log byte
// for byte (every purchase's features and score, exactly once), the dead
// letters (but for the time each was rejected), and every SKU's inventory
// state through the API. A checkpoint cut short is never taken up.

import { afterAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Simulator } from '../host/simulator/simulator.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = new Simulator({ seed: 21, rate: 1 }).next(120_000);
const lines = events.map((e) => JSON.stringify(e));
lines.splice(40_000, 0, '{"type":"purchase","eventId":"broken"');
lines.splice(90_000, 0, '{"type":"sale","eventId":"neg","ts":1,"sku":"s1","qty":-3}');
const file = join(dir, 'events.ndjson');
writeFileSync(file, lines.join('\n') + '\n');
const skus = [...new Set(events.flatMap((e) => (e.type === 'sale' || e.type === 'stock' ? [e.sku] : [])))];

function args(run: string): string[] {
  return [
    '--source', `file:${file}`, '--rate', '40000', '--checkpoint-interval', '0.25', '--inventory-period', 'hour',
    '--state-dir', join(dir, `${run}-state`), '--feature-log', join(dir, `${run}-features.ndjson`), '--dead-letter-file', join(dir, `${run}-dead.ndjson`),
  ];
}

function checkpoints(state: string): string {
  return existsSync(state) ? readdirSync(state).filter((f) => f.endsWith('.ssc')).sort().join() : '';
}

async function untilEnded(s: ServeProcess): Promise<void> {
  for (let t = 0; t < 600 && !s.log().includes('ended'); t++) await sleep(100);
  expect(s.log()).toContain(`source file:${file} ended`);
}

async function inventory(s: ServeProcess): Promise<unknown[]> {
  return Promise.all(skus.map(async (sku) => (await fetch(`${s.base}/v1/inventory/${sku}`)).json()));
}

function deadLetters(run: string): unknown[] {
  return readFileSync(join(dir, `${run}-dead.ndjson`), 'utf8').trimEnd().split('\n').map((l) => ({ ...JSON.parse(l), ts: undefined }));
}

it('after kill -9 at random points, the outputs are those of a run that never stopped', async () => {
  const a = await startServe(args('a'));
  await untilEnded(a);
  const wantInventory = await inventory(a);
  expect(await a.stop()).toBe(0);

  const state = join(dir, 'b-state');
  const restored: string[] = [];
  for (let k = 0; k < 4; k++) {
    const b = await startServe(args('b'));
    if (k === 1) {
      // Killed while a checkpoint of this run is being written (one the last run left unfinished is deleted at its first).
      for (let t = 0; t < 20_000 && !(b.log().includes('state restored') && existsSync(state) && readdirSync(state).some((f) => f.endsWith('.tmp'))); t++) await sleep(1);
    } else {
      // After a checkpoint of this run is written, at a random point.
      const before = checkpoints(state);
      for (let t = 0; t < 600 && checkpoints(state) === before; t++) await sleep(50);
      await sleep(Math.random() * 800);
    }
    b.child.kill('SIGKILL');
    await b.stop();
    restored.push(...b.log().split('\n').filter((l) => l.includes('state restored from')));
  }
  expect(restored.length, restored.join('\n')).toBeGreaterThanOrEqual(3);
  const b = await startServe(args('b'));
  await untilEnded(b);
  const gotInventory = await inventory(b);
  expect(b.log()).toContain('state restored from');
  expect(b.log()).not.toContain('skipped');
  expect(await b.stop()).toBe(0);

  const want = readFileSync(join(dir, 'a-features.ndjson'));
  expect(want.toString().split('\n').length).toBeGreaterThan(1000);
  expect(readFileSync(join(dir, 'b-features.ndjson')).equals(want)).toBe(true);
  expect(deadLetters('b')).toEqual(deadLetters('a'));
  expect(deadLetters('a')).toHaveLength(2);
  expect(gotInventory).toEqual(wantInventory);
  expect(wantInventory.filter((s) => (s as { forecast: unknown[] }).forecast.length > 0).length).toBeGreaterThan(10);
}, 240_000);
