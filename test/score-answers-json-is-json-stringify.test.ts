// The scoring answers' written-out JSON (host/serve/score-batcher.ts writeResults,
// UTF-8 into a reusable buffer) is byte for byte what
// Buffer.from(JSON.stringify(results)) gives: for the real pipeline's results on a
// simulated stream (scores, reasons, per-event errors), and for the results a
// client can make awkward (ids that need escaping, lone surrogates, numbers
// JSON has no word for, objects of another shape).

import { expect, test } from 'vitest';
import { JsonBytes, writeResults } from '../host/serve/score-batcher.js';
import { Simulator } from '../host/simulator/simulator.js';
import type { ScoreError, ScoreResult } from '../host/core/ports.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

// The bytes written, as latin1 (one character a byte: a byte-exact comparison with a readable diff).
function written(results: readonly (ScoreResult | ScoreError)[], w = new JsonBytes()): string {
  const at = w.pos;
  writeResults(w, results);
  return Buffer.from(w.since(at)).toString('latin1');
}
const stringified = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('latin1');

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
    expect(written(results)).toBe(stringified(results));
    for (let i = 0; i < results.length; i += 97) expect(written(results.slice(i, i + 1))).toBe(stringified(results.slice(i, i + 1)));
  }
  expect(reasons).toBeGreaterThan(1000);
  expect(errors).toBe(120);
  expect(written([])).toBe('[]');
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
  for (const r of results) expect(written([r]), JSON.stringify(r)).toBe(stringified([r]));
  expect(written(results)).toBe(stringified(results));
});

test('answers written one after another in one buffer keep their bytes when it grows, until it is reset', () => {
  const w = new JsonBytes();
  const big = (n: number): ScoreResult[] =>
    Array.from({ length: n }, (_, i) => ({ eventId: `e-${n}-${i}`, fraudScore: i / n, decision: 'allow', reasons: [{ feature: 'f', contribution: i, text: 'x'.repeat(200) }] }));
  // Three answers of 20, 300 and 1,000 results: the buffer (64 KiB at first) grows twice.
  const answers = [big(20), big(300), big(1000)];
  const views = answers.map((a) => {
    const at = w.pos;
    writeResults(w, a);
    return w.since(at);
  });
  expect(w.pos).toBeGreaterThan(1 << 17);
  answers.forEach((a, i) => expect(Buffer.from(views[i]!).toString('latin1')).toBe(stringified(a)));
  w.reset();
  expect(w.pos).toBe(0);
  expect(written(answers[0]!, w)).toBe(stringified(answers[0]));
});
