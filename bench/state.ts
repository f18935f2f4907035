// State benchmark (docs/STATE.md): with bench:features' fraud state (the
// 1M-event stream twice over: every entity live, about 600 MiB), the
// checkpoint's pause (copying the state image between two batches into the
// last one's buffer: only the pages written since; p50, p99 over
// BENCH_STATE_SNAPSHOTS, each after another 5,000 events, then 50,000: a
// second at 5,000 and at 50,000 events/s, then each after 250,000: five
// seconds at 50,000), the bytes a whole
// checkpoint and a delta one write and how fast (to STATE_DIR on local
// disk, flushed), the restore (read, checked, loaded: MB/s), and serve's
// start to /ready with that checkpoint against with none. Then serve end to
// end on a simulated file with checkpoints every second against none:
// events/s (one run each, same file). Reports only: never fails on a time.
// Prints markdown for docs/PERFORMANCE.md and bench/results/.
//
//   npm run bench:state    # BENCH_STATE_DIR: where the checkpoints go (default: a temp directory)

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { FraudScorer } from '../host/fraud/scorer.js';
import { STAT } from '../host/fraud/features.js';
import { StateDir } from '../host/state/state-dir.js';
import { storePart, loadPart, type StoredPart } from '../host/state/checkpoint.js';
import { FULL_EVERY } from '../host/state/checkpointer.js';
import { buildId, DIRTY_PAGE } from '../host/wasm/image.js';
import { namesHash } from '../host/fraud/catalog.js';
import { Simulator } from '../host/simulator/simulator.js';
import { generate, fill, ipTable } from './lib/fraud-stream.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/host/cli/main.js');
const MODEL = join(ROOT, 'models/fraud-ecommerce.txt');
const SNAPSHOTS = Number(process.env.BENCH_STATE_SNAPSHOTS ?? 20);
const EVENTS = 1_000_000;
const MiB = 2 ** 20;

