// Sink throughput: how many scored outputs per second the Kafka sink
// (every output topic, acks=-1, idempotent) and the Redis store (its SETs in
// one script call a flush) write on this machine, per batch size, with each write's latency.
// The outputs are real: simulated purchases scored by the shipped fraud
// model (85 features, three reasons each, a fraud alert per review or
// block). Writes are awaited one after the other, as the pipeline does.
// Reports only: never fails on a time.
//
//   npm run bench:sinks    # BENCH_OUTPUTS (60000) scored outputs per run, BENCH_REPEAT (3) runs per row,
//                          # BENCH_SINKS=kafka,redis (which sinks; both by default)
//
// The Redis part also compares the two ways of sending a flush's SETs: one
// call of the store's script (what it does) and a pipeline of SETs (what it
// did), by the CPU each costs this process and Redis per SET.
//
// Uses KAFKA_BROKERS / REDIS_URL when set, otherwise starts its own Kafka
// 3.9.2 and redis-server as `npm test` does (test/services/).

import { cpus, loadavg, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Simulator } from '../host/simulator/simulator.js';
import { createKafkaClient } from '../host/serve/kafka-client.js';
import type { TopicMessages } from 'kafkajs';
import { DEFAULT_OUTPUT_TOPICS, KafkaSink, createKafkaSink, type KafkaSinkOptions } from '../host/serve/kafka-sink.js';
import { SET_PX_SCRIPT, createRedisStore } from '../host/serve/redis-store.js';
import type { BatchOutput, FraudAlert, ScoredOutput } from '../host/core/ports.js';
import { fraudAlertRecord, num } from '../host/core/records.js';
import { startKafka } from '../test/services/kafka.js';
import { startRedis } from '../test/services/redis.js';

const OUTPUTS = Number(process.env.BENCH_OUTPUTS ?? 60_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const BATCHES = [100, 1000];
const SINKS = new Set((process.env.BENCH_SINKS ?? 'kafka,redis').split(',').map((x) => x.trim()));
const MODEL = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'models', 'fraud-ecommerce.txt');
const log = (line: string) => process.stderr.write(line + '\n');

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/**
 * Real scored purchases: the simulator's events through the shipped fraud
 * model and the WASM feature code, as `serve` scores them (85 features, 3
 * reasons each). Made once; batches cycle through them.
 */
function scoredPool(count: number): ScoredOutput[] {
  const sim = new Simulator({ seed: 7 });
  const scorer = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const pool: ScoredOutput[] = [];
  while (pool.length < count) {
    for (const s of scorer.process(sim.next(4096)).scored) pool.push({ ...s, features: Float64Array.from(s.features) });
  }
  return pool.slice(0, count);
}

let pool: ScoredOutput[] = [];

/** Batch number `batchNo` of `size` scored purchases, with the fraud alerts the pipeline would raise. */
function makeBatch(size: number, batchNo: number): BatchOutput {
  const scores: ScoredOutput[] = [];
  const alerts: FraudAlert[] = [];
  for (let i = 0; i < size; i++) {
    // A fresh purchase each time, as the pipeline's are: its score record not yet written.
    const s: ScoredOutput = { ...pool[(batchNo * size + i) % pool.length]!, record: undefined };
    scores.push(s);
    if (s.decision !== 'allow') {
      alerts.push({ topic: 'alerts.fraud', ts: s.ts, eventId: s.eventId, userId: s.userId, amount: s.amount, fraudScore: s.fraudScore, decision: s.decision, reasons: s.reasons, record: fraudAlertRecord(s) });
    }
  }
  return { scores, alerts, deadLetters: [], recommendations: [], inventory: [] };
}

interface Run {
  perSecond: number;
  writeP50: number;
  writeP99: number;
}

/** Writes OUTPUTS scored outputs in batches of `size`, one write at a time. */
async function timed(write: (b: BatchOutput) => Promise<void>, size: number): Promise<Run> {
  const batches = Array.from({ length: Math.ceil(OUTPUTS / size) }, (_, i) => makeBatch(size, i));
  const writes: number[] = [];
  const started = performance.now();
  for (const b of batches) {
    const t = performance.now();
    await write(b);
    writes.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (batches.length * size) / seconds, writeP50: quantile(writes, 0.5), writeP99: quantile(writes, 0.99) };
}

