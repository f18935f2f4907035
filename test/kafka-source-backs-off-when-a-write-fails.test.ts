// A slice whose write fails for a reason that is not its events' (a sink
// down) is read again after a back-off that doubles per failure in a row,
// never in a hot loop: each failure is logged and emitted (source.retry),
// /ready says which partition fails while it does, and once the write goes
// through the partition moves on and is committed to its end. With one
// slice in flight and with two.

import { describe, expect, it } from 'vitest';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { adminForFile, brokers, committed, createTopic, ends, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const sources: KafkaSource[] = [];
const admin = adminForFile(() => sources);

describe.each([1, 2])('the Kafka source with %i slice(s) in flight', (inFlight) => {
  it('backs off on a failing write, says so, and moves on once it goes through', async () => {
    const topic = unique('backoff');
    const groupId = unique('backoff');
    await createTopic(admin, topic, 1);
    await produceKeyed(topic, 50, 5);

    const instrumentation = createInstrumentation();
    const retries: { attempt: number; delayMs: number }[] = [];
    instrumentation.on('source.retry', (p) => retries.push({ attempt: p.attempt, delayMs: p.delayMs }));
    const lines: string[] = [];
    const source = createKafkaSource({
      brokers: brokers(),
      topics: [topic],
      groupId,
      fromBeginning: true,
      maxSlicesInFlight: inFlight,
      logLevel: 'nothing',
      instrumentation,
      log: (l) => lines.push(l),
      retryMinMs: 200,
      retryMaxMs: 2000,
    });
    sources.push(source);
    const FAILURES = 4;
    const calls: number[] = [];
    let readinessWhileFailing: { ok: boolean; detail?: string } | null = null;
    let delivered = 0;
    const running = source.run(async (messages) => {
      calls.push(performance.now());
      if (calls.length <= FAILURES) {
        if (calls.length === FAILURES) readinessWhileFailing = source.readiness();
        throw new Error('redis is down');
      }
      delivered += messages.length;
    });

    const end = await ends(admin, topic);
    await until('committed to the end', async () => (await committed(admin, groupId, topic)).get(0) === end.get(0), 30_000);
    expect(delivered).toBeGreaterThanOrEqual(50);

    // Each failure waited twice as long as the one before (200, 400, 800, 1600 ms).
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(retries.map((r) => r.delayMs)).toEqual([200, 400, 800, 1600]);
    for (let k = 1; k <= FAILURES; k++) expect(calls[k]! - calls[k - 1]!).toBeGreaterThanOrEqual(retries[k - 1]!.delayMs - 20);
    expect(readinessWhileFailing!.ok).toBe(false);
    expect(readinessWhileFailing!.detail).toMatch(new RegExp(`^${topic}\\[0\\] failing \\(3 in a row.*redis is down`));
    expect(lines.filter((l) => l.includes('reading every partition again from its last commit in')).length).toBe(FAILURES);
    await until('the partition said to move again', () => /moves again/.test(lines.at(-1) ?? ''), 10_000);
    expect(source.readiness().ok).toBe(true);

    await source.stop();
    await running;
  });
});
