// WebSocket scoring API benchmark: requests/s and latency of {"op":"score"}
// on /ws for single-event and 100-event requests, from a load generator in a
// separate process over loopback (BENCH_LOADGEN=go, the default: the Go one in
// bench/loadgen, built here; BENCH_LOADGEN=node: bench/ws-score-client.ts), several
// connections, pipelined requests. The server runs here, in this process,
// with the STAND-IN scoring of the tests (test/helpers/stand-in-scoring.ts:
// the real event validation and a formula, no model), so the figures are
// those of the server, protocol and validation path, not of the fraud model;
// a second server with a constant answer (no validation) shows the server
// and protocol path alone; a third runs the real fraud pipeline of `serve`
// (host/core/pipeline.ts: validation, the WASM features, the shipped
// model, decisions and reasons, writes to the in-memory store). Two kinds of run each: closed loop (max
// throughput) and open loop at a fixed rate (latency under that load).
// `npm run bench:ws` runs this process with the Node flags `serve` has
// (--max-semi-space-size=64 --min-semi-space-size=64
// --initial-old-space-size=256: npm start and the streamscore command), so
// the server's garbage collection is serve's. Reports only: never fails on a time.
//
//   npm run bench:ws        # BENCH_SECONDS (default 10) per run, BENCH_REPEAT (3) runs per row,
//                           # BENCH_CONNECTIONS (4), BENCH_PIPELINE (32 in flight per connection),
//                           # BENCH_ONLY=target (only the 1-event runs at 50,000 req/s),
//                           # BENCH_RATE (50000: the fixed rate of the 1-event open-loop runs),
//                           # BENCH_SCORING=stand-in,constant,pipeline (which servers; all by default),
//                           # BENCH_LOADGEN=go|node (the load generator; go by default)
//                           # BENCH_WS_DUMP=FILE (the Go generator writes each measured request's due time and
//                           # latency there, the last run's; scripts/bench/latency-episodes.py reads it)

import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createMetrics } from '../host/serve/metrics.js';
import { createServer } from '../host/serve/server.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createMemoryStore, type MemoryStore } from '../host/serve/memory-store.js';
import { memoryStoreSink } from '../host/serve/memory-sink.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline } from '../host/core/pipeline.js';
import type { Instrumentation } from '../host/core/instrumentation.js';
import { createStandInScoring } from '../test/helpers/stand-in-scoring.js';
import type { Scoring } from '../host/core/ports.js';
import type { LoadResult } from './ws-score-client.js';
import { buildGoLoadgen, loadgenKind } from './lib/loadgen.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 32);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** BENCH_ONLY=target: only the single-event runs at the target rate (a short run for a quiet moment). */
const TARGET_ONLY = process.env.BENCH_ONLY === 'target';
const SCORINGS = new Set((process.env.BENCH_SCORING ?? 'stand-in,constant,pipeline').split(',').map((s) => s.trim()));
/** The target: 50,000 single-event scores/s with p99 < 2 ms. */
const TARGET_RATE = Number(process.env.BENCH_RATE ?? 50_000);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const MODEL = join(HERE, '..', '..', 'models', 'fraud-ecommerce.txt');
const CLIENT = join(HERE, 'ws-score-client.js');
const LOADGEN = loadgenKind();
const GO_BIN = LOADGEN === 'go' ? buildGoLoadgen(join(HERE, '..', '..')) : '';

const run = promisify(execFile);

