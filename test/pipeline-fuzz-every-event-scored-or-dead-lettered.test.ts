// Fuzz: random and broken events (every field, every JSON type, extreme
// numbers, huge strings, deep nesting, lone surrogates, cut JSON) through
// the whole stream pipeline of `serve` (fraud with the shipped model,
// recommendations and inventory), in batches as a source hands them over.
// Whatever a batch holds: nothing throws out of the pipeline, every valid
// purchase is scored exactly once, every message the validator refuses is
// dead-lettered exactly once with a reason, nothing else is, and every
// batch's write resolves (a source would commit it: the stream moves on).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline } from '../host/core/pipeline.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { InventoryStage } from '../host/forecast/inventory.js';
import { RecsStage } from '../host/recs/stage.js';
import { parseEvent } from '../host/core/schema.js';
import type { DeadLetter, ScoredOutput, Sink, SourceMessage } from '../host/core/ports.js';
import { anyMessage, configureFuzzSeed, messageText } from './helpers/fuzz-events.js';
import { ROOT } from './helpers/cli.js';

configureFuzzSeed();

// fast-check's seed, printed on a failure; a failure's seed and path go into
// REGRESSIONS below so that it is tried on every run from then on.
const REGRESSIONS: { seed: number; path: string }[] = [];

function pipeline() {
  const scores: ScoredOutput[] = [];
  const deadLetters: DeadLetter[] = [];
  const capture: Sink = {
    name: 'capture',
    write: async (out) => {
      scores.push(...out.scores);
      deadLetters.push(...out.deadLetters);
    },
    readiness: () => ({ ok: true }),
    close: async () => {},
  };
  const fraud = new FraudScorer(join(ROOT, 'models', 'fraud-ecommerce.txt'), { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 16 });
  const stages = [new InventoryStage({ minHistory: 2 }), new RecsStage({ userRefreshMs: 0, itemRefreshMs: 0 })];
  return { p: new Pipeline({ fraud, stages, sinks: [capture], instrumentation: createInstrumentation() }), scores, deadLetters };
}

describe('the stream pipeline under fuzzed input', () => {
  const { p, scores, deadLetters } = pipeline();
  let seq = 0;
  let tried = 0;

  const property = fc.asyncProperty(fc.array(fc.array(anyMessage, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }), async (batches) => {
    scores.length = 0;
    deadLetters.length = 0;
    const wantScored: string[] = [];
    const wantDead = new Set<string>();
    const writes: Promise<void>[] = [];
    for (const batch of batches) {
      const messages: SourceMessage[] = batch.map((m) => {
        const where = `fuzz:${++seq}`;
        const value = messageText(m, `e${seq}`);
        const v = parseEvent(value);
        if (!v.ok) wantDead.add(where);
        else if (v.event.type === 'purchase') wantScored.push(v.event.eventId);
        return { value, where, key: `k${seq % 7}` };
      });
      tried += messages.length;
      // handle() never throws: a failure would be a rejected promise.
      writes.push(p.handle(messages));
    }
    await Promise.all(writes);
    expect(scores.map((s) => s.eventId).sort()).toEqual(wantScored.sort());
    expect(deadLetters.map((d) => d.where).sort()).toEqual([...wantDead].sort());
    for (const d of deadLetters) {
      expect(d.reason.length).toBeGreaterThan(0);
      expect(d.key).toMatch(/^k\d$/);
    }
  });

  it('every message is scored or dead-lettered exactly once, and every batch is written', async () => {
    const started = performance.now();
    await fc.assert(property, { numRuns: 300 });
    for (const r of REGRESSIONS) await fc.assert(property, { seed: r.seed, path: r.path, endOnFailure: true });
    const seconds = (performance.now() - started) / 1000;
    // The size of the run, for the record (docs/API.md quotes it).
    process.stderr.write(`pipeline fuzz: ${tried} messages in ${seconds.toFixed(1)} s\n`);
    expect(tried).toBeGreaterThan(1000);
  });
});
