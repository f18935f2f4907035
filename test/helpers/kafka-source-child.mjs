// A Kafka source in a process of its own, for a test to SIGKILL mid-stream.
// Prints one JSON line when a slice is handed over ("start") and one when
// its onBatch resolves ("done"); each onBatch takes DELAY_MS.
//
//   node kafka-source-child.mjs   (env: BROKERS, TOPIC, GROUP, DELAY_MS, MAX_BATCH)

import { createKafkaSource } from '../../dist/host/serve/kafka-source.js';

const env = process.env;
const source = createKafkaSource({
  brokers: env.BROKERS.split(','),
  topics: [env.TOPIC],
  groupId: env.GROUP,
  fromBeginning: true,
  maxBatchMessages: Number(env.MAX_BATCH ?? 50),
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  logLevel: 'error',
});
const delay = Number(env.DELAY_MS ?? 50);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

await source.run(async (messages) => {
  const wheres = messages.map((m) => m.where);
  say({ event: 'start', wheres });
  await new Promise((r) => setTimeout(r, delay));
  say({ event: 'done', wheres });
});
