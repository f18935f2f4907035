// GET /metrics serves Prometheus text: the declared instrumentation events
// show up as conventionally named metrics, next to the default Node metrics.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('instrumentation events become metrics with conventional names and units', async () => {
  const i = t.instrumentation;
  i.emit('events.in', { type: 'purchase', count: 7 });
  i.emit('events.in', { type: 'view', count: 3 });
  i.emit('events.out', { type: 'purchase', count: 6 });
  i.emit('event.invalid', { reason: 'amount: must be a finite number', field: 'amount' });
  i.emit('event.invalid', { reason: 'itemIds[2]: must be a non-empty string', field: 'itemIds[2]' });
  i.emit('event.invalid', { reason: 'not valid JSON' });
  i.emit('batch', { size: 100 });
  const now = Date.now();
  i.emit('scores.written', { eventTimestamps: [now - 3, now - 40, now - 2000], writtenAt: now });
  i.emit('lists.written', { seconds: 0.03 });
  i.emit('consumer.lag', { topic: 'events', partition: 2, lag: 42 });
  i.emit('sink.error', { sink: 'redis', error: new Error('ECONNRESET') });
  i.emit('model.loaded', { model: 'fraud', version: 'v1' });
  i.emit('model.loaded', { model: 'fraud', version: 'v2' });
  i.emit('model.rejected', { model: 'fraud', reason: 'tree 0: leaf 1 value NaN is not finite' });
  i.emit('scores.nonfinite', { count: 2 });
  i.emit('source.retry', { source: 'kafka', stream: 'events[1]', attempt: 1, delayMs: 100, error: new Error('down') });
  i.emit('source.retry', { source: 'kafka', stream: 'events[1]', attempt: 2, delayMs: 200, error: new Error('down') });
  i.emit('batch.failed', { size: 10, error: new Error('boom') });

  const r = await fetch(`${t.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await r.text();

  expect(value(text, 'streamscore_events_in_total{type="purchase"}')).toBe(7);
  expect(value(text, 'streamscore_events_in_total{type="view"}')).toBe(3);
  expect(value(text, 'streamscore_events_out_total{type="purchase"}')).toBe(6);
  expect(value(text, 'streamscore_events_invalid_total{reason="amount"}')).toBe(1);
  expect(value(text, 'streamscore_events_invalid_total{reason="itemIds"}')).toBe(1);
  expect(value(text, 'streamscore_events_invalid_total{reason="json"}')).toBe(1);
  expect(value(text, 'streamscore_batch_size_count')).toBe(1);
  expect(value(text, 'streamscore_batch_size_sum')).toBe(100);
  expect(value(text, 'streamscore_event_to_score_seconds_count')).toBe(3);
  expect(value(text, 'streamscore_event_to_score_seconds_bucket{le="0.005"}')).toBe(1);
  expect(value(text, 'streamscore_event_to_score_seconds_bucket{le="0.05"}')).toBe(2);
  expect(value(text, 'streamscore_event_to_score_seconds_sum')).toBeCloseTo(2.043, 6);
  expect(value(text, 'streamscore_recommendations_delay_seconds_count')).toBe(1);
  expect(value(text, 'streamscore_recommendations_delay_seconds_bucket{le="0.025"}')).toBe(0);
  expect(value(text, 'streamscore_recommendations_delay_seconds_bucket{le="0.05"}')).toBe(1);
  expect(value(text, 'streamscore_consumer_lag{topic="events",partition="2"}')).toBe(42);
  expect(value(text, 'streamscore_sink_errors_total{sink="redis"}')).toBe(1);
  // A replaced model version stops being reported.
  expect(value(text, 'streamscore_model_info{model="fraud",version="v2"}')).toBe(1);
  expect(text).not.toContain('version="v1"');
  expect(value(text, 'streamscore_model_rejected_total{model="fraud"}')).toBe(1);
  expect(value(text, 'streamscore_scores_non_finite_total')).toBe(2);
  expect(value(text, 'streamscore_source_retries_total{stream="events[1]"}')).toBe(2);
  expect(value(text, 'streamscore_batches_split_total')).toBe(1);
  // Default Node metrics.
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  expect(text).toMatch(/^# TYPE streamscore_event_to_score_seconds histogram$/m);
});

test('the server reports its own requests', async () => {
  await fetch(`${t.url}/health`);
  const text = await (await fetch(`${t.url}/metrics`)).text();
  expect(value(text, 'streamscore_http_requests_total{route="/health",method="GET",status="200"}')).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/^streamscore_http_request_duration_seconds_count\{route="\/health"\} \d/m);
});
