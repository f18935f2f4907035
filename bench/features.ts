// Fraud-feature benchmark: events per second through the WASM feature code
// alone (no parsing, no hashing, no IO: the stream is generated and hashed
// into columns up front), and the latency of one featuresRun call for
// batches of 1, 100 and 1,000 events (tinybench: mean, p50, p99); then the
// same with a 300-tree model scoring each purchase row in place (features +
// scoring, the whole WASM part of serving a purchase). Reports only: never
// fails on a time. Prints markdown for docs/PERFORMANCE.md and bench/results/.
//
//   npm run bench:features    # BENCH_TIME_MS sets tinybench's time per task (default 2000)

import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { FeatureEngine, STAT } from '../host/fraud/features.js';
import { NUM_COLUMNS } from '../host/fraud/columns.js';
import { GbtEngine, type ModelInfo } from '../host/gbt/engine.js';
import { train } from '../host/train/train.js';
import { checkParams } from '../host/train/params.js';
import { modelText } from '../host/train/model.js';
import { loadModel, parseModel } from '../host/gbt/load.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 as rng } from '../host/train/split.js';
import { generate, fill, ipTable, type Stream } from './lib/fraud-stream.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2000);
const EVENTS = 1_000_000;
const BATCHES = [1, 100, 1000];

function sig(v: number): string {
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

async function main(): Promise<void> {
  process.stderr.write(`generating ${EVENTS.toLocaleString('en-US')} events...\n`);
  const s = generate(EVENTS);
  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push(`Node ${process.version}, ${cpu}, ${cpus().length} cores; ${NUM_COLUMNS} columns, ${new FeatureEngine().width} features a purchase row.`);
  lines.push('');

  // Throughput: the whole stream once, in batches of 1,000, timing only featuresRun.
  {
    const e = new FeatureEngine({ capacity: 1000 });
    e.loadIpRanges(ipTable());
    let runMs = 0;
    let allMs = 0;
    for (let from = 0; from < s.n; from += 1000) {
      const t0 = performance.now();
      fill(e.columns(), s, from, 1000);
      const t1 = performance.now();
      e.run(1000);
      const t2 = performance.now();
      runMs += t2 - t1;
      allMs += t2 - t0;
    }
    const users = e.stat(100);
    const rowsWritten = e.stat(STAT.rows);
    // The stream again, 500 s of event time later: the same entities, all
    // still in their windows, on tables that have stopped growing (a
    // long-running serve's steady state).
    let warmMs = 0;
    for (let from = s.n; from < 2 * s.n; from += 1000) {
      fill(e.columns(), s, from, 1000);
      const t1 = performance.now();
      e.run(1000);
      warmMs += performance.now() - t1;
    }
    lines.push('| measure | value |');
    lines.push('| --- | --- |');
    lines.push(`| events/s, featuresRun only (batches of 1,000) | ${sig((s.n / runMs) * 1000)} |`);
    lines.push(`| events/s, featuresRun only, the stream again on the warm state | ${sig((s.n / warmMs) * 1000)} |`);
    lines.push(`| events/s, copying into the columns + featuresRun | ${sig((s.n / allMs) * 1000)} |`);
    lines.push(`| feature rows written | ${rowsWritten.toLocaleString('en-US')} |`);
    lines.push(`| state after the stream | ${sig(e.stat(STAT.stateBytes) / 2 ** 20)} MiB for ${users.toLocaleString('en-US')} users, ${e.stat(101).toLocaleString('en-US')} devices, ${e.stat(102).toLocaleString('en-US')} IPs |`);
    lines.push(`| state bytes / tracked user (all 12 tables, all live in the 24h windows) | ${sig(e.stat(STAT.stateBytes) / users)} |`);
    lines.push('');
  }

  // Latency per batch size, on a warm engine that keeps streaming forward.
  const e = new FeatureEngine({ capacity: 1000 });
  e.loadIpRanges(ipTable());
  let cursor = 0;
  fill(e.columns(), s, 0, 1000);
  e.run(1000);
  cursor = 1000;
  const bench = new Bench({ time: TIME_MS, warmupTime: 200, warmupIterations: 10 });
  for (const b of BATCHES) {
    bench.add(`batch ${b}`, () => {
      fill(e.columns(), s, cursor, b);
      e.run(b);
      cursor += b;
    });
  }
  await latencyTable(bench, lines);
  lines.push('');
  lines.push('Latency includes copying the batch into the columns from typed arrays (no hashing, no parsing).');
  lines.push('');
  await withModel(s, lines);
  process.stdout.write(lines.join('\n') + '\n');
}

// A 300-tree, 31-leaf model over the 85 features, trained here by our own
// trainer on the stream's first purchase rows (a label that depends on
// velocity and device sharing, so the trees are full), then features +
// scoring per batch with the rows written straight into the scorer's input.
async function withModel(s: Stream, lines: string[]): Promise<void> {
  process.stderr.write('training a 300-tree model on the stream\'s features...\n');
  const warm = new FeatureEngine({ capacity: 1000 });
  warm.loadIpRanges(ipTable());
  const width = warm.width;
  const rows: number[][] = [];
  for (let from = 0; from < 200_000; from += 1000) {
    fill(warm.columns(), s, from, 1000);
    const n = warm.run(1000);
    const m = warm.rows(n);
    for (let k = 0; k < n; k++) rows.push(Array.from(m.subarray(k * width, (k + 1) * width)));
  }
  const name = (f: string) => warm.names.indexOf(f);
  const r = rng(7);
  const labels = Float64Array.from(rows, (x) => ((x[name('user_purchases_1h')]! > 1 || x[name('device_distinct_users_24h')]! > 2) !== r() < 0.1 ? 1 : 0));
  const result = train(
    { file: 'bench', labelName: 'y', featureNames: [...warm.names], columns: warm.names.map((_, f) => Float64Array.from(rows, (x) => x[f]!)), labels, lines: new Int32Array(rows.length), numRows: rows.length },
    checkParams({ trees: 300, numLeaves: 31, validFraction: 0, earlyStoppingRounds: 0, minDataInLeaf: 5 }),
  );
  const leaves = result.trees.reduce((n, t) => n + t.numLeaves, 0) / result.trees.length;
  await scoreStream(s, lines, `Features + a ${result.trees.length}-tree model (mean ${leaves.toFixed(1)} leaves a tree)`, (gbt) =>
    gbt.load(parseModel(new TextEncoder().encode(modelText(result)), 'bench model').blob, { compile: 'auto' }),
  );
  // The model serve ships (300 trees of 4 leaves: the table layout), on the same stream.
  const shipped = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'models', 'fraud-ecommerce.txt');
  await scoreStream(s, lines, 'Features + the shipped fraud model (models/fraud-ecommerce.txt: 300 trees of 4 leaves)', (gbt) => gbt.load(loadModel(shipped).blob, { compile: 'auto' }));
}

