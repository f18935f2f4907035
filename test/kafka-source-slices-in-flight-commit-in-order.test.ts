// With maxSlicesInFlight > 1 (what `serve` runs with) the Kafka source hands
// the next slice over before the last one's write resolved, but still
// commits only what is written, in order: a later slice written first does
// not move the commit past an earlier unwritten one; at most
// maxSlicesInFlight slices of a partition are unwritten at once; and a failed
// write commits nothing after it, so its slice and those after it are
// delivered again (at-least-once, nothing skipped) once the writes after it
// have settled.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { adminForFile, brokers, committed, createTopic, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const topic = unique('source-in-flight');
const groupId = unique('source-in-flight');

let source: KafkaSource | undefined;
const admin = adminForFile(() => [source]);

interface Slice {
  first: number;
  last: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

test('slices overlap their writes, commits stay in order and after the write, a failed write is delivered again', async () => {
  await createTopic(admin, topic, 1);
  await produceKeyed(topic, 1000, 10);
  source = createKafkaSource({
    brokers: brokers(),
    topics: [topic],
    groupId,
    fromBeginning: true,
    maxBatchMessages: 100,
    maxSlicesInFlight: 3,
    logLevel: 'nothing',
  });

  const slices: Slice[] = [];
  let unsettled = 0;
  let maxUnsettled = 0;
  const running = source.run((messages) => {
    const first = parseWhere(messages[0]!.where).offset;
    const last = parseWhere(messages[messages.length - 1]!.where).offset;
    unsettled++;
    maxUnsettled = Math.max(maxUnsettled, unsettled);
    return new Promise<void>((resolve, reject) => {
      const s: Slice = {
        first,
        last,
        settled: false,
        resolve: () => {
          s.settled = true;
          unsettled--;
          resolve();
        },
        reject: (e) => {
          s.settled = true;
          unsettled--;
          reject(e);
        },
      };
      slices.push(s);
    });
  });
  const commit = async () => (await committed(admin, groupId, topic)).get(0) ?? -1;

  // Three slices are handed over with none written: the writes overlap.
  await until('three slices in hand', () => slices.length === 3);
  await new Promise((r) => setTimeout(r, 300));
  expect(slices.map((s) => s.first), 'no fourth slice while three are unwritten').toEqual([0, 100, 200]);
  expect(await commit(), 'nothing committed while no slice is written').toBeLessThanOrEqual(0);

  // The second and third written first: nothing may be committed past slice 1.
  slices[1]!.resolve();
  slices[2]!.resolve();
  await new Promise((r) => setTimeout(r, 500));
  expect(await commit(), 'nothing committed past the unwritten slice 1').toBeLessThanOrEqual(0);

  // Slice 1 written: the commit moves past all three.
  slices[0]!.resolve();
  await until('committed to 300', async () => (await commit()) === 300);

  // Slices 4 and 5 come; slice 4's write fails while 5 is written.
  await until('slices 4 and 5 in hand', () => slices.length >= 5);
  expect(slices.map((s) => s.first).slice(0, 5), 'slices 4 and 5').toEqual([0, 100, 200, 300, 400]);
  slices[3]!.reject(new Error('sink down'));
  // The writes after it (5, and 6 if it was handed over) succeed: the batch ends once they settled.
  for (const s of slices.slice(4)) if (!s.settled) s.resolve();
  // The failed slice comes again (kafkajs restarts the batch from the last commit), and nothing past it was committed.
  await until('slice 4 delivered again', () => slices.slice(5).some((s) => s.first === 300), 30_000);
  expect(await commit(), 'nothing committed past the failed slice').toBe(300);

  // From here on every write succeeds: everything ends up committed, in order.
  const settleAll = setInterval(() => {
    for (const s of slices) if (!s.settled) s.resolve();
  }, 20);
  try {
    await until('committed to the end', async () => (await commit()) === 1000, 30_000);
  } finally {
    clearInterval(settleAll);
  }
  await source.stop();
  await running;

  expect(maxUnsettled, 'slices unwritten at once').toBeLessThanOrEqual(3);
  // After the failure, delivery restarted at 300 and went on in order.
  const again = slices.slice(slices.findIndex((s, i) => i >= 5 && s.first === 300));
  expect(again.map((s) => s.first), `delivered again from 300, in order (all: ${slices.map((s) => s.first).join(',')})`).toEqual(again.map((_, i) => 300 + i * 100));
  expect(again.at(-1)!.last).toBe(999);
}, 90_000);

test('stop() with slices in flight waits for their writes, commits them and hands over no more', async () => {
  const topic2 = unique('source-in-flight-stop');
  const group2 = unique('source-in-flight-stop');
  await createTopic(admin, topic2, 1);
  await produceKeyed(topic2, 500, 10);
  const s = createKafkaSource({ brokers: brokers(), topics: [topic2], groupId: group2, fromBeginning: true, maxBatchMessages: 100, maxSlicesInFlight: 2, logLevel: 'error' });
  const handed: number[] = [];
  let stopAsked = false;
  const afterStop: number[] = [];
  const running = s.run((messages) => {
    const first = parseWhere(messages[0]!.where).offset;
    if (stopAsked) afterStop.push(first);
    handed.push(first);
    return new Promise<void>((r) => setTimeout(r, 700));
  });
  await until('two slices in hand', () => handed.length === 2);
  stopAsked = true;
  const t0 = Date.now();
  await s.stop();
  await running;
  expect(Date.now() - t0).toBeGreaterThan(300); // it waited for the writes
  expect(afterStop).toEqual([]);
  expect(handed).toEqual([0, 100]);
  expect((await committed(admin, group2, topic2)).get(0)).toBe(200);
}, 60_000);
