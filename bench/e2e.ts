// End to end through real Kafka and Redis: `npm run bench:e2e`.
//
// Starts Kafka 3.9.2 and redis-server with the test services
// (test/services/), creates the events topic (4 partitions) and the output
// topics, and runs `streamscore serve` as its own process in service mode
// (KAFKA_BROKERS, REDIS_URL, the default fraud model). A load generator in
// another process (bench/lib/e2e-producer.ts) produces the simulator's mix
// to the events topic, every event stamped with the time it is produced.
//
// Phases, each measured over a steady window (its first WARMUP seconds left out):
//   warm-up  2,000 events/s for a few seconds: the consumer joins, JIT warms
//   max      the sustained maximum with the generator running: it keeps a
//            bounded backlog (BACKLOG events) in the topic, so serve always
//            has work and the topic never fills; events processed/s from
//            serve's own counter streamscore_events_out_total, and the
//            consumer lag (committed offsets against the log end) must not grow
//   levels   25%, 50% and 90% of that maximum, at a fixed rate (open loop)
//   drain    serve alone: stopped, DRAIN_SECONDS of the maximum written to the
//            topic, restarted under --cpu-prof and timed over the middle 80%
//            of the backlog with the generator idle; the profile says where
//            serve's CPU goes
//
// Every window also records the CPU of serve, the Kafka JVM, redis-server
// and the generator (/proc/<pid>/stat), the whole machine's (/proc/stat) and
// so the CPU of other work on the shared machine, and the load average.
//
// Pauses, to say where slow scores come from: the broker's GC pauses (its
// unified GC log, turned on at start with `jcmd <pid> VM.log`), the
// generator's own pauses (its GC, its event loop late by 20 ms or more),
// and serve's GC pauses (prom-client's histogram) and event-loop delay. Each
// score slower than 50 ms is counted against the pauses that overlapped its
// way from event ts to score appended.
//
// Latency, exact and per event: the scores topic is created with
// message.timestamp.type=LogAppendTime, so every score message carries the
// broker's clock at the moment it was appended; the message also carries the
// event's ts (the generator's clock at producing: one machine, one clock) and
// serve's scoredAt (when its batch finished scoring). After the run the topic
// is read back and each scored purchase whose ts falls in a phase's window
// gives append - ts exactly (1 ms resolution). Reading it after the run costs
// the measured phases nothing. serve's histogram
// streamscore_event_to_score_seconds (ts to both sinks written, Redis
// included) is reported beside it, interpolated within its buckets, as a
// cross-check. Only purchases are scored, so latencies are over purchases
// (3.4% of the mix); throughput is over all events.
//
// The events topic is LogAppendTime as well, and its level windows are read
// back too (by offsets for their times): each purchase's arrival in Kafka
// splits the latency into producing (ts -> event appended: the generator
// and its produce request) and Kafka in -> Kafka out (event appended ->
// score appended: serve consuming, scoring and writing, on the broker's
// clock alone), which leaves the load generator out.
//
// Settings (environment): BENCH_MAX_SECONDS (20), BENCH_LEVEL_SECONDS (20),
// BENCH_WARMUP_SECONDS (5, left out of each window), BENCH_LEVELS
// (0.25,0.5,0.9), BENCH_BACKLOG (100000), BENCH_DRAIN_SECONDS (20; 0 skips
// the drain and the profile), BENCH_SIM_RATE (5000: the simulator's own events/s of event
// time) and BENCH_SIM_SKIP_SECONDS (360: event time run through before
// pooling, for the steady mix; see bench/lib/e2e-producer.ts), BENCH_OUT
// (JSON results; default a temp file; the per-score times go beside it as CSV).