async function load(url: string, mode: 'closed' | 'open', events: number, arg: number): Promise<LoadResult> {
  const args = [url, mode, String(events), String(CONNECTIONS), String(arg), String(SECONDS), String(WARMUP)];
  const { stdout } = await (LOADGEN === 'go' ? run(GO_BIN, ['ws', ...args], { maxBuffer: 1 << 20 }) : run(process.execPath, [CLIENT, ...args], { maxBuffer: 1 << 20 }));
  return JSON.parse(stdout) as LoadResult;
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Scores nothing: a constant answer per event, to show the server and protocol path alone. */
const constantScoring: Scoring = { score: (events) => events.map(() => ({ eventId: 'e', fraudScore: 0.1, decision: 'allow' as const, reasons: [] })) };

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const results: { name: string; r: LoadResult; serverCpu: number; p99Range: string }[] = [];

  const withServer = async (makeScoring: (store: MemoryStore, instrumentation: Instrumentation) => Scoring, steps: (url: string) => Promise<void>) => {
    const instrumentation = createInstrumentation();
    const store = createMemoryStore();
    const metrics = createMetrics(instrumentation);
    const scoring = makeScoring(store, instrumentation);
    const server = await createServer({ port: 0, host: '127.0.0.1', scoring, store, metrics, instrumentation });
    try {
      await steps(`ws://127.0.0.1:${server.port}/ws`);
    } finally {
      server.close();
      store.close();
      metrics.close();
    }
  };

  /**
   * Runs one load REPEAT times and keeps the median run: by requests/s for a
   * closed loop, by p99 for an open loop. The machine may be shared, so the
   * spread of p99 over the repeats is reported too.
   */
  const step = async (url: string, name: string, mode: 'closed' | 'open', events: number, arg: number) => {
    process.stderr.write(`${name} ...\n`);
    const runs: { r: LoadResult; serverCpu: number }[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await load(url, mode, events, arg);
      const cpu = process.cpuUsage(cpu0);
      // Over the whole run (warm-up included): the server's share of one core.
      const serverCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
      runs.push({ r, serverCpu });
      process.stderr.write(`  ${int(r.requestsPerSecond)} req/s, ${int(r.scoresPerSecond)} scores/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, errors ${r.errors}, server CPU ${serverCpu.toFixed(2)}, client CPU ${r.clientCpu}, load ${loadavg()[0]!.toFixed(2)}\n`);
    }
    runs.sort((a, b) => (mode === 'closed' ? a.r.requestsPerSecond - b.r.requestsPerSecond : a.r.latencyMs.p99 - b.r.latencyMs.p99));
    const p99s = runs.map((x) => x.r.latencyMs.p99).sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)]!;
    results.push({ name, ...median, p99Range: `${p99s[0]}-${p99s[p99s.length - 1]}` });
    return median.r;
  };
  const conns = `${CONNECTIONS} conns x ${PIPELINE} in flight`;

  /** The single-event runs, then (unless BENCH_ONLY=target) the 100-event runs at max and at half of it. */
  const singleAndBatch = async (url: string, label: string) => {
    if (!TARGET_ONLY) await step(url, `${label}: 1 event, max throughput (${conns})`, 'closed', 1, PIPELINE);
    await step(url, `${label}: 1 event, fixed rate ${int(TARGET_RATE)} req/s`, 'open', 1, TARGET_RATE);
    if (TARGET_ONLY) return;
    const max100 = await step(url, `${label}: 100 events, max throughput (${conns})`, 'closed', 100, PIPELINE);
    const half = Math.max(100, Math.floor(max100.requestsPerSecond / 2 / 100) * 100);
    await step(url, `${label}: 100 events, fixed rate ${int(half)} req/s (about half the max)`, 'open', 100, half);
  };
  if (SCORINGS.has('stand-in')) await withServer(() => createStandInScoring(), (url) => singleAndBatch(url, 'stand-in'));
  if (SCORINGS.has('constant')) {
    await withServer(() => constantScoring, async (url) => {
      if (!TARGET_ONLY) await step(url, `constant answer: 1 event, max throughput (${conns})`, 'closed', 1, PIPELINE);
      await step(url, `constant answer: 1 event, fixed rate ${int(TARGET_RATE)} req/s`, 'open', 1, TARGET_RATE);
    });
  }
  if (SCORINGS.has('pipeline')) {
    // serve's fraud job alone (SERVE_JOBS=none): the requests carry purchases only.
    const pipeline = (store: MemoryStore, instrumentation: Instrumentation) =>
      new Pipeline({ fraud: new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 }), stages: [], sinks: [memoryStoreSink(store)], instrumentation });
    await withServer(pipeline, (url) => singleAndBatch(url, 'fraud pipeline'));
  }

  const cpu = cpus();
  const machine = `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}, 1-min load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end (2 of it is this benchmark)`;
  process.stdout.write(`Machine: ${machine}\n`);
  process.stdout.write(
    `Command: ${TARGET_ONLY ? 'BENCH_ONLY=target ' : ''}npm run bench:ws (BENCH_SECONDS=${SECONDS}, ${WARMUP} s warm-up, ${CONNECTIONS} connections, median of ${REPEAT} runs each; server's Node flags: ${process.execArgv.join(' ') || 'none'}; load generator: ${LOADGEN === 'go' ? 'Go, bench/loadgen (gorilla/websocket)' : 'Node, bench/ws-score-client.ts (ws)'})\n\n`,
  );
  process.stdout.write(
    table(
      ['run', 'requests/s', 'scores/s', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', `p99 over ${REPEAT} runs (ms)`, 'server CPU', 'client CPU', 'errors'],
      results.map(({ name, r, serverCpu, p99Range }) => [
        name, int(r.requestsPerSecond), int(r.scoresPerSecond), r.latencyMs.p50, r.latencyMs.p90, r.latencyMs.p99, r.latencyMs.p999, r.latencyMs.max,
        p99Range, serverCpu.toFixed(2), r.clientCpu.toFixed(2), r.errors,
      ]),
    ) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
