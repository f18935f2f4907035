// A new fraud model is swapped in whole; a corrupt file, or a model for other
// features, is rejected with a clear error and the old model keeps serving.

import { expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { cases, modelPath } from './helpers/fixtures.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { ModelError } from '../host/core/errors.js';
import type { Event } from '../host/core/schema.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');

function purchase(i: number): Event[] {
  const ts = Date.UTC(2015, 5, 1) + i * 60_000;
  return [
    { eventId: `s${i}`, type: 'signup', ts: ts - 1000, userId: `u${i}`, deviceId: `d${i % 3}`, ip: '1.2.3.4' },
    { eventId: `p${i}`, type: 'purchase', ts, userId: `u${i}`, amount: 10 + i, deviceId: `d${i % 3}`, ip: '1.2.3.4' },
  ];
}

it('rejects bad models and keeps scoring with the old one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-reload-'));
  const a = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const b = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const text = readFileSync(MODEL, 'utf8');
  const truncated = join(dir, 'truncated.txt');
  writeFileSync(truncated, text.slice(0, text.length / 3));
  expect(() => a.reload(truncated)).toThrow(ModelError);
  const other = modelPath(cases().find((c) => c.name === 'lgb4_binary')!);
  expect(() => a.reload(other)).toThrow(/features do not match|reads 85 features/);
  expect(a.modelPath).toBe(MODEL);
  // Same scores as a scorer that never saw a bad file.
  for (let i = 0; i < 5; i++) {
    const sa = a.process(purchase(i)).scored.map((r) => r.fraudScore);
    const sb = b.process(purchase(i)).scored.map((r) => r.fraudScore);
    expect(sa).toEqual(sb);
  }
  // A good file swaps in.
  const copy = join(dir, 'copy.txt');
  writeFileSync(copy, text);
  a.reload(copy);
  expect(a.modelPath).toBe(copy);
  expect(a.process(purchase(9)).scored.map((r) => r.fraudScore)).toEqual(b.process(purchase(9)).scored.map((r) => r.fraudScore));
});
