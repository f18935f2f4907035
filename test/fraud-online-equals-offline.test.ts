// The fraud score a purchase gets on the live path (FraudScorer: events in
// batches through the WASM features straight into the scorer) is the score
// the offline path gives it (`streamscore features` then `streamscore score`
// with the same model): one feature code, one scorer.

import { expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from './helpers/cli.js';
import { fraudCsv } from './helpers/fraud-data.js';
import { readFraudData, replayOrder } from '../host/datasets/fraud-data.js';
import { fraudEvent } from '../host/fraud/replay.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import type { Event } from '../host/core/schema.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');

it('scores every purchase as features + score do offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-fraud-'));
  const data = join(dir, 'fraud.csv');
  writeFileSync(data, fraudCsv(7, 600));

  // Offline: the feature matrix (minus its row key), scored by the CLI.
  const feats = join(dir, 'features.csv');
  expect(runCli(['features', '--source', 'fraud-ecommerce', '--data', data, '--out', feats]).code).toBe(0);
  const lines = readFileSync(feats, 'utf8').trimEnd().split('\n');
  const rowKey = lines.slice(1).map((l) => Number(l.slice(0, l.indexOf(','))));
  writeFileSync(join(dir, 'x.csv'), lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n');
  const scored = runCli(['score', '--model', MODEL, '--input', join(dir, 'x.csv')]);
  expect(scored.stderr).toBe('');
  const offline = new Map(scored.stdout.trimEnd().split('\n').map((s, i) => [rowKey[i]!, Number(s)]));

  // Online: the same stream as SPEC events, in uneven batches.
  const d = await readFraudData(data);
  const events: Event[] = Array.from(replayOrder(d), (code) => {
    const e = fraudEvent(d, code);
    const r = code >>> 1;
    const base = { eventId: `${e.type}-${r}`, ts: e.ts, userId: e.userId!, deviceId: e.deviceId, ip: e.ip, ipNum: e.ipNum, source: e.source, browser: e.browser };
    return e.type === 'purchase' ? { ...base, type: 'purchase', amount: e.amount! } : { ...base, type: 'signup', age: e.age, sex: e.sex };
  });
  const scorer = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 97 });
  const online = new Map<number, number>();
  for (let at = 0, size = 1; at < events.length; at += size, size = (size * 7) % 250 + 1) {
    for (const p of scorer.process(events.slice(at, at + size)).scored) online.set(Number(p.eventId.slice('purchase-'.length)), p.fraudScore);
  }
  expect(online.size).toBe(600);
  for (const [row, score] of offline) expect(online.get(row), `row ${row}`).toBe(score);
});
