// `streamscore eval recs`: MovieLens-format ratings through the streaming
// recommender, then top-k metrics on held-out ratings.
//
// The training file is replayed as events exactly as `replay --source
// movielens` makes them (a view per rating, plus a cart for 4 or more), in
// time order, into the same engine `serve` runs (host/recs/engine.ts). Then
// every user of the test file gets k recommendations at the end of the
// training time, excluding what they saw in training; every test item of the
// user is relevant. Metrics per user, averaged over users:
//   precision@k = hits / k        recall@k = hits / relevant
//   NDCG@k = sum over hits at rank r (1-based) of 1/log2(r + 1), divided by
//            the same sum for min(k, relevant) hits at the top
//   hit rate@k = 1 if any hit
// Coverage: distinct items recommended to anyone / items in the training file.

import { movielensEvents } from '../datasets/movielens-events.js';
import { RecsEngine, type RecsOptions } from './engine.js';

export interface RecsEvalOptions {
  train: string;
  test: string;
  k?: number;
  /** Engine settings; the evaluation's defaults are EVAL_RECS_OPTIONS. */
  engine?: RecsOptions;
  onProgress?: (stage: string, rows: number) => void;
}

/**
 * The engine's defaults except how much of a user it keeps: the whole
 * training history must be remembered to pair, score with and exclude all
 * of it (the largest MovieLens 100k user has 737 ratings), and ratings span
 * seven months, beyond the default 30-day user TTL.
 */
export const EVAL_RECS_OPTIONS: RecsOptions = { maxHistory: 1000, profileItems: 1000, userTtlMs: 3650 * 86_400_000 };

export interface RecsEvalResult {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  coverage: number;
  users: number;
  trainRatings: number;
  testRatings: number;
  items: number;
  pairs: number;
  pairsPruned: number;
  bytes: number;
  /** Seconds spent feeding the training events, and recommending. */
  trainSeconds: number;
  recommendSeconds: number;
}

export async function evalRecs(o: RecsEvalOptions): Promise<RecsEvalResult> {
  const k = o.k ?? 10;
  const engine = new RecsEngine({ ...EVAL_RECS_OPTIONS, ...o.engine });
  const t0 = performance.now();
  let trainRatings = 0;
  for await (const batch of movielensEvents(o.train, { onProgress: (rows) => o.onProgress?.('reading train', rows) })) {
    for (const e of batch) {
      if (e.type !== 'view' && e.type !== 'cart') continue;
      if (e.type === 'view') trainRatings++;
      engine.add(e.userId, e.itemId, e.type, e.ts);
    }
    o.onProgress?.('training', trainRatings);
  }
  engine.flush();
  const trainSeconds = (performance.now() - t0) / 1000;

  const relevant = new Map<string, Set<string>>();
  let testRatings = 0;
  for await (const batch of movielensEvents(o.test, { onProgress: (rows) => o.onProgress?.('reading test', rows) })) {
    for (const e of batch) {
      if (e.type !== 'view') continue;
      testRatings++;
      let s = relevant.get(e.userId);
      if (!s) relevant.set(e.userId, (s = new Set()));
      s.add(e.itemId);
    }
  }

  const t1 = performance.now();
  const now = engine.stat('watermark');
  const recommended = new Set<number>();
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let hits1 = 0;
  let done = 0;
  for (const [user, rel] of relevant) {
    const list = engine.recommendIndices(user, k, Number.isFinite(now) ? now : 0);
    let hits = 0;
    let dcg = 0;
    for (let r = 0; r < list.length; r++) {
      recommended.add(list[r]!);
      if (rel.has(engine.itemId(list[r]!))) {
        hits++;
        dcg += 1 / Math.log2(r + 2);
      }
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(k, rel.size); r++) idcg += 1 / Math.log2(r + 2);
    precision += hits / k;
    recall += hits / rel.size;
    ndcg += dcg / idcg;
    if (hits > 0) hits1++;
    if (++done % 256 === 0) o.onProgress?.('recommending', done);
  }
  const users = relevant.size;
  const per = (x: number) => (users === 0 ? NaN : x / users);
  return {
    k,
    precision: per(precision),
    recall: per(recall),
    ndcg: per(ndcg),
    hitRate: per(hits1),
    coverage: engine.items === 0 ? NaN : recommended.size / engine.items,
    users,
    trainRatings,
    testRatings,
    items: engine.items,
    pairs: engine.stat('pairs'),
    pairsPruned: engine.stat('pairsPruned'),
    bytes: engine.stat('bytes'),
    trainSeconds,
    recommendSeconds: (performance.now() - t1) / 1000,
  };
}
