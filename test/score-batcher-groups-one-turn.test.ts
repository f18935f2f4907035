// The scoring API's batcher: requests that arrive in one turn of the event
// loop are scored in one pipeline call, each gets exactly its own results
// (the same as if scored alone, in arrival order, state included), a request
// that is not a score keeps its place, and a call that throws is split so
// that only the request that makes it throw gets the error.

import { expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { createStandInScoring } from './helpers/stand-in-scoring.js';
import { purchase } from './helpers/server.js';
import { ScoreBatcher, type ScoreAnswer } from '../host/serve/score-batcher.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline } from '../host/core/pipeline.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import type { ScoreError, ScoreResult, Scoring } from '../host/core/ports.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const turn = () => new Promise<void>((r) => setImmediate(r));

/** The stand-in, recording the size of every call. */
function counting(): Scoring & { calls: number[] } {
  const inner = createStandInScoring();
  const calls: number[] = [];
  return { calls, score: (events) => (calls.push(events.length), inner.score(events)) };
}

it('scores the requests of one turn in one call and gives each its own results, in order', async () => {
  const scoring = counting();
  const b = new ScoreBatcher(scoring);
  const answers: [string, ScoreAnswer][] = [];
  b.submit([purchase('a1', 10), purchase('a2', 2000)], (r) => answers.push(['a', r]));
  b.submit([{ eventId: 'bad', type: 'purchase' }], (r) => answers.push(['b', r]));
  b.submit([purchase('c1', 700)], (r) => answers.push(['c', r]));
  expect(answers).toEqual([]); // nothing until the end of the turn
  await turn();
  expect(scoring.calls).toEqual([4]);
  expect(answers.map(([k]) => k)).toEqual(['a', 'b', 'c']);
  const alone = createStandInScoring();
  expect(answers[0]![1]).toEqual(alone.score([purchase('a1', 10), purchase('a2', 2000)]));
  expect(answers[1]![1]).toEqual([{ eventId: 'bad', error: 'ts: is required', field: 'ts' }]);
  expect(answers[2]![1]).toEqual(alone.score([purchase('c1', 700)]));

  // A later turn is a later call.
  b.submit([purchase('d1', 1)], () => {});
  await turn();
  expect(scoring.calls).toEqual([4, 1]);
});

it('keeps calls within maxEvents, a larger request alone, and after() in its place', async () => {
  const scoring = counting();
  const b = new ScoreBatcher(scoring, 4);
  const order: string[] = [];
  const ids = (r: ScoreAnswer) => (r as (ScoreResult | ScoreError)[]).map((x) => x.eventId).join(',');
  const events = (p: string, n: number) => Array.from({ length: n }, (_, i) => purchase(`${p}${i}`, i));
  b.submit(events('a', 3), (r) => order.push(ids(r)));
  b.submit(events('b', 1), (r) => order.push(ids(r)));
  b.submit(events('c', 2), (r) => order.push(ids(r)));
  b.after(() => order.push('after'));
  b.submit(events('d', 6), (r) => order.push(ids(r)));
  b.submit(events('e', 1), (r) => order.push(ids(r)));
  expect(b.busy).toBe(true);
  await turn();
  expect(b.busy).toBe(false);
  expect(scoring.calls).toEqual([4, 2, 6, 1]);
  expect(order).toEqual(['a0,a1,a2', 'b0', 'c0,c1', 'after', 'd0,d1,d2,d3,d4,d5', 'e0']);
});

it('a call that throws is split: only the request that makes it throw gets the error', async () => {
  const inner = createStandInScoring();
  const calls: number[] = [];
  const scoring = {
    score: (ev: unknown[]) => {
      calls.push(ev.length);
      if (ev.some((e) => (e as { eventId: string }).eventId === 'poison')) throw new Error('model gone');
      return inner.score(ev);
    },
  };
  const b = new ScoreBatcher(scoring, 10);
  const got: ScoreAnswer[] = [];
  b.submit([purchase('a', 1)], (r) => got.push(r));
  b.submit([purchase('poison', 1)], (r) => got.push(r));
  b.submit([purchase('c', 1)], (r) => got.push(r));
  await turn();
  // One call for the three, then one per request.
  expect(calls).toEqual([3, 1, 1, 1]);
  expect(got[0]).toEqual(inner.score([purchase('a', 1)]));
  expect((got[1] as Error).message).toBe('model gone');
  expect(got[2]).toEqual(inner.score([purchase('c', 1)]));
});

it('gives the real fraud pipeline the same results grouped as request by request', async () => {
  const pipeline = () =>
    new Pipeline({ fraud: new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 }), sinks: [], instrumentation: createInstrumentation() });
  const t0 = Date.UTC(2024, 4, 1);
  // A device farm: signups and purchases of new accounts on one device, whose
  // later purchases depend on the state the earlier ones left.
  const requests: unknown[][] = [];
  for (let i = 0; i < 12; i++) {
    const user = `u${i}`;
    requests.push([{ eventId: `s${i}`, type: 'signup', ts: t0 + i * 2000, userId: user, deviceId: 'farm', ip: '10.9.9.9', source: 'Direct', browser: 'IE', age: 30, sex: 'M' }]);
    requests.push([{ eventId: `p${i}`, type: 'purchase', ts: t0 + i * 2000 + 900, userId: user, amount: 40 + i, deviceId: 'farm', ip: '10.9.9.9' }]);
  }
  const one = pipeline();
  const alone = requests.map((r) => one.score(r));
  const b = new ScoreBatcher(pipeline());
  const grouped: ScoreAnswer[] = [];
  for (const r of requests) b.submit(r, (a) => grouped.push(a));
  await turn();
  expect(grouped).toEqual(alone);
  // The farm's last purchases are judged on the history the first ones made.
  const last = alone.at(-1)![0] as ScoreResult;
  expect(last.fraudScore).toBeGreaterThan((alone[1]![0] as ScoreResult).fraudScore);
});
