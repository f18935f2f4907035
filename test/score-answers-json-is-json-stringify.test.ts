// The scoring answers' written-out JSON (host/server/score.ts resultsJson) is
// the very text JSON.stringify gives: for the real pipeline's results on a
// simulated stream (scores, reasons, per-event errors), and for the results a
// client can make awkward (ids that need escaping, lone surrogates, numbers
// JSON has no word for, objects of another shape).

import { expect, test } from 'vitest';
import { resultsJson } from '../host/server/score.js';
import { Simulator } from '../host/sources/simulator.js';
import type { ScoreError, ScoreResult } from '../host/service/types.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

test('the pipeline results of 20,000 simulated events (with bad ones among them) serialise exactly as JSON.stringify does', () => {
  const { pipeline } = capturedPipeline();
  const sim = new Simulator({ seed: 5, rate: 50, fraud: { 'card-testing': 20, 'account-takeover': 20, 'device-farm': 20, 'velocity-burst': 20 } });
  let reasons = 0;
  let errors = 0;
  for (let k = 0; k < 40; k++) {
    const events: unknown[] = sim.next(500);
    // A few a batch the validator refuses: each gets its own error result.
    events.push({ eventId: `bad-${k}`, type: 'purchase' }, { type: 'nope' }, null);
    const results = pipeline.score(events);
    for (const r of results) {
      if ('error' in r) errors++;
      else reasons += r.reasons.length;
    }
    expect(resultsJson(results)).toBe(JSON.stringify(results));
    for (let i = 0; i < results.length; i += 97) expect(resultsJson(results.slice(i, i + 1))).toBe(JSON.stringify(results.slice(i, i + 1)));
  }
  expect(reasons).toBeGreaterThan(1000);
  expect(errors).toBe(120);
  expect(resultsJson([])).toBe('[]');
});

test('ids and texts that need escaping, odd numbers and other shapes give JSON.stringify\'s text too', () => {
  const reason = (feature: string, contribution: number, text: string) => ({ feature, contribution, text });
  const awkward = ['plain', 'quo"te', 'back\\slash', 'new\nline', 'tab\t', '\u0000\u001f', 'ünïcødé', '日本', '😀', 'lone \ud800 high', 'lone \udfff low', '\u2028\u2029', '</script>', ''];
  const numbers = [0, -0, 1, -1.5, 0.1 + 0.2, 1e-7, 1e21, 123456789012345680000, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, -Infinity];
  const results: (ScoreResult | ScoreError)[] = [];
  for (const s of awkward) {
    for (const x of numbers) {
      results.push({ eventId: s, fraudScore: x, decision: 'review', reasons: [reason(s, x, `${s}: ${x}`), reason('f', 0.5, s)] });
    }
    results.push({ eventId: s, error: `bad ${s}`, field: s }, { error: s });
  }
  // Not the pipeline's shape: extra, missing or reordered keys, other types.
  results.push({ eventId: 'x', fraudScore: 0.5, decision: 'allow', reasons: [], extra: 1 } as ScoreResult);
  results.push({ fraudScore: 0.5, eventId: 'x', decision: 'allow', reasons: [] } as ScoreResult);
  results.push({ eventId: undefined, fraudScore: 0.5, decision: 'allow', reasons: [] } as unknown as ScoreResult);
  results.push({ eventId: 'x', fraudScore: 0.5, decision: 'allow', reasons: [{ feature: 'f', contribution: 1, text: 't', more: true }] } as unknown as ScoreResult);
  results.push({ eventId: 'x', fraudScore: 0.5, decision: 'allow', reasons: [{ text: 't', feature: 'f', contribution: 1 }] } as unknown as ScoreResult);
  results.push({ eventId: 'x', fraudScore: '0.5', decision: 'allow', reasons: [] } as unknown as ScoreResult);
  for (const r of results) expect(resultsJson([r]), JSON.stringify(r)).toBe(JSON.stringify([r]));
  expect(resultsJson(results)).toBe(JSON.stringify(results));
});
