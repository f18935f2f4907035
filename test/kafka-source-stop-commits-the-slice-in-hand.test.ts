// A clean stop: stop() called while onBatch holds a slice lets that slice
// finish, commits it, hands over no further slice, and only then resolves
// (leaving the group), so a restart resumes right after it with no duplicate.

import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { adminForFile, brokers, committed, createTopic, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const topic = unique('source-stop');
const groupId = unique('source-stop');

let source: KafkaSource | undefined;
const admin = adminForFile(() => [source]);

test('stop() waits for the slice in hand, commits it and takes no more', async () => {
  await createTopic(admin, topic, 1);
  await produceKeyed(topic, 500, 10);
  source = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, fromBeginning: true, maxBatchMessages: 100, logLevel: 'error' });

  const slices: { first: number; last: number; finished: boolean }[] = [];
  let stopAsked = false;
  const startedAfterStop: number[] = [];
  const running = source.run(async (messages) => {
    const slice = { first: parseWhere(messages[0]!.where).offset, last: parseWhere(messages[messages.length - 1]!.where).offset, finished: false };
    if (stopAsked) startedAfterStop.push(slice.first);
    slices.push(slice);
    await new Promise((r) => setTimeout(r, slices.length === 2 ? 1000 : 10));
    slice.finished = true;
  });

  await until('the second slice is in hand', () => slices.length === 2);
  stopAsked = true;
  const stopped = Date.now();
  await source.stop();
  await running;

  expect(Date.now() - stopped).toBeGreaterThan(500); // it waited for the slice
  expect(startedAfterStop).toEqual([]);
  expect(slices).toEqual([
    { first: 0, last: 99, finished: true },
    { first: 100, last: 199, finished: true },
  ]);
  expect((await committed(admin, groupId, topic)).get(0)).toBe(200);

  // A restart resumes at 200.
  const again = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, logLevel: 'error' });
  let firstAgain = -1;
  const rerun = again.run(async (messages) => {
    if (firstAgain < 0) firstAgain = parseWhere(messages[0]!.where).offset;
  });
  await until('the restart hands over a slice', () => firstAgain >= 0);
  await again.stop();
  await rerun;
  expect(firstAgain).toBe(200);
});