function sig(v: number): string {
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function readyAfter(args: string[]): Promise<{ ms: number; log: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--bind', '127.0.0.1', ...args], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b: Buffer) => (log += b));
  try {
    for (;;) {
      const m = /listening on [^\s:]*:(\d+)/.exec(log);
      if (m) {
        const r = await fetch(`http://127.0.0.1:${m[1]}/ready`).catch(() => null);
        if (r?.status === 200) return { ms: performance.now() - t0, log };
      }
      if (child.exitCode !== null) throw new Error(`serve exited: ${log}`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function eventsPerSecond(file: string, events: number, args: string[]): Promise<{ rate: number; log: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--bind', '127.0.0.1', '--source', `file:${file}`, ...args], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let t0 = 0;
  child.stderr.on('data', (b: Buffer) => {
    log += b;
    if (t0 === 0 && log.includes('listening on')) t0 = performance.now();
  });
  while (!log.includes('ended')) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${log}`);
    await sleep(5);
  }
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { rate: events / (ms / 1000), log };
}

async function main(): Promise<void> {
  const dir = process.env.BENCH_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'streamscore-bench-state-'));
  const lines: string[] = [`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; checkpoints in ${dir}.`, ''];
  process.stderr.write('building the fraud state of bench:features (2M events)...\n');
  const s = generate(EVENTS);
  const scorer = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 1000, ipRanges: ipTable() });
  const f = scorer.features;
  let at = 0;
  const feed = (n: number) => {
    for (const end = at + n; at < end; at += 1000) {
      fill(f.columns(), s, at, 1000);
      f.run(1000);
    }
  };
  feed(2 * EVENTS);
  const stateMiB = f.stat(STAT.stateBytes) / MiB;

  // The pause: each checkpoint copies the image into the last one's buffer (the pages written since).
  let buffer: Uint8Array | undefined;
  let image: Uint8Array = new Uint8Array(0);
  const pagesOf = (bytes: number) => bytes / DIRTY_PAGE;
  const pausesAfter = (events: number, n: number) => {
    const pauses: number[] = [];
    const copied: number[] = [];
    for (let k = 0; k < n; k++) {
      feed(events);
      const t0 = performance.now();
      const part = scorer.snapshot(buffer);
      pauses.push(performance.now() - t0);
      image = part.image!;
      copied.push(part.changed === null || part.changed === undefined ? pagesOf(image.byteLength) : part.changed.length);
      buffer = new Uint8Array(image.buffer);
    }
    return { pauses, copied };
  };
  const first = pausesAfter(50_000, 1).pauses[0]!;
  const tenth = pausesAfter(5_000, SNAPSHOTS);
  const second = pausesAfter(50_000, SNAPSHOTS);
  const fifth = pausesAfter(250_000, Math.max(3, SNAPSHOTS / 4));
  // A/B: the same copy whole, into a reused buffer that is not the last copy (what each checkpoint paused for before the engine marked its writes).
  const other = new Uint8Array(image.byteLength);
  other.fill(1);
  const stamp = scorer.gbt.exports.stateDirty() + 2 ** 32 / DIRTY_PAGE; // where a copy's stamp is: spoilt, the copy is whole
  const wholeCopies: number[] = [];
  for (let k = 0; k < Math.max(3, SNAPSHOTS / 4); k++) {
    feed(50_000);
    other[stamp] = other[stamp]! ^ 0xff;
    const t0 = performance.now();
    const part = scorer.snapshot(other);
    wholeCopies.push(performance.now() - t0);
    if (part.changed !== null) throw new Error('the A/B copy was not whole');
  }
  const share = (pages: number[]) => `${sig((pct(pages, 0.5) * DIRTY_PAGE) / MiB)} MiB (${sig((100 * pct(pages, 0.5)) / pagesOf(image.byteLength))}% of the pages)`;
  lines.push('| measure | value |', '| --- | --- |');
  lines.push(`| fraud state (tables) / image (WASM memory) | ${sig(stateMiB)} MiB / ${sig(image.byteLength / MiB)} MiB |`);
  lines.push(`| checkpoint pause, first (a new buffer: every page copied, page faults) | ${sig(first)} ms |`);
  lines.push(`| checkpoint pause p50 / p99, 5,000 events apart (a second at 5,000 events/s; ${tenth.pauses.length} checkpoints) | ${sig(pct(tenth.pauses, 0.5))} / ${sig(pct(tenth.pauses, 0.99))} ms: ${share(tenth.copied)} copied |`);
  lines.push(`| checkpoint pause p50 / p99, 50,000 events apart (a second at 50,000 events/s; ${second.pauses.length} checkpoints) | ${sig(pct(second.pauses, 0.5))} / ${sig(pct(second.pauses, 0.99))} ms: ${share(second.copied)} copied |`);
  lines.push(`| A/B: the copy whole into a reused buffer, p50 / p99 (${wholeCopies.length} checkpoints 50,000 events apart) | ${sig(pct(wholeCopies, 0.5))} / ${sig(pct(wholeCopies, 0.99))} ms |`);
  lines.push(`| checkpoint pause p50 / p99, 250,000 events apart (five seconds; ${fifth.pauses.length} checkpoints) | ${sig(pct(fifth.pauses, 0.5))} / ${sig(pct(fifth.pauses, 0.99))} ms: ${share(fifth.copied)} copied |`);

  // Written: a whole checkpoint, then a delta on it 50,000 events later, each flushed.
  const stateDir = join(dir, 'state');
  rmSync(stateDir, { recursive: true, force: true });
  const store = new StateDir({ dir: stateDir });
  const events = join(dir, 'empty.ndjson');
  writeFileSync(events, '');
  const write = async (seq: number, base: number | null, part: StoredPart) => {
    const t1 = performance.now();
    const bytes = await store.write({ seq, build: buildId(), catalogue: namesHash(), createdAt: Date.now(), base, source: { name: `file:${events}`, position: { line: 1, byte: 0 } }, sinks: {}, parts: { fraud: part } });
    return { bytes, ms: performance.now() - t1 };
  };
  const wholePart = scorer.snapshot(buffer);
  const whole = await write(1, null, storePart(wholePart));
  buffer = new Uint8Array(wholePart.image!.buffer);
  feed(50_000);
  const deltaPart = scorer.snapshot(buffer);
  if (!deltaPart.changed) throw new Error('the second checkpoint was not a delta');
  const delta = await write(2, 1, storePart(deltaPart));
  const bytes = whole.bytes + delta.bytes;
  lines.push(`| bytes per checkpoint: whole / a delta 50,000 events on (STATE_DIR; a whole one every ${FULL_EVERY}) | ${sig(whole.bytes / MiB)} / ${sig(delta.bytes / MiB)} MiB |`);
  lines.push(`| checkpoint write, flushed to disk: whole / delta | ${sig(whole.ms)} ms (${sig(whole.bytes / MiB / (whole.ms / 1000))} MiB/s) / ${sig(delta.ms)} ms |`);

  // Restore in-process: read and check, then load into a fresh scorer.
  const t2 = performance.now();
  const loaded = (await store.read({ build: buildId(), catalogue: namesHash() }, () => {}))!;
  const t3 = performance.now();
  const fresh = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9, capacity: 1000, ipRanges: ipTable() });
  fresh.restore(loadPart(loaded.checkpoint.parts.fraud!));
  const t4 = performance.now();
  if (fresh.features.stat(STAT.events) !== f.stat(STAT.events)) throw new Error('the restored state differs');
  lines.push(`| restore of the whole checkpoint and the delta: read and check (CRC-32) / load into a fresh instance | ${sig(t3 - t2)} / ${sig(t4 - t3)} ms: ${sig(bytes / MiB / ((t4 - t2) / 1000))} MiB/s |`);

  // serve: start to /ready with that checkpoint, and with none.
  const base = ['--source', `file:${events}`, '--jobs', 'none', '--dead-letter-file', join(dir, 'dead.ndjson')];
  const none = await readyAfter([...base, '--state-dir', join(dir, 'none')]);
  const withState = await readyAfter([...base, '--state-dir', stateDir]);
  if (!withState.log.includes('state restored')) throw new Error(`serve did not restore: ${withState.log}`);
  lines.push(`| serve start to /ready 200: no checkpoint / the ${sig(bytes / MiB)} MiB checkpoint | ${sig(none.ms)} / ${sig(withState.ms)} ms |`);

  // serve end to end on a file: checkpoints every second against none.
  process.stderr.write('serve on a simulated file, checkpoints on and off...\n');
  const n = 1_000_000;
  const file = join(dir, 'sim.ndjson');
  writeFileSync(file, new Simulator({ seed: 2, rate: 50 }).next(n).map((e) => JSON.stringify(e)).join('\n') + '\n');
  const common = ['--dead-letter-file', join(dir, 'dead.ndjson')];
  const off = await eventsPerSecond(file, n, [...common, '--checkpoint-interval', '0']);
  const on = await eventsPerSecond(file, n, [...common, '--checkpoint-interval', '1', '--state-dir', join(dir, 'e2e')]);
  lines.push(`| serve on a 1M-event simulated file (all jobs), checkpoints off / every second | ${sig(off.rate)} / ${sig(on.rate)} events/s |`);
  process.stdout.write(lines.join('\n') + '\n');
  if (process.env.BENCH_STATE_DIR === undefined) rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
