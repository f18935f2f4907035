// `streamscore eval recs`: argument parsing and the report
// (host/recs/eval.ts does the work).

import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { evalRecs, EVAL_RECS_OPTIONS, type RecsEvalResult } from '../recs/eval.js';
import type { RecsOptions } from '../recs/engine.js';

/** Runs `eval recs ...`; resolves to the exit code. */
export async function evalRecsCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      k: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      neighbours: { type: 'string' },
      'max-pairs': { type: 'string' },
      'max-history': { type: 'string' },
      similarity: { type: 'string' },
      shrink: { type: 'string' },
      weights: { type: 'string' },
    },
    strict: true,
  });
  if (!values.train) throw new UsageError('eval recs: --train FILE is required (MovieLens format: user TAB item TAB rating TAB unixtime)');
  if (!values.test) throw new UsageError('eval recs: --test FILE is required (MovieLens format)');
  const int = (name: string, v: string | undefined, lo: number, hi: number): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < lo || x > hi) throw new UsageError(`eval recs: --${name} must be a whole number in ${lo}..${hi}, got "${v}"`);
    return x;
  };
  const k = int('k', values.k, 1, 1000)!;
  if (values.similarity !== undefined && values.similarity !== 'cosine' && values.similarity !== 'jaccard') {
    throw new UsageError(`eval recs: --similarity must be cosine or jaccard, got "${values.similarity}"`);
  }
  let shrink: number | undefined;
  if (values.shrink !== undefined) {
    shrink = Number(values.shrink);
    if (!Number.isFinite(shrink) || shrink < 0) throw new UsageError(`eval recs: --shrink must be a number >= 0, got "${values.shrink}"`);
  }
  let weights: number[] | undefined;
  if (values.weights !== undefined) {
    weights = values.weights.split(',').map((w) => Number(w.trim()));
    if (weights.length !== 3 || weights.some((w) => !(w > 0 && w <= 1e6))) throw new UsageError(`eval recs: --weights must be three weights > 0 (view,cart,purchase), got "${values.weights}"`);
  }
  const engine: RecsOptions = {
    ...EVAL_RECS_OPTIONS,
    neighbours: int('neighbours', values.neighbours, 1, 1000),
    maxPairs: int('max-pairs', values['max-pairs'], 1024, 1e9),
    maxHistory: int('max-history', values['max-history'], 1, 10000) ?? EVAL_RECS_OPTIONS.maxHistory,
    similarity: values.similarity as 'cosine' | 'jaccard' | undefined,
    shrink,
    viewWeight: weights?.[0],
    cartWeight: weights?.[1],
    purchaseWeight: weights?.[2],
  };
  const tty = err.isTTY && !process.env.CI;
  let last = 0;
  const r = await evalRecs({
    train: values.train,
    test: values.test,
    k,
    engine,
    onProgress: tty
      ? (stage, n) => {
          const now = Date.now();
          if (now - last < 100) return;
          last = now;
          err.write(`\r${stage} ${n.toLocaleString('en-US')}...\x1b[K`);
        }
      : undefined,
  });
  if (tty) err.write('\r\x1b[K');
  out.write(values.json ? JSON.stringify(summary(r)) + '\n' : report(r));
  return 0;
}

function summary(r: RecsEvalResult) {
  return { precision: r.precision, recall: r.recall, ndcg: r.ndcg, hitRate: r.hitRate, coverage: r.coverage, users: r.users, k: r.k };
}

function report(r: RecsEvalResult): string {
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  const row = (label: string, value: string) => `${label.padEnd(14)}${value}`;
  return [
    row('train', `${r.trainRatings} ratings, ${r.items} items; ${r.pairs} item pairs held (${r.pairsPruned} pruned), ${(r.bytes / 1048576).toFixed(1)} MiB`),
    row('test', `${r.testRatings} ratings, ${r.users} users`),
    row(`precision@${r.k}`, f(r.precision)),
    row(`recall@${r.k}`, f(r.recall)),
    row(`NDCG@${r.k}`, f(r.ndcg)),
    row(`hit rate@${r.k}`, f(r.hitRate)),
    row('coverage', f(r.coverage)),
    row('users', String(r.users)),
    row('time', `${r.trainSeconds.toFixed(1)} s training, ${r.recommendSeconds.toFixed(2)} s recommending`),
    '',
  ].join('\n');
}
