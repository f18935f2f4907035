// The load generator of bench/e2e.ts, run as a child process (fork) so that
// its CPU is its own: the simulator's events, keyed as `streamscore replay`
// keys them, produced to the events topic with kafkajs, each stamped with
// the wall clock at the moment it is handed to the producer (its `ts` is the
// time of producing, so event-to-score latency is real).
//
// The simulator runs at BENCH_SIM_RATE (5,000) events/s of event time and
// is first run through its first BENCH_SIM_SKIP_SECONDS (360) of event time
// without sending: a fresh simulator's first minutes are nearly all views
// (0.03% purchases at first, against 3.4% once sessions are under way), so
// this is what gives the measured phases the stream's steady mix. Restamped
// with the wall clock at a higher rate, the shoppers' sessions run that many
// times faster than simulated; the mix of types is what it is.
//
// The events are generated ahead, between measured phases ("ensure"): the
// simulator and JSON.stringify cost about as much CPU as kafkajs' encoding
// (7-8 µs an event each on this machine), and on 2 shared cores that CPU
// would be taken from the service under test. Each pooled event is its JSON
// and key as bytes off the JS heap (see Chunk), its 13-digit ts overwritten
// in place at send.
//
// Sending: one lane per partition, one produce request in flight per lane
// (so a partition stays in order, as in host/serve/kafka-events.ts), at most
// MAX_REQUEST messages a request. A lane that is idle sends what is queued
// at once: no linger. Two modes:
// - rate: events fall due on the schedule start + k / rate; due events join
//   their lane's queue (the wait there until dispatch is reported);
// - credit: as fast as the lanes go while the events sent stay under a bound
//   the driver raises as the service processes them (a bounded backlog: the
//   service is kept busy without the topic filling up);
// - burst: as fast as the lanes go up to a fixed credit, then stop (a
//   backlog written while serve is down).
//
// IPC (driver -> here): {op:'connect',brokers} {op:'ensure',count} {op:'run',mode,rate?,seconds} {op:'credit',allow} {op:'close'}
//                       {op:'dump',count,file}
//                (here -> driver): {op:'ready'} {op:'connected'} {op:'ensured',...} {op:'tick',...} {op:'ran',...} {op:'error',message}
//                       {op:'dumped',count,seconds}
//
// With the Go load generator (BENCH_LOADGEN=go, bench/loadgen) this process
// only generates: 'dump' writes the next `count` events of the same stream
// to a file, one "PARTITION\tTYPE\tKEY\tJSON\n" line each, which the Go
// generator loads and produces (its own ts stamping and sending).

import { closeSync, openSync, writeSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { partitionOf } from '../../host/serve/murmur2.js';
import { PartitionKeys } from '../../host/serve/partition-key.js';
import { Simulator } from '../../host/simulator/simulator.js';
import { EVENT_TYPES } from '../../host/core/schema.js';

const TOPIC = process.env.BENCH_TOPIC ?? 'streamscore.events';
const SIM_RATE = Number(process.env.BENCH_SIM_RATE ?? 5_000);
/** Event time the simulator is run through, unsent, before pooling: its first minutes are mostly views (sessions just begun). */
const SIM_SKIP_SECONDS = Number(process.env.BENCH_SIM_SKIP_SECONDS ?? 360);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const MAX_REQUEST = Number(process.env.BENCH_MAX_REQUEST ?? 2048);
const CHUNK = 65_536;

/** A pause of this process (a GC, or its event loop late), wall clock ms: while it lasts nothing is dispatched. */
export interface Pause {
  at: number;
  ms: number;
  what: string;
}
const PAUSE_MS = 20;
const pauses: Pause[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration >= PAUSE_MS) pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, what: `gc ${(e as { detail?: { kind?: number } }).detail?.kind === 4 ? 'major' : 'minor/other'}` });
  }
}).observe({ entryTypes: ['gc'] });
let beat = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - beat - 10;
  if (late >= PAUSE_MS) pauses.push({ at: performance.timeOrigin + beat + 10, ms: late, what: 'event loop' });
  beat = now;
}, 10).unref();

/**
 * Pooled events off the JS heap: each event's JSON and key as bytes in one
 * Buffer, with where each value, its ts digits and its key are. (A pool of
 * millions of JS strings kept the GC marking them and stalled this event
 * loop for up to 115 ms at a time, and kafkajs encoded every string value
 * again.)
 */
interface Chunk {
  buf: Buffer;
  valOff: Int32Array;
  valLen: Int32Array;
  /** Offset of the 13 ts digits, overwritten at dispatch. */
  tsOff: Int32Array;
  keyOff: Int32Array;
  keyLen: Int32Array;
  parts: Uint8Array;
  types: Uint8Array;
  n: number;
  pos: number;
}
const CHUNK_BYTES = 12 << 20;

