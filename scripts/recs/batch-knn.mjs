// The exact batch item-kNN on MovieLens-format splits, next to the streaming
// engine, for docs/RECOMMENDATIONS.md: per split, the batch model's metrics
// (cosine, k = 100 neighbours, binary interactions: the reference of
// ../shared/data/README.md) and how many of each item's exact top-100
// neighbours the streaming engine holds after the same ratings, in time
// order (binary weights, so the two compute the same similarity).
//
//   npm run build && node scripts/recs/batch-knn.mjs /work/shared/data/movielens-100k [k]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchItemKnn } from '../../dist/host/recs/reference.js';
import { RecsEngine } from '../../dist/host/recs/engine.js';

const dir = process.argv[2];
const K = Number(process.argv[3] ?? 10);
if (!dir) {
  process.stderr.write('usage: node scripts/recs/batch-knn.mjs DIR_WITH_u1.base..u5.test [k]\n');
  process.exit(2);
}

function read(path) {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l, n) => {
    const [user, item, rating, time] = l.split('\t');
    if (time === undefined || !/^\d+$/.test(time.trim())) throw new Error(`${path}:${n + 1}: expected user TAB item TAB rating TAB unixtime`);
    return { user, item, rating: Number(rating), ts: Number(time) * 1000 };
  });
}

const mean = [0, 0, 0, 0, 0, 0];
console.log('| split | P@10 | R@10 | NDCG@10 | HR@10 | coverage | users | exact top-100 neighbours held by the stream |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of [1, 2, 3, 4, 5]) {
  const train = read(join(dir, `u${s}.base`));
  const test = read(join(dir, `u${s}.test`));
  const model = batchItemKnn(train, { k: 100 });
  const rel = new Map();
  for (const r of test) {
    if (!rel.has(r.user)) rel.set(r.user, new Set());
    rel.get(r.user).add(r.item);
  }
  let p = 0, rc = 0, nd = 0, hr = 0;
  const shown = new Set();
  for (const [u, set] of rel) {
    const recs = model.recommend(u, K);
    let hits = 0, dcg = 0, idcg = 0;
    recs.forEach((it, i) => {
      shown.add(it);
      if (set.has(it)) { hits++; dcg += 1 / Math.log2(i + 2); }
    });
    for (let i = 0; i < Math.min(K, set.size); i++) idcg += 1 / Math.log2(i + 2);
    p += hits / K; rc += hits / set.size; nd += dcg / idcg; hr += hits > 0 ? 1 : 0;
  }
  // The streaming engine on the same ratings in time order, binary weights.
  const engine = new RecsEngine({ maxHistory: 1000, userTtlMs: 3650 * 86_400_000, cartWeight: 1 });
  for (const r of [...train].sort((a, b) => a.ts - b.ts)) engine.add(r.user, r.item, 'view', r.ts);
  engine.flush();
  let held = 0, total = 0;
  for (const it of model.items) {
    const want = model.neighbours(it);
    if (want.length === 0) continue;
    const kth = want[want.length - 1].sim;
    const got = engine.similar(it, 100).filter((x) => x.score >= kth - 1e-6).length;
    held += Math.min(got, want.length);
    total += want.length;
  }
  const n = rel.size;
  const row = [p / n, rc / n, nd / n, hr / n, shown.size / model.items.length];
  row.forEach((x, i) => (mean[i] += x / 5));
  mean[5] += held / total / 5;
  console.log(`| u${s} | ${row.map((x) => x.toFixed(4)).join(' | ')} | ${n} | ${(100 * held / total).toFixed(2)}% |`);
}
console.log(`| mean | ${mean.slice(0, 5).map((x) => x.toFixed(4)).join(' | ')} | | ${(100 * mean[5]).toFixed(2)}% |`);
