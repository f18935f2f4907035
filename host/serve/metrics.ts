// The Prometheus metrics of the service, fed only by instrumentation events
// (host/core/instrumentation.ts): nothing else in the host imports
// prom-client. Names follow Prometheus conventions: a `streamscore_` prefix,
// base units (seconds, bytes), `_total` on counters, `_info` for a constant 1
// carrying labels. Label values come from small fixed sets (event types, field
// names, route patterns), never from event data, so series stay few.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Instrumentation } from '../core/instrumentation.js';

/** What GET /metrics needs: prom-client's Registry has this shape. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface Metrics extends MetricsSource {
  readonly registry: Registry;
  /** Unsubscribes from the instrumentation (the registry keeps its values). */
  close(): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
const HTTP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** "itemIds[3]" and "itemIds" are one label value; a missing field means the JSON itself was bad. */
function invalidReason(field: string | undefined): string {
  return field === undefined ? 'json' : field.replace(/\[\d+\]$/, '');
}

/** Defines the metrics on a fresh registry and subscribes them. Called once by `serve` (and by tests). */
export function createMetrics(instrumentation: Instrumentation, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const eventsIn = new Counter({ name: 'streamscore_events_in_total', help: 'Events read from the source, by event type.', labelNames: ['type'], registers });
  const eventsOut = new Counter({ name: 'streamscore_events_out_total', help: 'Events processed and written to the sinks, by event type.', labelNames: ['type'], registers });
  const invalid = new Counter({
    name: 'streamscore_events_invalid_total',
    help: 'Events that failed validation and went to the dead-letter output, by the field at fault ("json" when the JSON itself was bad).',
    labelNames: ['reason'],
    registers,
  });
  const late = new Counter({
    name: 'streamscore_events_late_total',
    help: 'Events later than the allowed lateness behind their stream\'s newest event: scored with the state they find, not added to it.',
    registers,
  });
  const batchSize = new Histogram({ name: 'streamscore_batch_size', help: 'Events per batch handed to the engine.', buckets: BATCH_BUCKETS, registers });
  const latency = new Histogram({
    name: 'streamscore_event_to_score_seconds',
    help: 'Time from an event\'s timestamp to its score being written, in seconds.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const listsDelay = new Histogram({
    name: 'streamscore_recommendations_delay_seconds',
    help: 'Time from a batch being handed to the recommendations job on its own thread to the batch\'s lists being written, in seconds.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const lag = new Gauge({ name: 'streamscore_consumer_lag', help: 'Kafka consumer lag in messages, by topic and partition.', labelNames: ['topic', 'partition'], registers });
  const sinkErrors = new Counter({ name: 'streamscore_sink_errors_total', help: 'Failed sink operations, by sink (redis, kafka, deadletter).', labelNames: ['sink'], registers });
  const modelInfo = new Gauge({ name: 'streamscore_model_info', help: 'The loaded model and its version (always 1).', labelNames: ['model', 'version'], registers });
  const httpRequests = new Counter({ name: 'streamscore_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'method', 'status'], registers });
  const httpSeconds = new Histogram({ name: 'streamscore_http_request_duration_seconds', help: 'HTTP request handling time, by route.', labelNames: ['route'], buckets: HTTP_BUCKETS, registers });
  const modelRejected = new Counter({
    name: 'streamscore_model_rejected_total',
    help: 'Model files refused at a reload (bad structure, non-finite values, or a non-finite score on a canary row); the previous model kept serving.',
    labelNames: ['model'],
    registers,
  });
  const nonFinite = new Counter({
    name: 'streamscore_scores_non_finite_total',
    help: 'Purchases whose model score was not a finite number: decided "review", never "allow".',
    registers,
  });
  const sourceRetries = new Counter({
    name: 'streamscore_source_retries_total',
    help: 'Source batches that failed (a sink down, a commit refused) and are read again after a back-off, by stream.',
    labelNames: ['stream'],
    registers,
  });
  const sourceIdle = new Counter({
    name: 'streamscore_source_idle_waits_total',
    help: 'Times the event-time merge went on without a caught-up partition that stayed empty past KAFKA_IDLE_MS (the one case where the order of events can depend on timing), by stream.',
    labelNames: ['stream'],
    registers,
  });
  const batchesFailed = new Counter({
    name: 'streamscore_batches_split_total',
    help: 'Batches that threw in processing and were taken again one event at a time (only the event that throws is dead-lettered).',
    registers,
  });
  const wsConnections = new Gauge({ name: 'streamscore_ws_connections', help: 'Open WebSocket connections.', registers });
  const wsDrops = new Counter({
    name: 'streamscore_ws_backpressure_drops_total',
    help: 'WebSocket clients closed by the server because they did not read fast enough.',
    registers,
  });
  const checkpointPause = new Histogram({
    name: 'streamscore_checkpoint_pause_seconds',
    help: 'How long a checkpoint stopped the stream (copying the state between two batches), in seconds.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const checkpointSeconds = new Histogram({
    name: 'streamscore_checkpoint_duration_seconds',
    help: 'From a checkpoint\'s start to it being durable (written and flushed; the stream goes on meanwhile), in seconds.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const checkpointBytes = new Counter({ name: 'streamscore_checkpoint_written_bytes_total', help: 'Bytes of checkpoints written.', registers });
  const checkpoints = new Counter({ name: 'streamscore_checkpoints_total', help: 'Checkpoints written, by kind: whole (every image) or delta (the pages changed since the one before).', labelNames: ['kind'], registers });
  let lastCheckpoint = NaN;
  new Gauge({
    name: 'streamscore_checkpoint_age_seconds',
    help: 'Age of the newest checkpoint (written or restored from), in seconds; absent before the first.',
    registers,
    collect() {
      this.reset();
      if (!Number.isNaN(lastCheckpoint)) this.set((Date.now() - lastCheckpoint) / 1000);
    },
  });
  const checkpointsSkipped = new Counter({
    name: 'streamscore_checkpoints_skipped_total',
    help: 'Checkpoints found torn or corrupt at a restore and skipped for the one before.',
    registers,
  });
  const restoreSeconds = new Gauge({ name: 'streamscore_restore_seconds', help: 'How long the last restore took (reading, checking and loading the state), in seconds.', registers });
  const restoreBytes = new Gauge({ name: 'streamscore_restore_bytes', help: 'Size of the checkpoint the state was restored from, in bytes.', registers });
  const modelVersions = new Map<string, string>();

  const off = [
    instrumentation.on('events.in', (p) => eventsIn.inc({ type: p.type }, p.count)),
    instrumentation.on('events.out', (p) => eventsOut.inc({ type: p.type }, p.count)),
    instrumentation.on('event.invalid', (p) => invalid.inc({ reason: invalidReason(p.field) })),
    instrumentation.on('batch', (p) => batchSize.observe(p.size)),
    instrumentation.on('events.late', (p) => late.inc(p.count)),
    instrumentation.on('scores.written', (p) => {
      for (let i = 0; i < p.eventTimestamps.length; i++) latency.observe(Math.max(0, p.writtenAt - p.eventTimestamps[i]!) / 1000);
    }),
    instrumentation.on('lists.written', (p) => listsDelay.observe(p.seconds)),
    instrumentation.on('consumer.lag', (p) => lag.set({ topic: p.topic, partition: String(p.partition) }, p.lag)),
    instrumentation.on('sink.error', (p) => sinkErrors.inc({ sink: p.sink })),
    instrumentation.on('model.loaded', (p) => {
      // One series per model: a replaced version stops being reported.
      const previous = modelVersions.get(p.model);
      if (previous !== undefined) modelInfo.remove({ model: p.model, version: previous });
      modelVersions.set(p.model, p.version);
      modelInfo.set({ model: p.model, version: p.version }, 1);
    }),
    instrumentation.on('http.request', (p) => {
      httpRequests.inc({ route: p.route, method: p.method, status: String(p.status) });
      httpSeconds.observe({ route: p.route }, p.seconds);
    }),
    instrumentation.on('model.rejected', (p) => modelRejected.inc({ model: p.model })),
    instrumentation.on('scores.nonfinite', (p) => nonFinite.inc(p.count)),
    instrumentation.on('source.retry', (p) => sourceRetries.inc({ stream: p.stream })),
    instrumentation.on('source.idle', (p) => sourceIdle.inc({ stream: p.stream })),
    instrumentation.on('batch.failed', () => batchesFailed.inc()),
    instrumentation.on('ws.connection', (p) => (p.open ? wsConnections.inc() : wsConnections.dec())),
    instrumentation.on('ws.backpressure.drop', () => wsDrops.inc()),
    instrumentation.on('checkpoint', (p) => {
      checkpointPause.observe(p.pauseSeconds);
      checkpointSeconds.observe(p.seconds);
      checkpointBytes.inc(p.bytes);
      checkpoints.inc({ kind: p.delta ? 'delta' : 'whole' });
      lastCheckpoint = p.createdAt;
    }),
    instrumentation.on('checkpoint.skipped', () => checkpointsSkipped.inc()),
    instrumentation.on('restored', (p) => {
      restoreSeconds.set(p.seconds);
      restoreBytes.set(p.bytes);
      lastCheckpoint = p.createdAt;
    }),
  ];

  return {
    registry,
    get contentType() {
      return registry.contentType;
    },
    metrics: () => registry.metrics(),
    close: () => off.forEach((f) => f()),
  };
}
