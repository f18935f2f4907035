// Recommendation benchmark: interactions per second into the WASM engine
// and recommendation latency, on a generated stream of 10,000,000
// interactions over a 100,000-item catalogue (BENCH_INTERACTIONS,
// BENCH_ITEMS override). Reports only: never fails on a time. Prints
// markdown for docs/PERFORMANCE.md and bench/results/.
//
// The stream: 1,000,000 shoppers (the busiest 1% start 10% of sessions),
// sessions of about 8 interactions 30-120 s apart (70% views, 20% carts,
// 10% purchases), items 80% from the shopper's taste (one of 1,000
// categories of 100 items, Zipf-like inside) and 20% from the whole
// catalogue (the top 1% of items draw a fifth of those). Ids are
// hashed and rows written up front; the timed part is copying each batch of
// 4,096 rows into WASM memory and recsRun. Then 2,000 fresh users each
// browse a 20-item session, and recsRecommend(k = 10) is timed per call,
// as is recsSimilar(k = 20) for 2,000 items. Last, the serve stage
// (host/recs/stage.ts) on its own: 200 batches of 4,096 view/cart events
// from 20,000 users over the simulator's 2,000 items, the stage's clock
// moving at 100,000 events/s (BENCH_STAGE_RATE), once with every user's
// list recomputed each batch (userRefreshMs 0) and once per setting in
// BENCH_STAGE_USER_REFRESH_MS (default "0,2000"); BENCH_STAGE_ONLY=1 runs
// only this part.
//
//   npm run bench:recs

import { cpus } from 'node:os';
import { RecsEngine } from '../host/recs/engine.js';
import { hashInto } from '../host/core/hash.js';
import { RecsStage } from '../host/recs/stage.js';
import type { BatchOutput, Event } from '../host/core/ports.js';
import { mulberry32 as rng } from '../host/train/split.js';