export type RunMode = 'rate' | 'credit' | 'burst';
export interface RunResult {
  op: 'ran';
  mode: RunMode;
  sent: number;
  acked: number;
  failed: number;
  seconds: number;
  byType: Record<string, number>;
  /** Produce request, dispatch to acknowledgement, ms. */
  request: { count: number; p50: number; p99: number; max: number; meanMessages: number };
  /** Rate mode: how long the oldest event of each request waited in its lane after falling due, ms. */
  queueWait: { p50: number; p99: number; max: number };
  /** Events due but not yet sent when the run ended (rate mode): > 0 means the generator fell behind. */
  unsentAtEnd: number;
  poolLeft: number;
  /** Credit mode: events generated during the run because the pool ran low (their CPU is in the generator's). */
  generatedDuringRun: number;
  /** This process's pauses of PAUSE_MS or more during the run. */
  pauses: Pause[];
  cpu: { user: number; system: number };
}

const send = (m: unknown) => process.send!(m);

class Pool {
  private readonly chunks: Chunk[] = [];
  private readonly sim = new Simulator({ seed: SEED, rate: SIM_RATE, start: Date.now() });
  private readonly keys = new PartitionKeys();
  private skipped = false;
  size = 0;
  /** Events generated, and the seconds it took, since start (skipping included). */
  generated = 0;
  generatingSeconds = 0;
  /** Events run through before pooling, and their event-time span in seconds. */
  skip = { events: 0, seconds: 0 };

  /** Runs the simulator through its first SIM_SKIP_SECONDS of event time without keeping the events (their keys are remembered, for the labels). */
  private skipStart(): void {
    const until = this.sim.start + SIM_SKIP_SECONDS * 1000;
    for (;;) {
      const batch = this.sim.until(until, 4096);
      if (batch.length === 0) break;
      for (const e of batch) this.keys.key(e);
      this.skip.events += batch.length;
    }
    this.skip.seconds = SIM_SKIP_SECONDS;
    this.skipped = true;
  }

  /** Generates until at least `count` events are pooled, yielding to the event loop between chunks. */
  async ensure(count: number): Promise<number> {
    const t0 = performance.now();
    if (!this.skipped) this.skipStart();
    let made = 0;
    while (this.size < count) {
      const n = Math.min(CHUNK, count - this.size);
      const c: Chunk = {
        buf: Buffer.allocUnsafeSlow(CHUNK_BYTES),
        valOff: new Int32Array(n),
        valLen: new Int32Array(n),
        tsOff: new Int32Array(n),
        keyOff: new Int32Array(n),
        keyLen: new Int32Array(n),
        parts: new Uint8Array(n),
        types: new Uint8Array(n),
        n: 0,
        pos: 0,
      };
      let at = 0;
      // A chunk ends at n events or when its bytes run short (the next one starts where this left off).
      while (c.n < n && at < CHUNK_BYTES - 65_536) {
        for (const e of this.sim.next(Math.min(1024, n - c.n))) {
          const key = this.keys.key(e);
          const s = JSON.stringify(e);
          const i = c.n++;
          const len = c.buf.write(s, at, 'utf8');
          const ts = c.buf.indexOf('"ts":', at) + 5;
          if (ts < 5 || ts >= at + len || !/^\d{13}[,}]/.test(c.buf.toString('latin1', ts, ts + 14))) throw new Error(`unexpected ts in ${s.slice(0, 120)}`);
          c.valOff[i] = at;
          c.valLen[i] = len;
          c.tsOff[i] = ts;
          at += len;
          c.keyOff[i] = at;
          c.keyLen[i] = c.buf.write(key, at, 'utf8');
          at += c.keyLen[i]!;
          c.parts[i] = partitionOf(key, PARTITIONS);
          c.types[i] = EVENT_TYPES.indexOf(e.type);
        }
      }
      this.chunks.push(c);
      this.size += c.n;
      made += c.n;
      await new Promise((r) => setImmediate(r));
    }
    const seconds = (performance.now() - t0) / 1000;
    this.generated += made;
    this.generatingSeconds += seconds;
    return made / Math.max(1e-3, seconds);
  }

  /**
   * Generates the next `count` events and writes them to `file` (for the Go
   * generator), chunk by chunk, so at most one chunk is held here.
   */
  async dump(count: number, file: string): Promise<number> {
    const t0 = performance.now();
    const fd = openSync(file, 'w');
    const tab = Buffer.from('\t');
    const nl = Buffer.from('\n');
    const partNames = Array.from({ length: 256 }, (_, i) => Buffer.from(String(i)));
    const typeNames = EVENT_TYPES.map((t) => Buffer.from(t));
    try {
      let left = count;
      while (left > 0) {
        if (this.size === 0) await this.ensure(Math.min(CHUNK, left));
        const parts: Buffer[] = [];
        left -= this.take(Math.min(this.size, left), (c, i) => {
          const k = c.keyOff[i]!;
          const v = c.valOff[i]!;
          parts.push(partNames[c.parts[i]!]!, tab, typeNames[c.types[i]!]!, tab, c.buf.subarray(k, k + c.keyLen[i]!), tab, c.buf.subarray(v, v + c.valLen[i]!), nl);
        });
        const block = Buffer.concat(parts);
        for (let at = 0; at < block.length; ) at += writeSync(fd, block, at);
      }
    } finally {
      closeSync(fd);
    }
    return (performance.now() - t0) / 1000;
  }

  /** Shares of the pooled events by type. */
  byType(): Record<string, number> {
    const counts = EVENT_TYPES.map(() => 0);
    for (const c of this.chunks) for (let i = c.pos; i < c.n; i++) counts[c.types[i]!]!++;
    return Object.fromEntries(EVENT_TYPES.map((t, i) => [t, counts[i]! / Math.max(1, this.size)]));
  }

  /** Takes up to `n` events in stream order, calling `take` with the chunk and index of each. */
  take(n: number, take: (c: Chunk, i: number) => void): number {
    let got = 0;
    while (got < n && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const end = Math.min(c.n, c.pos + (n - got));
      for (let i = c.pos; i < end; i++) take(c, i);
      got += end - c.pos;
      c.pos = end;
      if (c.pos >= c.n) this.chunks.shift();
    }
    this.size -= got;
    return got;
  }
}

