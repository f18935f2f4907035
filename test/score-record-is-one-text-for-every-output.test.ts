// A scored purchase's score record (host/core/records.ts) is the one JSON
// text every output carries: it is JSON.stringify's text of {eventId,
// userId, ts, amount, fraudScore, decision, reasons} for any values
// (escapes, lone surrogates, NaN and infinities as null, -0 as 0); the
// scores topic carries it with scoredAt, and a fraud alert on the alerts
// topic and the WebSocket is the same record with its topic first.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Simulator } from '../host/simulator/simulator.js';
import { alertRecord, scoreRecord } from '../host/core/records.js';
import { createKafkaSink } from '../host/serve/kafka-sink.js';
import { join } from 'node:path';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline } from '../host/core/pipeline.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import type { BatchOutput, Decision, FraudAlert, ScoredOutput, Sink } from '../host/core/ports.js';
import { ROOT } from './helpers/cli.js';
import { configureFuzzSeed } from './helpers/fuzz-events.js';

configureFuzzSeed();

const fields = (s: ScoredOutput) => ({ eventId: s.eventId, userId: s.userId, ts: s.ts, amount: s.amount, fraudScore: s.fraudScore, decision: s.decision, reasons: s.reasons });

test('the record is JSON.stringify of the purchase for any values', () => {
  const number = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e21, 5e-324));
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), number, number, number, fc.constantFrom<Decision>('allow', 'review', 'block'),
      fc.array(fc.record({ feature: fc.string(), contribution: number, text: fc.string({ unit: 'binary' }) }), { maxLength: 3 }),
      (eventId, userId, ts, amount, fraudScore, decision, reasons) => {
        const s: ScoredOutput = { eventId, userId, ts, amount, fraudScore, decision, reasons, features: [] };
        expect(scoreRecord(s)).toBe(JSON.stringify(fields(s)));
      }),
  );
});

test('the scores topic and every fraud alert carry the purchase\'s record', async () => {
  const outs: BatchOutput[] = [];
  const capture: Sink = { name: 'capture', write: async (o) => void outs.push(o), readiness: () => ({ ok: true }), close: async () => {} };
  const fraudJob = new FraudScorer(join(ROOT, 'models', 'fraud-ecommerce.txt'), { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const pipeline = new Pipeline({ fraud: fraudJob, sinks: [capture], instrumentation: createInstrumentation() });
  const sim = new Simulator({ seed: 11, rate: 50, fraud: { 'card-testing': 30, 'account-takeover': 30, 'device-farm': 30, 'velocity-burst': 30 } });
  for (let k = 0; k < 20; k++) await pipeline.handle(sim.next(500).map((e, i) => ({ value: JSON.stringify(e), where: `sim:${k}:${i}` })));
  const scored = outs.flatMap((o) => o.scores);
  const alerts = outs.flatMap((o) => o.alerts);
  const fraud = alerts.filter((a): a is FraudAlert => a.topic === 'alerts.fraud');
  expect(fraud.length).toBeGreaterThan(20);
  const byId = new Map(scored.map((s) => [s.eventId, s]));
  for (const a of fraud) {
    const { record: _r, ...alert } = a;
    expect(alertRecord(a)).toBe(JSON.stringify({ topic: 'alerts.fraud', ...fields(byId.get(a.eventId)!) }));
    expect(JSON.parse(alertRecord(a))).toEqual(alert);
  }

  const sink = createKafkaSink({ brokers: ['localhost:1'], featureNames: ['a'], logLevel: 'nothing' });
  const out: BatchOutput = { scores: scored, alerts, deadLetters: [], recommendations: [], inventory: [] };
  const messages = new Map(sink.messages(out, 1234).map((t) => [t.topic, t.messages]));
  const scores = messages.get('streamscore.scores')!;
  expect(scores).toHaveLength(scored.length);
  scores.forEach((m, i) => expect(m.value).toBe(JSON.stringify({ ...fields(scored[i]!), scoredAt: 1234 })));
  expect(messages.get('streamscore.alerts.fraud')!.map((m) => m.value)).toEqual(fraud.map((a) => JSON.stringify({ topic: 'alerts.fraud', ...fields(byId.get(a.eventId)!) })));
});