async function repeatRuns(make: () => Promise<Run>): Promise<{ median: Run; min: number; max: number }> {
  const runs: Run[] = [];
  for (let r = 0; r < REPEAT; r++) runs.push(await make());
  const rates = runs.map((r) => r.perSecond);
  const mid = runs.find((r) => r.perSecond === median(rates))!;
  return { median: mid, min: Math.min(...rates), max: Math.max(...rates) };
}

/**
 * For comparison only: the feature log with the names in every record
 * ({"amount":120.5,...}), the form not chosen.
 */
class NamedFeatureLog extends KafkaSink {
  private readonly featuresTopic: string;
  private readonly keys = FEATURE_NAMES.map((n) => `${JSON.stringify(n)}:`);
  constructor(options: KafkaSinkOptions) {
    super({ ...options, topics: { ...options.topics, features: null } });
    this.featuresTopic = options.topics!.features!;
  }
  override messages(out: BatchOutput, scoredAt = Date.now()): TopicMessages[] {
    const result = super.messages(out, scoredAt);
    result.push({
      topic: this.featuresTopic,
      messages: out.scores.map((s) => {
        let named = '';
        for (let i = 0; i < s.features.length; i++) named += (i === 0 ? '' : ',') + this.keys[i] + num(s.features[i]!);
        return {
          key: s.eventId,
          value: `{"kind":"features","eventId":${JSON.stringify(s.eventId)},"userId":${JSON.stringify(s.userId)},"ts":${num(s.ts)},"fraudScore":${num(s.fraudScore)},"scoredAt":${scoredAt},"features":{${named}}}`,
        };
      }),
    });
    return result;
  }
}

async function kafkaRows(brokers: string[]): Promise<string> {
  const variants: { name: string; options: Partial<KafkaSinkOptions>; make?: (o: KafkaSinkOptions) => KafkaSink }[] = [
    { name: 'all topics (default)', options: {} },
    { name: 'all topics, gzip', options: { compression: 'gzip' } },
    { name: 'all topics, features named in each record (not shipped)', options: {}, make: (o) => new NamedFeatureLog(o) },
    { name: 'no feature log', options: { topics: { features: null } } },
    { name: 'all topics, not idempotent', options: { idempotent: false } },
  ];
  const rows: (string | number)[][] = [];
  let runNo = 0;
  for (const v of variants) {
    for (const size of BATCHES) {
      // Each run on fresh topics, so no run appends to another's partitions.
      const result = await repeatRuns(async () => {
        const prefix = `bench-${process.pid}-${runNo++}`;
        const sink = (v.make ?? createKafkaSink)({
          brokers,
          logLevel: 'nothing',
          ...v.options,
          topics: {
            scores: `${prefix}.scores`,
            fraudAlerts: `${prefix}.alerts.fraud`,
            stockAlerts: `${prefix}.alerts.stock`,
            features: `${prefix}.features`,
            deadLetters: `${prefix}.deadletter`,
            ...v.options.topics,
          },
        });
        // Topics made beforehand, leaders elected: a topic auto-created by the
        // first write stalls the writes after it for a while (metadata).
        const admin = createKafkaClient({ brokers, logLevel: 'nothing' }).admin();
        await admin.connect();
        await admin.createTopics({ topics: Object.values(sink.topics).filter((t): t is string => t !== null).map((topic) => ({ topic, numPartitions: 4 })), waitForLeaders: true });
        await admin.disconnect();
        await sink.connect();
        // Warm-up: not timed.
        for (let i = 0; i < 5; i++) await sink.write(makeBatch(size, 1e6 + i));
        const run = await timed((b) => sink.write(b), size);
        await sink.close();
        return run;
      });
      const bytes = bytesPerOutput(v.options, v.make);
      rows.push([
        v.name,
        size,
        fmt(result.median.perSecond),
        `${fmt(result.min)}–${fmt(result.max)}`,
        fmt((result.median.perSecond * bytes) / 1e6),
        fmt(result.median.writeP50),
        fmt(result.median.writeP99),
      ]);
      log(`kafka ${v.name} batch ${size}: ${fmt(result.median.perSecond)} outputs/s`);
    }
  }
  return table(['Kafka sink', 'batch', 'scored outputs/s (median)', 'range of runs', 'MB/s of message values (before compression)', 'write p50 (ms)', 'write p99 (ms)'], rows);
}