import { execFileSync, fork, spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import { startKafka, KAFKA_VERSION, type KafkaService } from '../test/services/kafka.js';
import { startRedis, type RedisService } from '../test/services/redis.js';
import { bucketQuantile, cpuSeconds, findPid, load1, machineCpu, parseMetrics, pct, summariseProfile, total, type ProfileSummary, type Sample } from './lib/e2e-measure.js';
import type { Pause, RunMode, RunResult } from './lib/e2e-producer.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = join(ROOT, 'dist', 'host', 'cli', 'main.js');
const PRODUCER = join(HERE, 'lib', 'e2e-producer.js');

const num = (name: string, d: number) => (process.env[name] === undefined ? d : Number(process.env[name]));
const MAX_SECONDS = num('BENCH_MAX_SECONDS', 20);
const LEVEL_SECONDS = num('BENCH_LEVEL_SECONDS', 20);
const WARMUP = num('BENCH_WARMUP_SECONDS', 5);
const LEVELS = (process.env.BENCH_LEVELS ?? '0.25,0.5,0.9').split(',').map(Number);
const BACKLOG = num('BENCH_BACKLOG', 100_000);
const DRAIN_SECONDS = num('BENCH_DRAIN_SECONDS', 20);
const SIM_RATE = num('BENCH_SIM_RATE', 5_000);
const TOPIC = 'streamscore.events';
const SCORES = 'streamscore.scores';
const OUTPUTS = ['streamscore.alerts.fraud', 'streamscore.alerts.stock', 'streamscore.features', 'streamscore.deadletter'];
const GROUP = 'streamscore';
const TARGET = { eventsPerSecond: 100_000, p99Ms: 50 };

const t00 = Date.now();
const log = (line: string) => process.stderr.write(`[e2e +${((Date.now() - t00) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the load generator ---

class Generator {
  readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: any) => void>();
  errors: string[] = [];
  lastTick: { sent: number; acked: number; queued: number; failed: number } | null = null;
  /** Events acknowledged by Kafka over every run so far. */
  acked = 0;
  private isReady = false;

  constructor() {
    this.child = fork(PRODUCER, [], {
      execArgv: ['--max-old-space-size=8192'],
      env: { ...process.env, BENCH_SIM_RATE: String(SIM_RATE), BENCH_TOPIC: TOPIC },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: any) => {
      if (m.op === 'tick') this.lastTick = m;
      else if (m.op === 'ready' && !this.waiting.has('ready')) this.isReady = true;
      else if (m.op === 'error') {
        this.errors.push(m.message);
        log(`generator: ${m.message}`);
        for (const w of this.waiting.values()) w(m);
        this.waiting.clear();
      } else {
        const w = this.waiting.get(m.op);
        this.waiting.delete(m.op);
        w?.(m);
      }
    });
  }

  private ask<T>(msg: object, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.set(reply, (m) => (m.op === 'error' ? reject(new Error(m.message)) : resolve(m)));
      if (msg) this.child.send(msg);
    });
  }

  ready = () => (this.isReady ? Promise.resolve() : this.ask<void>(null as unknown as object, 'ready'));
  connect = (brokers: string[]) => this.ask<void>({ op: 'connect', brokers }, 'connected');
  ensure = (count: number) => this.ask<Pooled>({ op: 'ensure', count }, 'ensured');
  credit = (allow: number) => this.child.send({ op: 'credit', allow });
  async run(mode: RunMode, seconds: number, rate = 0): Promise<RunResult> {
    const r = await this.ask<RunResult>({ op: 'run', mode, rate, seconds }, 'ran');
    this.acked += r.acked;
    return r;
  }
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send({ op: 'close' });
    await Promise.race([once(this.child, 'exit'), sleep(5000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface Pooled {
  pool: number;
  generatedPerSecond: number;
  skipped: { events: number; seconds: number };
  byType: Record<string, number>;
}

// --- serve ---

interface Serve {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stderr: () => string;
  /** Events the generator had produced when this process started (its counters start at 0). */
  base: number;
  stop(): Promise<void>;
}

async function startServe(env: Record<string, string>, nodeArgs: string[], base: number): Promise<Serve> {
  const inherited = { ...process.env };
  for (const k of Object.keys(inherited)) if (/^(KAFKA_|REDIS_|SIM_|SOURCE$|API_TOKEN$|FEATURE_LOG$|BENCH_)/.test(k)) delete inherited[k];
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', '0'], { cwd: ROOT, env: { ...inherited, CI: '1', ...env } });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  child.stdout.resume();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    const check = () => {
      const m = /listening on :(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return {
    child,
    port,
    base,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

// --- sampling ---

interface Tick {
  at: number;
  metrics: Sample;
  /** Cumulative CPU seconds. */
  cpu: { serve: number; kafka: number; redis: number; generator: number; machineBusy: number; machineTotal: number };
  lag: number;
  load1: number;
  /** Events processed by serve since the first serve started, at this tick. */
  processed: number;
}

class Sampler {
  ticks: Tick[] = [];
  /** Credit mode: keep this many events ahead of what serve processed. */
  creditAhead: number | null = null;
  /** No scrapes while serve is down. */
  paused = false;
  private running = true;
  private loop: Promise<void>;

  constructor(
    private serve: Serve,
    private readonly admin: Admin,
    private readonly pids: { kafka?: number; redis?: number; generator?: number },
    private readonly gen: Generator,
  ) {
    this.loop = this.run();
  }

  setServe(s: Serve): void {
    this.serve = s;
  }


  async sample(): Promise<Tick> {
    const text = await (await fetch(`http://127.0.0.1:${this.serve.port}/metrics`)).text();
    const at = Date.now();
    const m = machineCpu();
    const metrics = parseMetrics(text, at);
    const tick: Tick = {
      at,
      metrics,
      processed: this.serve.base + total(metrics, 'streamscore_events_out_total') + total(metrics, 'streamscore_events_invalid_total'),
      cpu: {
        serve: cpuSeconds(this.serve.child.pid),
        kafka: cpuSeconds(this.pids.kafka),
        redis: cpuSeconds(this.pids.redis),
        generator: cpuSeconds(this.pids.generator),
        machineBusy: m.busy,
        machineTotal: m.total,
      },
      lag: await lagOf(this.admin).catch(() => NaN),
      load1: load1(),
    };
    return tick;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        if (this.paused) throw new Error('paused');
        const t = await this.sample();
        this.ticks.push(t);
        if (this.creditAhead !== null) this.gen.credit(t.processed + this.creditAhead);
      } catch (e) {
        if (!this.paused) log(`sampler: ${(e as Error).message}`);
      }
      await sleep(Math.max(50, 1000 - (Date.now() - started)));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Waits until serve has processed everything produced (or `timeoutMs`). */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const last = this.ticks.at(-1);
      if (last && last.at > Date.now() - 1500 && last.processed >= this.gen.acked) return true;
      await sleep(250);
    }
    return false;
  }
}

async function lagOf(admin: Admin): Promise<number> {
  const [high, committed] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })]);
  const at = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const p of high) {
    const c = at.get(p.partition) ?? -1;
    lag += Number(p.high) - (c < 0 ? Number(p.low) : c);
  }
  return lag;
}

// --- phases ---

interface Phase {
  name: string;
  /** Fraction of the maximum (levels), null for max and profile. */
  level: number | null;
  mode: RunMode;
  rate: number;
  start: number;
  end: number;
  windowStart: number;
  windowEnd: number;
  ran: RunResult;
  drained: boolean;
}

interface WindowStats {
  seconds: number;
  processedPerSecond: number;
  purchasesPerSecond: number;
  lag: { start: number; end: number; max: number; growthPerSecond: number };
  cpu: { serve: number; kafka: number; redis: number; generator: number; machineBusy: number; other: number };
  load: { start: number; end: number };
  histogram: { p50: number; p99: number; count: number; p50Bucket: [number, number]; p99Bucket: [number, number] };
  batchMean: number;
  batchesPerSecond: number;
  /** serve's event-loop delay (prom-client, per 1 s scrape): mean of the p99s, and the largest max. */
  eventLoop: { p99: number; max: number };
  /** serve's GC pauses, seconds per second, and how many lasted 10 ms or more, and 100 ms or more. */
  gcPerSecond: number;
  gcOver10ms: number;
  gcOver100ms: number;
  errors: { redis: number; kafka: number; invalid: number };
}

