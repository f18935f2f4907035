// The feature log file holds each purchase's features and each label in the
// order of the events, whatever batches the stream was cut into: two runs
// over the same events in different cuts (as two Kafka groups fetch them)
// write the same bytes. (It once wrote a batch's scores, then its labels:
// the lines followed the cuts.)

import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline } from '../host/core/pipeline.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { featureLogFile } from '../host/serve/feature-log-file.js';
import { Simulator } from '../host/simulator/simulator.js';
import { ROOT } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-flog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const events = new Simulator({ seed: 8, rate: 1 }).next(40_000).map((e) => ({ value: JSON.stringify(e), where: 'sim' }));

async function log(cuts: (k: number) => number): Promise<Buffer> {
  const file = join(dir, `log-${Math.random()}.ndjson`);
  const fraud = new FraudScorer(join(ROOT, 'models', 'fraud-ecommerce.txt'), { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const sink = featureLogFile(file, fraud.features.names);
  const pipeline = new Pipeline({ fraud, sinks: [sink], instrumentation: createInstrumentation() });
  for (let at = 0, k = 0; at < events.length; k++) {
    const n = cuts(k);
    await pipeline.handle(events.slice(at, at + n));
    at += n;
  }
  await sink.close();
  return readFileSync(file);
}

it('writes the same feature log for any cut of the stream into batches', async () => {
  const whole = await log(() => 4096);
  const ragged = await log((k) => 1 + ((k * 37) % 211));
  const lines = whole.toString().split('\n');
  expect(lines.filter((l) => l.startsWith('{"kind":"label"')).length).toBeGreaterThan(20);
  expect(lines.filter((l) => l.startsWith('{"kind":"features"')).length).toBeGreaterThan(500);
  expect(ragged.equals(whole)).toBe(true);
});
