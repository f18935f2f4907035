// A/B of the fraud-feature code of two (or more) builds in one process: each
// build's FeatureEngine gets the same batches of bench/features.ts's stream,
// batch by batch in alternating order, and the time of each build's
// featuresRun calls is summed. On a machine whose speed drifts by a third
// within minutes, builds timed one after the other cannot be told apart
// within 10%; interleaved every batch, they share the drift, and a build
// against a copy of itself comes out within about 0.3%. Each batch's rows
// must be bit for bit the same in every build (it throws where they differ),
// so an A/B is also an exactness check. Reports only: never fails on a time.
//
//   git worktree add /tmp/a HEAD~1 && (cd /tmp/a && npm ci && npm run build)
//   npm run build && taskset -c 1 node dist/bench/features-ab.js /tmp/a . [laps]
//
// Each argument is the root of a built checkout (its dist/ and build/). Lap 1
// grows the tables; laps 2.. run on the warm state (the figures to compare).
// With N builds, N states share the caches: compare builds two at a time.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FeatureEngine } from '../host/fraud/features.js';
import { generate, fill, ipTable } from './lib/fraud-stream.js';

const BATCH = 1000;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const laps = args.length > 2 && /^\d+$/.test(args[args.length - 1]!) ? Number(args.pop()) : 3;
  if (args.length < 2) throw new Error('usage: node dist/bench/features-ab.js ROOT_A ROOT_B [ROOT_C ...] [laps]');
  const roots = args.map((r) => resolve(r));
  const engines: FeatureEngine[] = [];
  for (const root of roots) {
    const mod = (await import(pathToFileURL(`${root}/dist/host/fraud/features.js`).href)) as typeof import('../host/fraud/features.js');
    const e = new mod.FeatureEngine({ capacity: BATCH });
    e.loadIpRanges(ipTable());
    engines.push(e);
  }
  process.stderr.write('generating 1,000,000 events...\n');
  const s = generate(1_000_000);
  const rows: number[][] = [];
  for (let lap = 0; lap < laps; lap++) {
    const ms = engines.map(() => 0);
    for (let from = lap * s.n; from < (lap + 1) * s.n; from += BATCH) {
      const flip = (from / BATCH) % 2 === 1;
      let first: Uint32Array | undefined;
      for (let k = 0; k < engines.length; k++) {
        const i = flip ? engines.length - 1 - k : k;
        const e = engines[i]!;
        fill(e.columns(), s, from, BATCH);
        const t0 = performance.now();
        const n = e.run(BATCH);
        ms[i] = ms[i]! + performance.now() - t0;
        const m = e.rows(n);
        const bits = new Uint32Array(m.buffer, m.byteOffset, m.length * 2);
        if (first === undefined) first = bits.slice();
        else if (bits.length !== first.length || bits.some((x, j) => x !== first![j])) throw new Error(`${roots[i]}: the rows of events ${from}..${from + BATCH - 1} differ from the other build's`);
      }
    }
    rows.push(ms.map((x) => (s.n / x) * 1000));
  }
  const lines = ['| build | ' + rows.map((_, l) => `lap ${l + 1}${l === 0 ? ' (tables growing)' : ''}, events/s`).join(' | ') + ' | warm laps vs the first build |'];
  lines.push('| --- |' + ' --- |'.repeat(rows.length + 1));
  const warm = (i: number) => rows.slice(1).reduce((a, r) => a + r[i]!, 0);
  roots.forEach((root, i) => {
    const ratio = rows.length > 1 ? `${((warm(i) / warm(0) - 1) * 100).toFixed(1)}%` : '';
    lines.push(`| ${root} | ${rows.map((r) => Math.round(r[i]!).toLocaleString('en-US')).join(' | ')} | ${ratio} |`);
  });
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