/**
 * Bytes per scored output on each topic, as produced and gzip'd in slices of
 * 250 messages (about one partition's share of a batch of 1,000).
 */
function sizes(): string {
  const sink = createKafkaSink({ brokers: ['127.0.0.1:1'], logLevel: 'nothing' });
  const b = makeBatch(1000, 0);
  const named = new NamedFeatureLog({ brokers: ['127.0.0.1:1'], logLevel: 'nothing', topics: { ...DEFAULT_OUTPUT_TOPICS, features: 'features named in each record (not shipped)' } });
  const all = [...sink.messages(b), ...named.messages(b).filter((t) => t.topic.startsWith('features named'))];
  const rows = all.map(({ topic, messages }) => {
    const values = messages.map((m) => Buffer.from(m.value as string));
    let zipped = 0;
    for (let i = 0; i < values.length; i += 250) zipped += gzipSync(Buffer.concat(values.slice(i, i + 250))).length;
    const raw = values.reduce((n, v) => n + v.length, 0);
    return [topic, messages.length, fmt(raw / messages.length), fmt(zipped / messages.length)];
  });
  return table(['topic', 'messages per 1,000 scored outputs', 'bytes per message', 'gzip\'d bytes per message'], rows);
}

/** Message value bytes per scored output (before compression). */
function bytesPerOutput(options: Partial<KafkaSinkOptions>, make: (o: KafkaSinkOptions) => KafkaSink = createKafkaSink): number {
  const sink = make({ brokers: ['127.0.0.1:1'], logLevel: 'nothing', ...options, topics: { ...DEFAULT_OUTPUT_TOPICS, ...options.topics } });
  const b = makeBatch(1000, 0);
  const total = sink.messages(b).flatMap((t) => t.messages).reduce((n, m) => n + Buffer.byteLength(m.value as string), 0);
  return total / b.scores.length;
}

async function redisRows(url: string): Promise<string> {
  const rows: (string | number)[][] = [];
  let runNo = 0;
  for (const size of BATCHES) {
    const result = await repeatRuns(async () => {
      const store = createRedisStore({ url, keyPrefix: `bench:${process.pid}:${runNo++}:` });
      await store.waitUntilReady(5000);
      const run = await timed((b) => store.write(b), size);
      await store.close();
      return run;
    });
    // Two SETs per scored output: the score by eventId and the user's latest.
    rows.push([
      size,
      fmt(result.median.perSecond),
      `${fmt(result.min)}–${fmt(result.max)}`,
      fmt(result.median.perSecond * 2),
      fmt(result.median.writeP50),
      fmt(result.median.writeP99),
    ]);
    log(`redis batch ${size}: ${fmt(result.median.perSecond)} outputs/s`);
  }
  return table(['Redis store, batch', 'scored outputs/s (median)', 'range of runs', 'SETs/s', 'write p50 (ms)', 'write p99 (ms)'], rows);
}