/** Features + scoring of every purchase row in place, the model loaded by `load` as serve loads it (compiled when its trees are small enough). */
async function scoreStream(s: Stream, lines: string[], title: string, load: (gbt: GbtEngine) => ModelInfo): Promise<void> {
  const gbt = new GbtEngine();
  const model = load(gbt);
  const e = new FeatureEngine({ capacity: 1000, engine: gbt });
  e.loadIpRanges(ipTable());
  const step = (from: number, b: number): number => {
    fill(e.columns(), s, from, b);
    const at = gbt.input(model, b).byteOffset;
    const n = e.run(b, at);
    if (n > 0) gbt.run(model, n);
    return n;
  };
  let purchases = 0;
  const t0 = performance.now();
  for (let from = 0; from < s.n; from += 1000) purchases += step(from, 1000);
  const ms = performance.now() - t0;
  lines.push(`### ${title}`);
  lines.push('');
  lines.push('| measure | value |');
  lines.push('| --- | --- |');
  lines.push(`| events/s, columns + featuresRun + score (batches of 1,000) | ${sig((s.n / ms) * 1000)} |`);
  lines.push(`| purchase events/s (purchases scored per second) | ${sig((purchases / ms) * 1000)} |`);
  lines.push(`| scorer | ${model.compiled !== null ? 'the model compiled to WASM (compile: auto, as serve)' : model.table ? 'the table layout (as serve)' : 'the interpreter'} |`);
  lines.push(`| purchases in the stream | ${purchases.toLocaleString('en-US')} of ${s.n.toLocaleString('en-US')} events |`);
  lines.push('');
  let cursor = s.n;
  const bench = new Bench({ time: TIME_MS, warmupTime: 200, warmupIterations: 10 });
  for (const b of BATCHES) {
    bench.add(`batch ${b}`, () => {
      step(cursor, b);
      cursor += b;
    });
  }
  await latencyTable(bench, lines);
  lines.push('');
}

/** Runs the per-batch-size tasks and appends their latency table. */
async function latencyTable(bench: Bench, lines: string[]): Promise<void> {
  await bench.run();
  lines.push('| batch (events) | mean (µs) | p50 (µs) | p99 (µs) | events/s | samples |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  bench.tasks.forEach((t, i) => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
    const b = BATCHES[i]!;
    const l = r.latency;
    lines.push(`| ${b} | ${sig(l.mean * 1000)} | ${sig(l.p50 * 1000)} | ${sig(l.p99 * 1000)} | ${sig((b / l.mean) * 1000)} | ${l.samplesCount} |`);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