function windowStats(s: Sampler, from: number, to: number): WindowStats {
  const ticks = s.ticks;
  const a = ticks.find((t) => t.at >= from) ?? ticks[0]!;
  const b = [...ticks].reverse().find((t) => t.at <= to + 500) ?? ticks.at(-1)!;
  const inside = ticks.filter((t) => t.at >= a.at && t.at <= b.at);
  const dt = (b.at - a.at) / 1000;
  const d = (name: string, filter = '') => total(b.metrics, name, filter) - total(a.metrics, name, filter);
  const cores = (k: keyof Tick['cpu']) => (b.cpu[k] - a.cpu[k]) / dt;
  const h50 = bucketQuantile(a.metrics, b.metrics, 'streamscore_event_to_score_seconds', 0.5);
  const h99 = bucketQuantile(a.metrics, b.metrics, 'streamscore_event_to_score_seconds', 0.99);
  // Least-squares slope of the lag over the window.
  const xs = inside.map((t) => (t.at - a.at) / 1000);
  const ys = inside.map((t) => t.lag);
  const mx = xs.reduce((x, y) => x + y, 0) / xs.length;
  const my = ys.reduce((x, y) => x + y, 0) / ys.length;
  const slope = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0) / Math.max(1e-9, xs.reduce((acc, x) => acc + (x - mx) ** 2, 0));
  return {
    seconds: dt,
    processedPerSecond: d('streamscore_events_out_total') / dt,
    purchasesPerSecond: d('streamscore_events_out_total', 'type="purchase"') / dt,
    lag: { start: a.lag, end: b.lag, max: Math.max(...ys), growthPerSecond: slope },
    cpu: {
      serve: cores('serve'),
      kafka: cores('kafka'),
      redis: cores('redis'),
      generator: cores('generator'),
      machineBusy: cores('machineBusy'),
      other: cores('machineBusy') - cores('serve') - cores('kafka') - cores('redis') - cores('generator'),
    },
    load: { start: a.load1, end: b.load1 },
    histogram: { p50: h50.value * 1000, p99: h99.value * 1000, count: h50.count, p50Bucket: [h50.bucket[0] * 1000, h50.bucket[1] * 1000], p99Bucket: [h99.bucket[0] * 1000, h99.bucket[1] * 1000] },
    batchMean: d('streamscore_batch_size_sum') / Math.max(1, d('streamscore_batch_size_count')),
    batchesPerSecond: d('streamscore_batch_size_count') / dt,
    eventLoop: {
      p99: (inside.slice(1).reduce((acc, t) => acc + total(t.metrics, 'nodejs_eventloop_lag_p99_seconds'), 0) / Math.max(1, inside.length - 1)) * 1000,
      max: Math.max(...inside.slice(1).map((t) => total(t.metrics, 'nodejs_eventloop_lag_max_seconds'))) * 1000,
    },
    gcPerSecond: d('nodejs_gc_duration_seconds_sum') / dt,
    gcOver10ms: d('nodejs_gc_duration_seconds_bucket', 'le="+Inf"') - d('nodejs_gc_duration_seconds_bucket', 'le="0.01"'),
    gcOver100ms: d('nodejs_gc_duration_seconds_bucket', 'le="+Inf"') - d('nodejs_gc_duration_seconds_bucket', 'le="0.1"'),
    errors: { redis: d('streamscore_sink_errors_total', 'sink="redis"'), kafka: d('streamscore_sink_errors_total', 'sink="kafka"'), invalid: d('streamscore_events_invalid_total') },
  };
}

let generatorLimited = false;

interface Drain {
  backlog: number;
  written: RunResult;
  drained: boolean;
  from: number;
  to: number;
  w: WindowStats;
  loadStart: number;
  loadEnd: number;
}

function meanLagOf(s: Sampler, p: Phase): number {
  const inside = s.ticks.filter((t) => t.at >= p.windowStart && t.at <= p.windowEnd + 500 && Number.isFinite(t.lag));
  return inside.reduce((a, t) => a + t.lag, 0) / Math.max(1, inside.length);
}

// --- the scores topic, read back ---

interface Scores {
  ts: Float64Array;
  scoredAt: Float64Array;
  appendedAt: Float64Array;
  eventIds: string[];
  n: number;
  duplicates: number;
  logAppendTime: boolean;
}

async function readScores(kafka: Kafka, admin: Admin): Promise<Scores> {
  const high = new Map((await admin.fetchTopicOffsets(SCORES)).map((p) => [p.partition, Number(p.high)]));
  const expected = [...high.values()].reduce((a, b) => a + b, 0);
  const out: Scores = { ts: new Float64Array(expected), scoredAt: new Float64Array(expected), appendedAt: new Float64Array(expected), eventIds: [], n: 0, duplicates: 0, logAppendTime: true };
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: `bench-e2e-readback-${process.pid}-${Date.now()}`, maxBytesPerPartition: 8 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [SCORES], fromBeginning: true });
  const done = new Map<number, boolean>([...high].map(([p, h]) => [p, h === 0]));
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  if ([...done.values()].every(Boolean)) finish();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const v = JSON.parse(m.value!.toString('utf8')) as { eventId: string; ts: number; scoredAt: number };
        if (seen.has(v.eventId)) {
          out.duplicates++;
          continue;
        }
        seen.add(v.eventId);
        const i = out.n++;
        out.ts[i] = v.ts;
        out.scoredAt[i] = v.scoredAt;
        out.appendedAt[i] = Number(m.timestamp);
        out.eventIds.push(v.eventId);
      }
      const last = Number(batch.lastOffset());
      if (last >= high.get(batch.partition)! - 1) done.set(batch.partition, true);
      if ([...done.values()].every(Boolean)) finish();
    },
  });
  await Promise.race([finished, sleep(120_000)]);
  await consumer.disconnect();
  // A LogAppendTime topic's records all carry the broker's clock; check the topic's setting took.
  const cfg = await admin.describeConfigs({ resources: [{ type: 2, name: SCORES, configNames: ['message.timestamp.type'] }], includeSynonyms: false });
  out.logAppendTime = cfg.resources[0]?.configEntries[0]?.configValue === 'LogAppendTime';
  return out;
}

