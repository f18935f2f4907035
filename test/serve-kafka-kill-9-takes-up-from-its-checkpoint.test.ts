// `serve` on a Kafka consumer group with its checkpoints in a Kafka state
// topic, killed with SIGKILL at random points and started again each time
// with an empty state directory (as on another machine), ends with the
// feature log of a group that read the topic in one go, byte for byte: each
// restart loads the newest committed checkpoint from the topic and seeks
// every partition to the offsets it holds (whatever the group committed
// since), so every purchase is scored once, with the state of everything
// before it in the topic. (The output topics are at-least-once until
// checkpoints commit with them: docs/STATE.md.)

import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { Simulator } from '../host/simulator/simulator.js';
import { adminForFile, brokers, createTopic, kafka, unique, until } from './helpers/kafka-topics.js';
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
  const outputs = ['scores', 'alerts-fraud', 'alerts-stock', 'features', 'deadletter'].flatMap((t) => [`--kafka-topic-${t}`, '']);
  return startServe(
    ['--kafka-topic', topic, '--kafka-group', `${topic}-${run}`, '--kafka-from-beginning', 'true', '--state-topic', `${topic}-state`, '--checkpoint-interval', '0.3', '--feature-log', join(dir, `${run}.ndjson`), '--kafka-max-batch', '500', ...outputs],
    { KAFKA_BROKERS: brokers().join(','), KAFKAJS_LOG_LEVEL: 'nothing' },
  );
}

it('after kill -9, a Kafka group takes up from its checkpoint and scores each purchase once, as one that never stopped', async () => {
  await createTopic(admin, topic, 3);
  const events = new Simulator({ seed: 33, rate: 2 }).next(60_000);
  const purchases = events.filter((e) => e.type === 'purchase').length;
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < events.length; i += 2000) {
    await producer.send({ topic, acks: -1, messages: events.slice(i, i + 2000).map((e) => ({ key: 'userId' in e ? String(e.userId) : e.eventId, value: JSON.stringify(e) })) });
  }
  await producer.disconnect();

  const a = await serve('a');
  await until(`${purchases} purchases in a's feature log`, () => featureLines(join(dir, 'a.ndjson')) === purchases, 90_000);
  expect(await a.stop()).toBe(0);

  const logs: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b = await serve('b');
    await sleep(1500 + Math.random() * 1500);
    b.child.kill('SIGKILL');
    await b.stop();
    logs.push(b.log());
  }
  const b = await serve('b');
  await until(`${purchases} purchases in b's feature log`, () => featureLines(join(dir, 'b.ndjson')) >= purchases, 90_000);
  await sleep(500);
  expect(await b.stop()).toBe(0);
  logs.push(b.log());
  expect(logs.filter((l) => l.includes('state restored from')).length, logs.join('\n----\n')).toBeGreaterThanOrEqual(2);

  expect(purchases).toBeGreaterThan(300);
  const want = readFileSync(join(dir, 'a.ndjson'));
  const got = readFileSync(join(dir, 'b.ndjson'));
  expect(got.length).toBe(want.length);
  expect(got.equals(want)).toBe(true);
}, 240_000);