/** Deletes what the bench wrote: every key matching `pattern`. */
async function unlinkMatching(raw: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    if (keys.length > 0) await raw.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * A flush's 1,000 SETs of a 20-item recommendation list, sent as one call of
 * the store's script and as a pipeline of SETs, alternately, 200 flushes
 * each per run: the CPU per SET of this process (the client: serve's main
 * thread) and of redis-server (INFO cpu), median of 3 runs.
 */
async function redisWriteWays(url: string): Promise<string> {
  const raw = new Redis(url);
  raw.defineCommand('benchSetPx', { lua: SET_PX_SCRIPT });
  const list = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ itemId: `item-${(i * 37) % 2000}`, score: Math.random() })));
  const keys = (f: number) => Array.from({ length: 1000 }, (_, i) => `bench-ways:${process.pid}:user-${(f * 1000 + i) % 50_000}`);
  const ways: Record<string, (k: string[]) => Promise<unknown>> = {
    'one script call (the store)': (k) => (raw as unknown as { benchSetPx(n: number, ...a: string[]): Promise<unknown> }).benchSetPx(k.length, ...k, ...k.flatMap(() => [list, '3600000'])),
    'a pipeline of SETs (before)': (k) => {
      const p = raw.pipeline();
      for (const key of k) p.set(key, list, 'PX', 3_600_000);
      return p.exec();
    },
  };
  const redisCpu = async () => {
    const info = await raw.info('cpu');
    return Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]);
  };
  const runs: Record<string, { client: number; server: number; wall: number }[]> = {};
  for (let r = 0; r < 3; r++) {
    for (const [name, send] of Object.entries(ways)) {
      const flushes = 200;
      const s0 = await redisCpu();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let f = 0; f < flushes; f++) await send(keys(f));
      const c = process.cpuUsage(c0);
      const wall = performance.now() - t0;
      const s1 = await redisCpu();
      const n = flushes * 1000;
      (runs[name] ??= []).push({ client: (c.user + c.system) / n, server: ((s1 - s0) * 1e6) / n, wall: (wall * 1000) / n });
    }
  }
  await unlinkMatching(raw, `bench-ways:${process.pid}:*`);
  raw.disconnect();
  const rows = Object.entries(runs).map(([name, rs]) => [
    name,
    fmt(median(rs.map((x) => x.client))),
    fmt(median(rs.map((x) => x.server))),
    fmt(median(rs.map((x) => x.client + x.server))),
    fmt(median(rs.map((x) => x.wall))),
  ]);
  log('redis write ways done');
  return table(['Redis flush of 1,000 SETs', 'client CPU µs a SET', 'redis-server CPU µs a SET', 'both', 'wall µs a SET'], rows);
}

/** Redis memory per scored purchase (its two keys), from INFO before and after 50,000 of them. */
async function redisMemory(url: string): Promise<string> {
  const raw = new Redis(url);
  const used = async () => Number(/used_memory:(\d+)/.exec(await raw.info('memory'))![1]);
  const prefix = `bench-mem:${process.pid}:`;
  const store = createRedisStore({ url, keyPrefix: prefix });
  await store.waitUntilReady(5000);
  const before = await used();
  const n = 50_000;
  for (let i = 0; i < n / 1000; i++) {
    const b = makeBatch(1000, i);
    // Distinct events and users: two new keys per score, as with many users.
    b.scores = b.scores.map((s, j) => ({ ...s, eventId: `mem-${i}-${j}`, userId: `mem-user-${i}-${j}` }));
    await store.write(b);
  }
  const after = await used();
  await store.close();
  await unlinkMatching(raw, `${prefix}*`);
  raw.disconnect();
  return `Redis memory per scored purchase (two keys, three reasons, 1-hour TTL): ${fmt((after - before) / n)} bytes (used_memory over ${n.toLocaleString('en-US')} purchases).`;
}

async function main(): Promise<void> {
  const envBrokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  const kafka = envBrokers?.length || !SINKS.has('kafka') ? null : await startKafka(log);
  const redis = process.env.REDIS_URL || !SINKS.has('redis') ? null : await startRedis(log);
  const brokers = envBrokers?.length ? envBrokers : (kafka?.brokers ?? []);
  const url = process.env.REDIS_URL ?? redis?.url ?? '';
  try {
    pool = scoredPool(20_000);
    const alerts = pool.filter((s) => s.decision !== 'allow').length;
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    const out = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; Kafka and Redis on the same machine over loopback. Load average at start: ${load}.`,
      `${OUTPUTS.toLocaleString('en-US')} scored outputs per run, ${REPEAT} runs per row; one write at a time. The outputs: ${pool.length.toLocaleString('en-US')} simulated purchases scored by the shipped fraud model (${(100 * alerts / pool.length).toFixed(1)}% review or block, so as many fraud alerts), cycled.`,
      '',
      ...(SINKS.has('kafka') ? [sizes(), '', await kafkaRows(brokers), ''] : []),
      ...(SINKS.has('redis') ? [await redisRows(url), '', await redisWriteWays(url), '', await redisMemory(url), ''] : []),
      `Load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    ];
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await kafka?.stop();
    await redis?.stop();
  }
}

await main();