/**
 * When each purchase of the events topic was appended (LogAppendTime), for
 * the events appended between `from` and `to`: found by offsets for those
 * times, read once after the run. Only purchases are parsed (the others are
 * never scored).
 */
async function readEventAppends(kafka: Kafka, admin: Admin, from: number, to: number): Promise<Map<string, number>> {
  const starts = await admin.fetchTopicOffsetsByTimestamp(TOPIC, from);
  const ends = await admin.fetchTopicOffsetsByTimestamp(TOPIC, to);
  const end = new Map(ends.map((e) => [e.partition, Number(e.offset)]));
  const out = new Map<string, number>();
  const pending = new Set(starts.filter((s) => Number(s.offset) < end.get(s.partition)!).map((s) => s.partition));
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `bench-e2e-events-${process.pid}-${Date.now()}`, maxBytesPerPartition: 8 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: false });
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const marker = Buffer.from('"type":"purchase"');
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const last = end.get(batch.partition)!;
      for (const m of batch.messages) {
        if (Number(m.offset) >= last) break;
        if (m.value && m.value.indexOf(marker) >= 0) out.set((JSON.parse(m.value.toString('utf8')) as { eventId: string }).eventId, Number(m.timestamp));
      }
      if (Number(batch.lastOffset()) >= last - 1) {
        pending.delete(batch.partition);
        if (pending.size === 0) finish();
      }
    },
  });
  for (const s of starts) consumer.seek({ topic: TOPIC, partition: s.partition, offset: s.offset });
  await Promise.race([finished, sleep(120_000)]);
  await consumer.disconnect();
  return out;
}

interface Latency {
  n: number;
  /** event ts -> score appended to the scores topic (Kafka LogAppendTime), ms. */
  total: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** event ts -> serve finished scoring its batch (scoredAt). */
  toScored: { p50: number; p99: number };
  /** scoredAt -> appended: the Kafka sink's produce. */
  toAppended: { p50: number; p99: number };
  /**
   * The same scores on the broker's clock alone: event appended to the events
   * topic -> score appended (serve: consume, score, write; the generator out),
   * and ts -> event appended (producing). n: scores whose event was found.
   */
  kafka: { n: number; inOut: { p50: number; p90: number; p99: number; p999: number; max: number }; producing: { p50: number; p99: number }; toScored: { p50: number; p99: number } };
}

function latency(s: Scores, from: number, to: number, eventAppends: Map<string, number>): Latency {
  const tot: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const inOut: number[] = [];
  const producing: number[] = [];
  const inToScored: number[] = [];
  for (let i = 0; i < s.n; i++) {
    const ts = s.ts[i]!;
    if (ts < from || ts >= to) continue;
    tot.push(s.appendedAt[i]! - ts);
    a.push(s.scoredAt[i]! - ts);
    b.push(s.appendedAt[i]! - s.scoredAt[i]!);
    const inAt = eventAppends.get(s.eventIds[i]!);
    if (inAt !== undefined) {
      inOut.push(s.appendedAt[i]! - inAt);
      producing.push(inAt - ts);
      inToScored.push(s.scoredAt[i]! - inAt);
    }
  }
  const sorted = (x: number[]) => Float64Array.from(x).sort();
  const t = sorted(tot);
  const sa = sorted(a);
  const sb = sorted(b);
  const io = sorted(inOut);
  const pr = sorted(producing);
  const is = sorted(inToScored);
  return {
    n: t.length,
    total: { p50: pct(t, 0.5), p90: pct(t, 0.9), p99: pct(t, 0.99), p999: pct(t, 0.999), max: t.at(-1) ?? NaN, mean: tot.reduce((x, y) => x + y, 0) / Math.max(1, tot.length) },
    toScored: { p50: pct(sa, 0.5), p99: pct(sa, 0.99) },
    toAppended: { p50: pct(sb, 0.5), p99: pct(sb, 0.99) },
    kafka: {
      n: io.length,
      inOut: { p50: pct(io, 0.5), p90: pct(io, 0.9), p99: pct(io, 0.99), p999: pct(io, 0.999), max: io.at(-1) ?? NaN },
      producing: { p50: pct(pr, 0.5), p99: pct(pr, 0.99) },
      toScored: { p50: pct(is, 0.5), p99: pct(is, 0.99) },
    },
  };
}

// --- pauses: where the slow scores come from ---

/** The Kafka JVM's GC pauses from its unified GC log (decorator timemillis: the wall clock at the pause's end). */
function kafkaGcPauses(file: string): Pause[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: Pause[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[(\d+)ms\].*\b(Pause [A-Za-z]+).*?([\d.]+)ms$/.exec(line);
    if (m) out.push({ at: Number(m[1]) - Number(m[3]), ms: Number(m[3]), what: m[2]! });
  }
  return out;
}

interface PauseStats {
  kafkaGc: { count: number; totalMs: number; maxMs: number };
  generator: { count: number; maxMs: number };
  /** Scores slower than SLOW_MS in the window, and which pauses overlapped [event ts, score appended]. */
  slow: { n: number; kafkaGc: number; generator: number; both: number; neither: number };
}

const SLOW_MS = 50;

function pauseStats(scores: Scores, from: number, to: number, kafka: Pause[], generator: Pause[]): PauseStats {
  const within = (ps: Pause[]) => ps.filter((p) => p.at + p.ms > from && p.at < to);
  const k = within(kafka);
  const g = within(generator);
  const overlaps = (ps: Pause[], a: number, b: number) => ps.some((p) => p.at < b && p.at + p.ms > a);
  const slow = { n: 0, kafkaGc: 0, generator: 0, both: 0, neither: 0 };
  for (let i = 0; i < scores.n; i++) {
    const ts = scores.ts[i]!;
    if (ts < from || ts >= to || scores.appendedAt[i]! - ts <= SLOW_MS) continue;
    slow.n++;
    const inK = overlaps(k, ts, scores.appendedAt[i]!);
    const inG = overlaps(g, ts, scores.appendedAt[i]!);
    if (inK && inG) slow.both++;
    else if (inK) slow.kafkaGc++;
    else if (inG) slow.generator++;
    else slow.neither++;
  }
  return {
    kafkaGc: { count: k.length, totalMs: k.reduce((a, p) => a + p.ms, 0), maxMs: Math.max(0, ...k.map((p) => p.ms)) },
    generator: { count: g.length, maxMs: Math.max(0, ...g.map((p) => p.ms)) },
    slow,
  };
}