const N = Number(process.env.BENCH_INTERACTIONS ?? 10_000_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const USERS = 1_000_000;
const CATEGORIES = 1000;
const BATCH = 4096;
const PROBES = 2000;

// A Zipf-like draw in [0, n): rank ~ n^u - 1 (popular low ranks).
const zipf = (r: () => number, n: number) => Math.min(n - 1, Math.floor(Math.pow(n + 1, r()) - 1));

interface Stream {
  rows: Uint8Array; // 24 bytes a row, as recsInputPtr() takes them
  n: number;
  spanMs: number;
}

function generate(n: number): Stream {
  const r = rng(1);
  const rows = new Uint8Array(n * 24);
  const dv = new DataView(rows.buffer);
  const h = new Uint32Array(2);
  const perCategory = Math.max(1, Math.floor(ITEMS / CATEGORIES));
  let ts = Date.UTC(2026, 0, 1);
  let k = 0;
  while (k < n) {
    const user = Math.floor(USERS * Math.pow(r(), 2)); // the busiest 1% of shoppers: 10% of sessions
    const taste = (user * 2654435761) % CATEGORIES;
    hashInto(`u${user}`, h, 0);
    const len = 1 + Math.floor(-Math.log(1 - r()) * 8);
    let t = ts;
    for (let s = 0; s < len && k < n; s++, k++) {
      const item = r() < 0.8 ? (taste * perCategory + zipf(r, perCategory)) % ITEMS : Math.floor(ITEMS * Math.pow(r(), 3));
      const u = r();
      const at = k * 24;
      dv.setUint32(at, h[0]!, true);
      dv.setUint32(at + 4, h[1]!, true);
      dv.setFloat64(at + 8, t, true);
      dv.setUint32(at + 16, item, true);
      dv.setUint32(at + 20, u < 0.7 ? 0 : u < 0.9 ? 1 : 2, true);
      t += 30_000 + Math.floor(r() * 90_000);
    }
    ts += 10; // sessions interleave: one starts every 10 ms of event time
  }
  return { rows, n, spanMs: ts - Date.UTC(2026, 0, 1) };
}

function pct(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function latencies(samples: number[]): { mean: number; p50: number; p99: number; max: number } {
  const s = Float64Array.from(samples).sort();
  return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, p50: pct(s, 0.5), p99: pct(s, 0.99), max: s[s.length - 1]! };
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (b: number) => fmt(b / 1048576, 0);

async function main(): Promise<void> {
  const t0 = performance.now();
  const stream = generate(N);
  process.stderr.write(`generated ${fmt(N)} interactions in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const engine = new RecsEngine({ capacity: BATCH });
  for (let i = 0; i < ITEMS; i++) engine.itemIndex(`i${i}`); // dense indices 0..ITEMS-1 = the generated item numbers
  const e = engine.exports;
  let run = 0;
  const start = performance.now();
  const tty = process.stderr.isTTY && !process.env.CI;
  for (let at = 0; at < N; at += BATCH) {
    const n = Math.min(BATCH, N - at);
    new Uint8Array(e.memory.buffer, e.recsInputPtr(), n * 24).set(stream.rows.subarray(at * 24, (at + n) * 24));
    const a = performance.now();
    const s = e.recsRun(n);
    run += performance.now() - a;
    if (s !== n) throw new Error(`recsRun returned ${s}`);
    if (tty && (at / BATCH) % 100 === 0) process.stderr.write(`\r${fmt(at)} interactions...\x1b[K`);
  }
  if (tty) process.stderr.write('\r\x1b[K');
  const wall = (performance.now() - start) / 1000;

  // 20-item sessions for fresh users, then one timed recommendation each.
  const r = rng(2);
  const now = engine.stat('watermark') + 60_000;
  const recTimes: number[] = [];
  let listed = 0;
  for (let p = 0; p < PROBES; p++) {
    const user = `bench-${p}`;
    const taste = Math.floor(r() * CATEGORIES);
    const per = Math.max(1, Math.floor(ITEMS / CATEGORIES));
    for (let s = 0; s < 20; s++) engine.add(user, `i${(taste * per + zipf(r, per)) % ITEMS}`, s % 5 === 4 ? 'cart' : 'view', now + s * 30_000);
    engine.flush();
    hashInto(user, h2, 0);
    const a = performance.now();
    listed += e.recsRecommend(h2[0]!, h2[1]!, 10, now + 20 * 30_000);
    recTimes.push((performance.now() - a) * 1000);
  }
  const simTimes: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const item = Math.floor(ITEMS * Math.pow(r(), 3));
    const a = performance.now();
    e.recsSimilar(item, 20);
    simTimes.push((performance.now() - a) * 1000);
  }
  const rec = latencies(recTimes);
  const sim = latencies(simTimes);
  const rss = process.resourceUsage().maxRSS * 1024;

  const lines = [
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${fmt(N)} interactions, ${fmt(ITEMS)} items, default settings (K 100, at most ${fmt(engine.options.maxPairs)} pairs, ${engine.options.maxHistory} items a user).`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| interactions/s, recsRun only (batches of ${fmt(BATCH)}) | ${fmt(N / (run / 1000))} |`,
    `| interactions/s, copying rows in + recsRun | ${fmt(N / wall)} |`,
    `| event time covered | ${fmt(stream.spanMs / 3_600_000, 1)} h |`,
    `| users live at the end | ${fmt(engine.stat('users'))} |`,
    `| item pairs held / pruned | ${fmt(engine.stat('pairs'))} / ${fmt(engine.stat('pairsPruned'))} |`,
    `| neighbour entries (mean per item) | ${fmt(engine.stat('neighbourEntries'))} (${fmt(engine.stat('neighbourEntries') / ITEMS, 1)}) |`,
    `| engine bytes held (recsStat 4) | ${mib(engine.stat('bytes'))} MiB |`,
    `| WASM linear memory (peak: it never shrinks) | ${mib(e.memory.buffer.byteLength)} MiB |`,
    `| process peak RSS (includes the ${mib(stream.rows.byteLength)} MiB generated stream) | ${mib(rss)} MiB |`,
    '',
    '| call | mean (µs) | p50 (µs) | p99 (µs) | max (µs) | calls |',
    '| --- | --- | --- | --- | --- | --- |',
    `| recsRecommend, k = 10, user with a 20-item session | ${fmt(rec.mean, 1)} | ${fmt(rec.p50, 1)} | ${fmt(rec.p99, 1)} | ${fmt(rec.max, 0)} | ${PROBES} |`,
    `| recsSimilar, k = 20 | ${fmt(sim.mean, 1)} | ${fmt(sim.p50, 1)} | ${fmt(sim.p99, 1)} | ${fmt(sim.max, 0)} | ${PROBES} |`,
    '',
    `(${fmt(listed / PROBES, 1)} items per recommendation on average.)`,
    '',
    ...stageCost(),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

// The serve stage alone: events/s including the per-user recomputation.
// The stage's clock is driven at STAGE_RATE events/s of stream (a batch of
// 4,096 events moves it 41 ms at 100,000/s, the serve target), so the
// per-user interval covers as many batches as it would in serve at that
// rate, whatever this machine's speed. Each setting runs the same stream
// from a fresh engine: STAGE_BATCHES batches, the first STAGE_WARM not timed
// (state warmed up and past the first interval).
const STAGE_RATE = Number(process.env.BENCH_STAGE_RATE ?? 100_000);
const STAGE_BATCHES = Number(process.env.BENCH_STAGE_BATCHES ?? 200);
const STAGE_WARM = Number(process.env.BENCH_STAGE_WARM ?? 50);

function stageCost(): string[] {
  const settings = (process.env.BENCH_STAGE_USER_REFRESH_MS ?? '0,2000').split(',').map(Number);
  const lines = [
    `| RecsStage.process, batches of 4,096 events, clock at ${fmt(STAGE_RATE)} events/s | ms per batch: mean / p50 / p99 | events/s (mean) | user lists per batch | item lists per batch | users waiting at the end |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const ms of settings) {
    const s = stageRun(ms);
    lines.push(`| userRefreshMs ${fmt(ms)}${ms === 0 ? ' (every user every batch)' : ''} | ${fmt(s.l.mean, 1)} / ${fmt(s.l.p50, 1)} / ${fmt(s.l.p99, 1)} | ${fmt(4096 / (s.l.mean / 1000))} | ${fmt(s.users, 0)} | ${fmt(s.items, 0)} | ${fmt(s.pending)} |`);
  }
  return lines;
}

function stageRun(userRefreshMs: number): { l: ReturnType<typeof latencies>; users: number; items: number; pending: number } {
  let clock = Date.UTC(2026, 0, 1);
  const stage = new RecsStage({ userRefreshMs, now: () => clock });
  const r = rng(3);
  let ts = Date.UTC(2026, 0, 1);
  let id = 0;
  const times: number[] = [];
  let users = 0;
  let items = 0;
  for (let b = 0; b < STAGE_BATCHES; b++) {
    const events: Event[] = [];
    for (let k = 0; k < 4096; k++) {
      ts += 2;
      events.push({ eventId: `e${id++}`, type: r() < 0.8 ? 'view' : 'cart', ts, userId: `s${Math.floor(r() * 20_000)}`, itemId: `i${Math.floor(2000 * r() ** 2)}` });
    }
    const out: BatchOutput = { scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [] };
    clock += (4096 / STAGE_RATE) * 1000;
    const a = performance.now();
    stage.process(events, out);
    if (b >= STAGE_WARM) {
      times.push(performance.now() - a);
      for (const x of out.recommendations) if (x.userId !== undefined) users++; else items++;
    }
  }
  return { l: latencies(times), users: users / times.length, items: items / times.length, pending: stage.pendingUsers };
}

if (process.env.BENCH_STAGE_ONLY === '1') {
  process.stdout.write(stageCost().join('\n') + '\n');
  process.exit(0);
}

const h2 = new Uint32Array(2);
await main();