interface Queued {
  c: Chunk;
  i: number;
  /** Rate mode: when it fell due (ms, performance.now()). */
  due: number;
}

class Lanes {
  readonly queues: Queued[][];
  readonly busy: boolean[];
  inFlight = 0;
  sent = 0;
  acked = 0;
  failed = 0;
  lastError = '';
  reqMs: number[] = [];
  reqMessages = 0;
  waits: number[] = [];
  private idle: (() => void) | null = null;

  constructor(private readonly producer: Producer) {
    this.queues = Array.from({ length: PARTITIONS }, () => []);
    this.busy = new Array(PARTITIONS).fill(false);
  }

  queued(): number {
    let n = 0;
    for (const q of this.queues) n += q.length;
    return n;
  }

  /** Sends the queue of every idle lane (at most MAX_REQUEST messages each). */
  pump(): void {
    for (let p = 0; p < PARTITIONS; p++) if (!this.busy[p] && this.queues[p]!.length > 0) this.dispatch(p);
  }

  private dispatch(p: number): void {
    const q = this.queues[p]!;
    const batch = q.length <= MAX_REQUEST ? q.splice(0) : q.splice(0, MAX_REQUEST);
    const t = performance.now();
    if (batch[0]!.due > 0) this.waits.push(t - batch[0]!.due);
    // The event's time is now: the moment it is handed to the producer,
    // written over its ts digits in place; kafkajs gets views of the bytes.
    const now = String(Date.now());
    const messages: Message[] = new Array(batch.length);
    for (let k = 0; k < batch.length; k++) {
      const { c, i } = batch[k]!;
      c.buf.write(now, c.tsOff[i]!, 13, 'latin1');
      const v = c.valOff[i]!;
      const key = c.keyOff[i]!;
      messages[k] = { key: c.buf.subarray(key, key + c.keyLen[i]!), value: c.buf.subarray(v, v + c.valLen[i]!), partition: p };
    }
    this.busy[p] = true;
    this.inFlight++;
    this.sent += batch.length;
    this.producer
      .send({ topic: TOPIC, acks: 1, messages })
      .then(
        () => {
          this.acked += batch.length;
          this.reqMs.push(performance.now() - t);
          this.reqMessages += batch.length;
        },
        (e: unknown) => {
          this.failed += batch.length;
          this.lastError = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        this.busy[p] = false;
        this.inFlight--;
        if (this.queues[p]!.length > 0) this.dispatch(p);
        else if (this.inFlight === 0) this.idle?.();
      });
  }

  /** Resolves when nothing is queued or in flight. */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.queued() > 0) {
      this.pump();
      await new Promise<void>((r) => {
        this.idle = r;
        setTimeout(r, 50);
      });
    }
    this.idle = null;
  }
}

