// The stream's outputs are a function of the topic's contents, not of fetch
// timing: two consumer groups read the same 3-partition topic of simulated
// shop traffic (fraud patterns included, events keyed by user) through the
// real fraud pipeline, one in slices of 37 with small fetches and two slices
// in flight, the other in slices of 2,000 with large fetches, and every
// purchase gets the same feature row and score, bit for bit. Without the
// event-time merge the partitions' events interleave as fetched, windows
// expire by whichever partition ran ahead, and the rows differ.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource, type KafkaSourceOptions } from '../host/serve/kafka-source.js';
import { Simulator } from '../host/simulator/simulator.js';
import { adminForFile, brokers, createTopic, produceEvents, unique, until } from './helpers/kafka-topics.js';
import { capturedPipeline } from './helpers/captured-pipeline.js';

const topic = unique('two-groups');
const EVENTS = 12_000;

const sources: KafkaSource[] = [];
const admin = adminForFile(() => sources);

/** Every purchase's feature row and score as bytes, by eventId, read by a fresh group with these settings. */
async function readAll(purchases: number, options: Partial<KafkaSourceOptions>): Promise<Map<string, string>> {
  const { pipeline, scores, metrics } = capturedPipeline();
  const source = createKafkaSource({ brokers: brokers(), topics: [topic], groupId: unique('two-groups'), fromBeginning: true, logLevel: 'error', ...options });
  sources.push(source);
  const running = source.run((batch) => pipeline.handle(batch));
  await until(`${purchases} scores`, () => scores.length >= purchases, 60_000);
  await source.stop();
  await running;
  metrics.close();
  const rows = new Map<string, string>();
  for (const s of scores) rows.set(s.eventId, Buffer.from(Float64Array.from([...Array.from(s.features), s.fraudScore]).buffer).toString('hex'));
  return rows;
}

test('two groups over one topic score every purchase with the same features, bit for bit', async () => {
  await createTopic(admin, topic, 3);
  const sim = new Simulator({ seed: 21, rate: 200, fraud: { 'card-testing': 20, 'account-takeover': 20, 'device-farm': 20, 'velocity-burst': 20 } });
  const events = sim.next(EVENTS);
  const purchases = events.filter((e) => e.type === 'purchase').length;
  await produceEvents(topic, events);

  const small = await readAll(purchases, { maxBatchMessages: 37, maxBytesPerPartition: 16 * 1024, maxSlicesInFlight: 2 });
  const large = await readAll(purchases, { maxBatchMessages: 2000, maxBytesPerPartition: 4 << 20 });
  expect(small.size).toBe(purchases);
  expect(large.size).toBe(purchases);
  const differ = [...small].filter(([id, row]) => large.get(id) !== row).map(([id]) => id);
  expect(differ.length, `purchases whose row or score differ: ${differ.slice(0, 5).join(', ')}`).toBe(0);
}, 120_000);
