// `serve` on a Kafka consumer group with its checkpoints in a Kafka state
// topic, killed with SIGKILL at random points and started again each time
// with an empty state directory (as on another machine), ends with the
// feature log of a group that read the topic in one go, byte for byte: each
// restart loads the newest committed checkpoint from the topic and seeks
// every partition to the offsets it holds (whatever the group committed
// since), so every purchase is scored once, with the state of everything
// before it in the topic. The scores topic, read read_committed, holds each
// purchase's score exactly once, as the unbroken group's: its outputs, the
// group's offsets and the checkpoint commit in one transaction, and what a
// killed process had written since its last checkpoint is aborted.

import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Simulator } from '../host/simulator/simulator.js';
import { adminForFile, brokers, createTopic, kafka, produceEvents, unique, until } from './helpers/kafka-topics.js';

/** The scores topic as a read_committed consumer sees it: each record without its scoredAt. */
async function committedScores(scoresTopic: string, atLeast: number): Promise<string[]> {
  const consumer = kafka().consumer({ groupId: unique('read-committed'), readUncommitted: false });
  const got: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [scoresTopic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString().replace(/,"scoredAt":\d+\}$/, '}')) });
  await until(`${atLeast} committed scores in ${scoresTopic}`, () => got.length >= atLeast, 60_000);
  await sleep(2000); // and nothing more
  await consumer.disconnect();
  return got;
}
import { startServe, type ServeProcess } from './helpers/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-kafka-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const admin = adminForFile();
const topic = unique('kill9');

function featureLines(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"kind":"features"')).length;
  } catch {
    return 0;
  }
}

async function serve(run: string): Promise<ServeProcess> {
  const outputs = ['alerts-fraud', 'alerts-stock', 'features', 'deadletter'].flatMap((t) => [`--kafka-topic-${t}`, '']).concat('--kafka-topic-scores', `${topic}-scores-${run}`);
  return startServe(
    ['--kafka-topic', topic, '--kafka-group', `${topic}-${run}`, '--kafka-from-beginning', 'true', '--state-topic', `${topic}-state`, '--checkpoint-interval', '1', '--feature-log', join(dir, `${run}.ndjson`), '--kafka-max-batch', '500', ...outputs],
    { KAFKA_BROKERS: brokers().join(','), KAFKAJS_LOG_LEVEL: 'nothing' },
    // A stop commits the last checkpoint's transaction: on loaded cores that can take a while.
    { killAfterMs: 90_000, startTimeoutMs: 60_000 },
  );
}

it('after kill -9, a Kafka group takes up from its checkpoint and scores each purchase once, as one that never stopped', async () => {
  await createTopic(admin, topic, 3);
  const events = new Simulator({ seed: 33, rate: 2 }).next(60_000);
  const purchases = events.filter((e) => e.type === 'purchase').length;
  await produceEvents(topic, events, 2000);

  const a = await serve('a');
  await until(`${purchases} purchases in a's feature log`, () => featureLines(join(dir, 'a.ndjson')) === purchases, 150_000);
  expect(await a.stop()).toBe(0);

  const logs: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b = await serve('b');
    // After a checkpoint of this run is committed, at a random point.
    await until('a checkpoint of this run', async () => /^streamscore_checkpoint_written_bytes_total [1-9]/m.test(await fetch(`${b.base}/metrics`).then((r) => r.text(), () => '')), 90_000);
    await sleep(Math.random() * 1500);
    b.child.kill('SIGKILL');
    await b.stop();
    logs.push(b.log());
  }
  const b = await serve('b');
  await until(`${purchases} purchases in b's feature log`, () => featureLines(join(dir, 'b.ndjson')) >= purchases, 150_000);
  await sleep(500);
  expect(await b.stop()).toBe(0);
  logs.push(b.log());
  expect(logs.filter((l) => l.includes('state restored from')).length, logs.join('\n----\n')).toBeGreaterThanOrEqual(3);

  expect(purchases).toBeGreaterThan(300);
  const want = readFileSync(join(dir, 'a.ndjson'));
  const got = readFileSync(join(dir, 'b.ndjson'));
  if (!got.equals(want)) {
    const a = want.toString().split('\n');
    const b = got.toString().split('\n');
    const at = a.findIndex((l, i) => l !== b[i]);

    expect.fail(`the feature logs differ first at line ${at + 1} of ${a.length}:\nunbroken: ${a[at]?.slice(0, 300)}\nrestored: ${b[at]?.slice(0, 300)}\n${logs.join('\n----\n')}`);
  }

  const scoresA = await committedScores(`${topic}-scores-a`, purchases);
  const scoresB = await committedScores(`${topic}-scores-b`, purchases);
  expect(scoresA).toHaveLength(purchases);
  expect(scoresB).toHaveLength(purchases);
  expect(new Set(scoresB.map((s) => JSON.parse(s).eventId)).size).toBe(purchases);
  expect([...scoresB].sort()).toEqual([...scoresA].sort());
}, 480_000);