function pct(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  // Generating may start before Kafka is up: the producer connects on {op:'connect'}.
  let producer: Producer | null = null;
  const pool = new Pool();
  let credit = 0;
  let lanes: Lanes | null = null;
  let total = 0;
  let byType: number[] = [];

  process.on('message', (m: { op: string; file?: string; brokers?: string[]; count?: number; mode?: RunMode; rate?: number; seconds?: number; allow?: number }) => {
    const fail = (e: unknown) => send({ op: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
    switch (m.op) {
      case 'connect': {
        const kafka = new Kafka({ clientId: 'streamscore-bench-e2e', brokers: m.brokers!, logLevel: logLevel.NOTHING });
        const p = kafka.producer({ createPartitioner: () => ({ message }) => message.partition!, allowAutoTopicCreation: false });
        p.connect().then(() => {
          producer = p;
          send({ op: 'connected' });
        }, fail);
        break;
      }
      case 'dump':
        pool.dump(m.count!, m.file!).then((seconds) => send({ op: 'dumped', count: m.count, seconds, skipped: pool.skip }), fail);
        break;
      case 'ensure':
        pool.ensure(m.count!).then((rate) => send({ op: 'ensured', pool: pool.size, generatedPerSecond: rate, skipped: pool.skip, byType: pool.byType() }), fail);
        break;
      case 'credit':
        credit = Math.max(credit, m.allow!);
        if (lanes) fill();
        break;
      case 'run':
        run(m.mode!, m.rate ?? 0, m.seconds!).then((r) => send(r), fail);
        break;
      case 'close':
        (producer?.disconnect() ?? Promise.resolve()).finally(() => process.exit(0));
        break;
    }
  });

  /** Credit mode: queue events up to the credit, keeping each lane's queue at one request ahead. */
  function fill(): void {
    const l = lanes!;
    const room = Math.min(credit - total, PARTITIONS * MAX_REQUEST * 2 - l.queued());
    if (room > 0) {
      total += pool.take(room, (c, i) => {
        l.queues[c.parts[i]!]!.push({ c, i, due: 0 });
        byType[c.types[i]!]!++;
      });
    }
    l.pump();
  }

  async function run(mode: RunMode, rate: number, seconds: number): Promise<RunResult> {
    if (producer === null) throw new Error('run before connect');
    const l = new Lanes(producer);
    lanes = l;
    pauses.length = 0;
    byType = EVENT_TYPES.map(() => 0);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let taken = 0;
    let lastTick = t0;
    let unsent = 0;
    let toppedUp = 0;
    while (performance.now() < end) {
      const now = performance.now();
      if (mode === 'rate') {
        const due = Math.floor(((now - t0) * rate) / 1000);
        if (due > taken) {
          const base = taken;
          let k = 0;
          const got = pool.take(due - taken, (c, i) => {
            l.queues[c.parts[i]!]!.push({ c, i, due: t0 + ((base + k++) * 1000) / rate });
            byType[c.types[i]!]!++;
          });
          taken += got;
          total += got;
          if (got === 0 && pool.size === 0) break;
          l.pump();
        }
      } else {
        // An undersized pool is topped up here; the backlog keeps serve busy meanwhile.
        if (pool.size < 2 * CHUNK) {
          const before = pool.size;
          await pool.ensure(pool.size + 2 * CHUNK);
          toppedUp += pool.size - before;
        }
        fill();
        // A burst (a fixed credit, no raises): done once it is all sent.
        if (mode === 'burst' && total >= credit && l.queued() === 0) break;
      }
      if (now - lastTick >= 1000) {
        lastTick = now;
        send({ op: 'tick', sent: l.sent, acked: l.acked, queued: l.queued(), failed: l.failed });
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const seconds_ = (performance.now() - t0) / 1000;
    unsent = l.queued();
    lanes = null;
    await l.drain();
    const cpu = process.cpuUsage(cpu0);
    l.reqMs.sort((a, b) => a - b);
    l.waits.sort((a, b) => a - b);
    if (l.failed > 0) send({ op: 'error', message: `${l.failed} events failed to produce: ${l.lastError}` });
    return {
      op: 'ran',
      mode,
      sent: l.sent,
      acked: l.acked,
      failed: l.failed,
      seconds: seconds_,
      byType: Object.fromEntries(EVENT_TYPES.map((t, i) => [t, byType[i]!])),
      request: { count: l.reqMs.length, p50: pct(l.reqMs, 0.5), p99: pct(l.reqMs, 0.99), max: l.reqMs.at(-1) ?? NaN, meanMessages: l.reqMessages / Math.max(1, l.reqMs.length) },
      queueWait: { p50: pct(l.waits, 0.5), p99: pct(l.waits, 0.99), max: l.waits.at(-1) ?? NaN },
      unsentAtEnd: unsent,
      poolLeft: pool.size,
      generatedDuringRun: toppedUp,
      pauses: pauses.splice(0),
      cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
    };
  }

  send({ op: 'ready' });
}

main().catch((e: unknown) => {
  send({ op: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  process.exit(1);
});
