// The real fraud pipeline of `serve` (the shipped model), its scores captured
// by a sink and its metrics registered, for tests that feed it batches.

import { join } from 'node:path';
import { FraudScorer } from '../../host/fraud/scorer.js';
import { Pipeline } from '../../host/core/pipeline.js';
import { createInstrumentation, type Instrumentation } from '../../host/core/instrumentation.js';
import { createMetrics, type Metrics } from '../../host/serve/metrics.js';
import type { ScoredOutput, Sink } from '../../host/core/ports.js';
import { ROOT } from './cli.js';

export interface CapturedPipeline {
  pipeline: Pipeline;
  /** Every score written, in write order. */
  scores: ScoredOutput[];
  instrumentation: Instrumentation;
  metrics: Metrics;
}

export function capturedPipeline(): CapturedPipeline {
  const instrumentation = createInstrumentation();
  const metrics = createMetrics(instrumentation, { defaultMetrics: false });
  const scores: ScoredOutput[] = [];
  const capture: Sink = {
    name: 'capture',
    write: async (out) => void scores.push(...out.scores),
    readiness: () => ({ ok: true }),
    close: async () => {},
  };
  const fraud = new FraudScorer(join(ROOT, 'models', 'fraud-ecommerce.txt'), { reviewThreshold: 0.5, blockThreshold: 0.9 });
  return { pipeline: new Pipeline({ fraud, sinks: [capture], instrumentation }), scores, instrumentation, metrics };
}