// --- report ---

const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : String(v));
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : String(v));
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));
const mixText = (shares: Record<string, number>) =>
  Object.entries(shares).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([t, v]) => `${t} ${(v * 100).toFixed(v < 0.01 ? 2 : 1)}%`).join(', ');
const ms = (v: number | null) => (v === null || v === undefined ? '-' : Number.isFinite(v) ? (v >= 100 ? String(Math.round(v)) : v.toFixed(v >= 10 ? 1 : 2).replace(/\.?0+$/, '') || '0') : String(v));
function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// --- main ---

async function main(): Promise<void> {
  const loadAtStart = load1();
  log(`load average at start ${loadAtStart} (1 min); ${cpus().length} cores`);
  const gen = new Generator();
  await gen.ready();
  // The simulator generates while Kafka and Redis start.
  const firstPool = Math.round(BACKLOG + 50_000 * (MAX_SECONDS + 2) + 2_000 * 6);
  const pooled = gen.ensure(firstPool);
  const services: { kafka?: KafkaService; redis?: RedisService } = {};
  let serve: Serve | null = null;
  let sampler: Sampler | null = null;
  const cleanup = async () => {
    await sampler?.stop().catch(() => {});
    await serve?.stop().catch(() => {});
    await gen.close().catch(() => {});
    await services.kafka?.stop().catch(() => {});
    await services.redis?.stop().catch(() => {});
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    [services.kafka, services.redis] = await Promise.all([startKafka(log), startRedis(log)]);
    const kafka = new Kafka({ clientId: 'streamscore-bench-e2e-driver', brokers: services.kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        // LogAppendTime on the events too: each event's arrival in Kafka, on the broker's clock (serve reads only the values).
        { topic: TOPIC, numPartitions: 4, replicationFactor: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
        { topic: SCORES, numPartitions: 4, replicationFactor: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
        ...OUTPUTS.map((topic) => ({ topic, numPartitions: 4, replicationFactor: 1 })),
      ],
    });
    await gen.connect(services.kafka.brokers);
    const kafkaPid = findPid(['kafka.Kafka', dirname(services.kafka.logFile)]);
    // The broker's GC pauses, logged from now on with their wall-clock time (jcmd attaches to the JVM; nothing else changes).
    const kafkaGcLog = join(mkdtempSync(join(tmpdir(), 'streamscore-e2e-kafka-gc-')), 'gc.log');
    try {
      execFileSync('jcmd', [String(kafkaPid), 'VM.log', `output=file=${kafkaGcLog}`, 'what=gc', 'decorators=timemillis'], { stdio: 'ignore' });
    } catch (e) {
      log(`jcmd could not turn on the Kafka GC log (${(e as Error).message}); its pauses are not reported`);
    }
    const redisPort = new URL(services.redis.url).port;
    const redisPid = findPid(['redis-server', `:${redisPort}`]);
    const serveEnv = { KAFKA_BROKERS: services.kafka.brokers.join(','), REDIS_URL: services.redis.url, KAFKA_FROM_BEGINNING: 'true' };
    serve = await startServe(serveEnv, [], 0);
    log(`serve pid ${serve.child.pid} on :${serve.port}; kafka pid ${kafkaPid}, redis pid ${redisPid}, generator pid ${gen.child.pid}`);
    const p1 = await pooled;
    log(`generator: ${int(p1.skipped.events)} events (${p1.skipped.seconds} s of event time) run through unsent, then ${int(p1.pool)} pooled (${int(p1.generatedPerSecond)} generated/s); mix ${mixText(p1.byType)}`);
    sampler = new Sampler(serve, admin, { kafka: kafkaPid, redis: redisPid, generator: gen.child.pid }, gen);

    // Warm-up: the consumer joins the group, the JIT warms up.
    await gen.run('rate', 6, 2_000);
    if (!(await sampler.drained(60_000))) throw new Error(`serve did not process the warm-up events:\n${serve.stderr().slice(-3000)}`);
    log('warm-up processed');

    const phases: Phase[] = [];
    const runPhase = async (name: string, level: number | null, mode: RunMode, seconds: number, rate: number) => {
      const start = Date.now();
      if (mode === 'credit') sampler!.creditAhead = BACKLOG;
      if (mode === 'credit') gen.credit(gen.acked + BACKLOG);
      const ran = await gen.run(mode, seconds, rate);
      const end = Date.now();
      sampler!.creditAhead = null;
      const drained = await sampler!.drained(90_000);
      const p: Phase = { name, level, mode, rate, start, end, windowStart: start + WARMUP * 1000, windowEnd: end, ran, drained };
      phases.push(p);
      const w = windowStats(sampler!, p.windowStart, p.windowEnd);
      log(`${name}: offered ${int(ran.sent / ran.seconds)}/s, processed ${int(w.processedPerSecond)}/s, lag ${int(w.lag.start)} -> ${int(w.lag.end)} (slope ${int(w.lag.growthPerSecond)}/s), serve ${f2(w.cpu.serve)} cores, hist p50 ${ms(w.histogram.p50)} p99 ${ms(w.histogram.p99)} ms, load ${w.load.start} -> ${w.load.end}${drained ? '' : ' (NOT drained)'}`);
      return { p, w };
    };

    // 1. The sustained maximum.
    const max = await runPhase('max', null, 'credit', MAX_SECONDS, 0);
    const X = max.w.processedPerSecond;
    // The backlog must stay near its bound for serve to be the limit; a thin one means the generator was.
    const meanLag = meanLagOf(sampler, max.p);
    generatorLimited = meanLag < BACKLOG / 4;
    log(`sustained maximum: ${int(X)} events/s (mean lag ${int(meanLag)} of a ${int(BACKLOG)} bound${generatorLimited ? ': the generator, not serve, set this pace' : ''})`);

    // 2. 25%, 50%, 90% of it.
    const need = LEVELS.reduce((a, l) => a + l * X * LEVEL_SECONDS, 0) * 1.03 + X * DRAIN_SECONDS + 10_000;
    const p2 = await gen.ensure(Math.ceil(need));
    log(`generator: ${int(p2.pool)} events pooled for the levels; mix ${mixText(p2.byType)}`);
    for (const l of LEVELS) await runPhase(`${Math.round(l * 100)}%`, l, 'rate', LEVEL_SECONDS, Math.round(l * X));

    // 3. serve alone: a backlog written while it is down, then drained with
    // the generator idle, under --cpu-prof (which says where its time goes).
    let drain: Drain | null = null;
    let profile: ProfileSummary | null = null;
    let profileFile = '';
    if (DRAIN_SECONDS > 0) {
      const dir = mkdtempSync(join(tmpdir(), 'streamscore-e2e-prof-'));
      const base = gen.acked;
      await serve.stop();
      sampler.paused = true;
      const backlog = Math.round(X * DRAIN_SECONDS);
      gen.credit(base + backlog);
      const burst = await gen.run('burst', 300, 0);
      log(`drain: ${int(burst.acked)} events written with serve down in ${f1(burst.seconds)} s (${int(burst.acked / burst.seconds)}/s)`);
      const loadStart = load1();
      serve = await startServe(serveEnv, ['--cpu-prof', `--cpu-prof-dir=${dir}`], base);
      sampler.setServe(serve);
      sampler.paused = false;
      const ok = await sampler.drained(300_000);
      // The steady middle: from a tenth of the backlog processed to nine tenths.
      const from = sampler.ticks.find((t) => t.processed >= base + backlog * 0.1)?.at ?? Date.now();
      const to = [...sampler.ticks].reverse().find((t) => t.processed <= base + backlog * 0.9)?.at ?? Date.now();
      const w = windowStats(sampler, from, to);
      drain = { backlog: burst.acked, written: burst, drained: ok, from, to, w, loadStart, loadEnd: load1() };
      log(`drain: serve alone ${int(w.processedPerSecond)} events/s over ${f1(w.seconds)} s, serve ${f2(w.cpu.serve)} cores, Kafka ${f2(w.cpu.kafka)}, other work ${f2(w.cpu.other)}${ok ? '' : ' (NOT drained)'}`);
      sampler.paused = true;
      await serve.stop();
      const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
      if (f) {
        profileFile = join(dir, f);
        profile = summariseProfile(profileFile);
      } else log(`no .cpuprofile written in ${dir}`);
    }

    await sampler.stop();
    const serveLog = serve.stderr();
    await serve.stop();
    const loadAtEnd = load1();

    // 4. Exact latencies from the scores topic.
    const scores = await readScores(kafka, admin);
    log(`scores read back: ${int(scores.n)} (${scores.duplicates} duplicates skipped), LogAppendTime ${scores.logAppendTime}`);

    // 5. Redis: every scored purchase should be there.
    const redis = new Redis(services.redis.url);
    const sample = Array.from({ length: Math.min(2000, scores.n) }, (_, i) => scores.eventIds[Math.floor((i * scores.n) / Math.min(2000, scores.n))]!);
    const found = sample.length ? (await redis.mget(sample.map((id) => `streamscore:score:event:${id}`))).filter((v) => v !== null).length : 0;
    const dbsize = await redis.dbsize();
    const errorstats = (await redis.info('errorstats')).split('\n').filter((l) => l.startsWith('errorstat_')).map((l) => l.trim());
    // Which commands failed (e.g. a client's CLIENT SETINFO on a Redis older than 7.2), and how many SETs were made.
    const commandstats = (await redis.info('commandstats')).split('\n').map((l) => l.trim());
    const failedCommands = commandstats.filter((l) => /failed_calls=[1-9]|rejected_calls=[1-9]/.test(l));
    const sets = commandstats.find((l) => l.startsWith('cmdstat_set:'));
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    const redisInfo = { version, keys: dbsize, sampled: sample.length, found, errorstats, failedCommands, sets: sets ?? '' };
    redis.disconnect();

    const levelPhases = phases.filter((p) => p.level !== null);
    const eventAppends = levelPhases.length
      ? await readEventAppends(kafka, admin, Math.min(...levelPhases.map((p) => p.windowStart)) - 1000, Math.max(...levelPhases.map((p) => p.windowEnd)) + 2000)
      : new Map<string, number>();
    log(`events topic read back over the level windows: ${int(eventAppends.size)} purchases with their append time`);
    await admin.disconnect();
    const kafkaPauses = kafkaGcPauses(kafkaGcLog);
    const rows = phases.map((p) => ({
      p,
      w: windowStats(sampler!, p.windowStart, p.windowEnd),
      lat: latency(scores, p.windowStart, p.windowEnd, eventAppends),
      pauses: pauseStats(scores, p.windowStart, p.windowEnd, kafkaPauses, p.ran.pauses),
    }));
    const kafkaErrorLines = serveLog.split('\n').filter((l) => /"level":"ERROR"|error/i.test(l));
    const result: Result = {
      machine: machine(),
      settings: { simRate: SIM_RATE, backlog: BACKLOG, warmup: WARMUP },
      loadAtStart,
      loadAtEnd,
      X,
      generatorLimited,
      rows,
      drain,
      profile,
      profileFile,
      redisInfo,
      kafkaErrorLines: kafkaErrorLines.slice(0, 50),
      kafkaErrorCount: kafkaErrorLines.length,
      generatorErrors: gen.errors,
      scores: { n: scores.n, duplicates: scores.duplicates, logAppendTime: scores.logAppendTime },
    };
    process.stdout.write(renderReport(result) + '\n');
    const out = process.env.BENCH_OUT ?? join(mkdtempSync(join(tmpdir(), 'streamscore-e2e-')), 'e2e.json');
    mkdirSync(dirname(out), { recursive: true });
    const ticks = sampler.ticks.map((t) => ({ at: t.at, processed: t.processed, lag: t.lag, load1: t.load1, cpu: t.cpu }));
    const csv = out.replace(/\.json$/, '') + '-scores.csv';
    const lines = ['ts,eventAppendedAt,scoredAt,appendedAt'];
    for (let i = 0; i < scores.n; i++) lines.push(`${scores.ts[i]},${eventAppends.get(scores.eventIds[i]!) ?? ''},${scores.scoredAt[i]},${scores.appendedAt[i]}`);
    writeFileSync(csv, lines.join('\n') + '\n');
    writeFileSync(out, JSON.stringify({ ...result, ticks, phases: phases.map((p) => ({ name: p.name, start: p.start, end: p.end, windowStart: p.windowStart, windowEnd: p.windowEnd })) }, null, 2));
    log(`results: ${out}, per-score times: ${csv}`);
  } finally {
    await cleanup();
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.BENCH_COMMIT ?? 'unknown';
  }
}

interface Result {
  machine: string;
  settings: { simRate: number; backlog: number; warmup: number };
  loadAtStart: number;
  loadAtEnd: number;
  X: number;
  generatorLimited: boolean;
  rows: { p: Phase; w: WindowStats; lat: Latency; pauses: PauseStats }[];
  drain: Drain | null;
  profile: ProfileSummary | null;
  profileFile: string;
  redisInfo: { version: string; keys: number; sampled: number; found: number; errorstats: string[]; failedCommands: string[]; sets: string };
  kafkaErrorLines: string[];
  kafkaErrorCount: number;
  generatorErrors: string[];
  scores: { n: number; duplicates: number; logAppendTime: boolean };
}

function machine(): string {
  return `Node ${process.version}, ${cpus()[0]?.model ?? '?'} x ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB; Kafka ${KAFKA_VERSION} (1 broker, events topic 4 partitions); commit ${commit()}`;
}

/** The Markdown report of a run (also from its saved JSON: node dist/bench/e2e.js --report FILE.json). */
function renderReport(r: Result): string {
  const lines: string[] = [];
  const label = (p: Phase) => (p.name === 'max' ? 'max: bounded backlog, generator running' : `${p.name} of max (${int(p.rate)}/s)`);
  lines.push(`${r.machine}; redis-server ${r.redisInfo.version}.`);
  lines.push(`1-min load average: ${r.loadAtStart} at start, ${r.loadAtEnd} at end. Simulator rate ${r.settings.simRate}, backlog bound ${int(r.settings.backlog)}, each window leaves out the first ${r.settings.warmup} s of its phase.`);
  const sent: Record<string, number> = {};
  for (const { p } of r.rows) for (const [t, n] of Object.entries(p.ran.byType)) sent[t] = (sent[t] ?? 0) + n;
  const allSent = Object.values(sent).reduce((a, b) => a + b, 0);
  lines.push(`Mix sent (all phases): ${mixText(Object.fromEntries(Object.entries(sent).map(([t, n]) => [t, n / allSent])))}.`);
  lines.push('');

  const cpuRow = (name: string, offered: string, w: WindowStats) => [
    name,
    offered,
    int(w.processedPerSecond),
    int(w.purchasesPerSecond),
    `${int(w.lag.start)} -> ${int(w.lag.end)} (${int(w.lag.growthPerSecond)})`,
    f2(w.cpu.serve),
    f2(w.cpu.kafka),
    f2(w.cpu.redis),
    f2(w.cpu.generator),
    // A difference of counters read a moment apart: +-0.05 or so; shown from 0.
    f2(Math.max(0, w.cpu.other)),
    f2(w.cpu.machineBusy),
    `${w.load.start} -> ${w.load.end}`,
  ];
  const throughput = r.rows.map(({ p, w }) => cpuRow(label(p), int(p.ran.sent / p.ran.seconds), w));
  if (r.drain) throughput.push(cpuRow('drain: serve alone, generator idle, --cpu-prof', `(${int(r.drain.backlog)} written first)`, r.drain.w));
  lines.push(table(
    ['load', 'offered events/s', 'processed events/s', 'purchases scored/s', 'lag start -> end (slope/s)', 'serve CPU (cores)', 'Kafka CPU', 'Redis CPU', 'generator CPU', 'other work CPU', 'machine busy (of 2)', 'load avg start -> end'],
    throughput,
  ));
  lines.push('');
  lines.push(table(
    ['load', 'scores in window', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', 'histogram p50 / p99 (ms, interpolated)', 'event -> scored p50 / p99', 'scored -> appended p50 / p99'],
    r.rows.map(({ p, w, lat }) => [
      p.name === 'max' ? 'max (latency = the backlog by design)' : label(p),
      int(lat.n),
      ms(lat.total.p50),
      ms(lat.total.p90),
      ms(lat.total.p99),
      ms(lat.total.p999),
      ms(lat.total.max),
      `${ms(w.histogram.p50)} / ${ms(w.histogram.p99)}`,
      `${ms(lat.toScored.p50)} / ${ms(lat.toScored.p99)}`,
      `${ms(lat.toAppended.p50)} / ${ms(lat.toAppended.p99)}`,
    ]),
  ));
  lines.push('');
  lines.push(table(
    ['load', 'scores matched to their event', 'producing: ts -> event appended p50 / p99', 'Kafka in -> Kafka out p50 (ms)', 'p90', 'p99', 'p99.9', 'max', 'event appended -> scored p50 / p99', 'scored -> score appended p50 / p99'],
    r.rows.filter((x) => x.p.level !== null && x.lat.kafka).map(({ p, lat }) => [
      label(p),
      int(lat.kafka.n),
      `${ms(lat.kafka.producing.p50)} / ${ms(lat.kafka.producing.p99)}`,
      ms(lat.kafka.inOut.p50),
      ms(lat.kafka.inOut.p90),
      ms(lat.kafka.inOut.p99),
      ms(lat.kafka.inOut.p999),
      ms(lat.kafka.inOut.max),
      `${ms(lat.kafka.toScored.p50)} / ${ms(lat.kafka.toScored.p99)}`,
      `${ms(lat.toAppended.p50)} / ${ms(lat.toAppended.p99)}`,
    ]),
  ));
  lines.push('');
  const innerRow = (name: string, w: WindowStats, ran: RunResult | null) => [
    name,
    int(w.batchesPerSecond),
    int(w.batchMean),
    `${ms(w.eventLoop.p99)} / ${ms(w.eventLoop.max)}`,
    `${ms(w.gcPerSecond * 1000)} (${int(w.gcOver10ms)} / ${int(w.gcOver100ms)})`,
    ran ? `${ms(ran.request.p50)} / ${ms(ran.request.p99)}` : '-',
    ran && ran.mode === 'rate' ? ms(ran.queueWait.p99) : '-',
    `${w.errors.redis} / ${w.errors.kafka} / ${w.errors.invalid} / ${ran?.failed ?? 0}`,
  ];
  const inner = r.rows.map(({ p, w }) => innerRow(p.name, w, p.ran));
  if (r.drain) inner.push(innerRow('drain', r.drain.w, null));
  lines.push(table(
    ['load', 'batches/s', 'events per batch', 'serve event-loop delay p99 / max (ms)', 'serve GC ms/s (pauses >= 10 / >= 100 ms)', 'generator produce request p50 / p99 (ms)', 'generator queue wait p99 (ms)', 'errors: Redis / Kafka sink / invalid / produce'],
    inner,
  ));
  lines.push('');
  lines.push(table(
    ['load', `scores slower than ${SLOW_MS} ms`, 'of them during a Kafka GC pause', 'during a generator pause', 'both', 'neither', 'Kafka GC pauses: n, total, max (ms)', 'generator pauses >= 20 ms: n, max (ms)'],
    r.rows.filter((x) => x.p.level !== null).map(({ p, pauses: q }) => [
      label(p),
      `${int(q.slow.n)} (${f1((100 * q.slow.n) / Math.max(1, r.rows.find((x) => x.p === p)!.lat.n))}%)`,
      int(q.slow.kafkaGc),
      int(q.slow.generator),
      int(q.slow.both),
      int(q.slow.neither),
      `${q.kafkaGc.count}, ${ms(q.kafkaGc.totalMs)}, ${ms(q.kafkaGc.maxMs)}`,
      `${q.generator.count}, ${ms(q.generator.maxMs)}`,
    ]),
  ));
  if (r.profile && r.drain) {
    const w = r.drain.w;
    // The profiled serve processed the backlog and nothing else: main-thread time per stage / those events.
    const events = r.drain.backlog;
    const busyMs = r.profile.stages.filter((x) => !x.stage.startsWith('idle')).reduce((a, x) => a + x.ms, 0);
    const mainUs = (busyMs * 1000) / events;
    const processUs = (w.cpu.serve * 1e6) / w.processedPerSecond;
    lines.push('');
    lines.push(
      `Profile of serve over the drain (${f1(r.profile.seconds)} s sampled: start-up, the ${int(events)} events and the idle tail): ` +
        `${int(w.processedPerSecond)} events/s, serve ${f2(w.cpu.serve)} cores, ${f1(processUs)} µs of process CPU per event, of which ` +
        `${f1(mainUs)} µs on the main thread (below) and about ${f1(Math.max(0, processUs - mainUs))} µs on other threads (V8's concurrent GC, gzip in libuv's pool). ${r.profileFile}`,
    );
    lines.push('');
    lines.push(table(
      ['stage (main thread)', 'share of samples', 'µs per event'],
      r.profile.stages.filter((x) => x.share >= 0.002).map((x) => [x.stage, `${f1(x.share * 100)}%`, x.stage.startsWith('idle') ? '' : f2((x.ms * 1000) / events)]),
    ));
    lines.push('');
    lines.push(table(['function (self time)', 'share'], r.profile.top.map((t) => [t.fn, `${f1(t.share * 100)}%`])));
  }
  lines.push('');
  lines.push(`Redis ${r.redisInfo.version}: ${int(r.redisInfo.keys)} keys; ${r.redisInfo.found} of ${r.redisInfo.sampled} sampled scored eventIds found; ${r.redisInfo.sets}; errors: ${r.redisInfo.errorstats.length ? r.redisInfo.errorstats.join(', ') : 'none'}${r.redisInfo.failedCommands.length ? ` (${r.redisInfo.failedCommands.join('; ')})` : ''}.`);
  lines.push(`serve log lines with an error: ${r.kafkaErrorCount}${r.kafkaErrorLines.length ? ` (first: ${r.kafkaErrorLines[0]!.slice(0, 300)})` : ''}. Generator errors: ${r.generatorErrors.length}. Scores topic: ${int(r.scores.n)} scores, ${r.scores.duplicates} duplicates, LogAppendTime ${r.scores.logAppendTime}.`);
  if (r.generatorLimited) lines.push(`The backlog of the max phase averaged under a quarter of its bound: the generator, on the same 2 cores, set the pace; serve alone (the drain) is the other bound.`);
  const levels = r.rows.filter((x) => x.p.level !== null);
  const met = r.X >= TARGET.eventsPerSecond && levels.every((x) => x.lat.total.p99 < TARGET.p99Ms);
  lines.push(`Target ${int(TARGET.eventsPerSecond)} events/s sustained with p99 < ${TARGET.p99Ms} ms: ${met ? 'met' : 'NOT met'} (maximum ${int(r.X)} events/s with the generator running${r.drain ? `, ${int(r.drain.w.processedPerSecond)} serve alone` : ''}; p99 end to end ${levels.map((x) => `${x.p.name} ${ms(x.lat.total.p99)} ms`).join(', ')}; Kafka in -> out ${levels.map((x) => `${x.p.name} ${ms(x.lat.kafka?.inOut.p99 ?? NaN)} ms`).join(', ')}).`);
  return lines.join('\n');
}

const reportArg = process.argv.indexOf('--report');
if (reportArg > 0) process.stdout.write(renderReport(JSON.parse(readFileSync(process.argv[reportArg + 1]!, 'utf8')) as Result) + '\n');
else main().catch((e: unknown) => {
  log(`failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exitCode = 1;
});
