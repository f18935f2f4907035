// An exact batch item-item kNN: the yardstick the streaming engine is held to
// (docs/RECOMMENDATIONS.md). Plain TypeScript, readable, quadratic in the
// items: every pair's co-occurrence over all users at once, cosine (or
// Jaccard) similarity, the top-k neighbours of each item, and a user's score
// for an unseen item j the sum of w_ui * sim(i, j) over the user's items i
// that are among j's k neighbours (on binary data: the item-kNN reference of
// ../shared/data/README.md). Shares nothing with the WASM code.

export interface Interaction {
  user: string;
  item: string;
  /** The user's strength on the item (1 for binary interactions). */
  weight?: number;
}

export interface BatchKnnOptions {
  /** Neighbours kept per item (default 100). */
  k?: number;
  similarity?: 'cosine' | 'jaccard';
}

export interface BatchKnn {
  items: string[];
  /** Exact similarity of two items (0 when they never co-occur). */
  sim(a: string, b: string): number;
  /** The top-k neighbours of an item, best first (ties by item order). */
  neighbours(item: string): { item: string; sim: number }[];
  /** Every item the user has not seen with a score > 0, best first (ties by item order). */
  scores(user: string): { item: string; score: number }[];
  /** Up to n items for a user, best first, excluding the user's items; popularity fills the rest. */
  recommend(user: string, n: number): string[];
}

/** Builds the exact model from all interactions at once. */
export function batchItemKnn(rows: readonly Interaction[], opts: BatchKnnOptions = {}): BatchKnn {
  const k = opts.k ?? 100;
  const jaccard = opts.similarity === 'jaccard';
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  const byUser = new Map<string, Map<number, number>>();
  for (const r of rows) {
    let i = itemIndex.get(r.item);
    if (i === undefined) {
      i = items.length;
      itemIndex.set(r.item, i);
      items.push(r.item);
    }
    let m = byUser.get(r.user);
    if (!m) byUser.set(r.user, (m = new Map()));
    m.set(i, Math.max(m.get(i) ?? 0, r.weight ?? 1));
  }
  const n = items.length;
  const norm = new Float64Array(n);
  const pop = new Float64Array(n);
  const co = new Float64Array(n * n);
  for (const m of byUser.values()) {
    const list = [...m];
    for (const [i, w] of list) {
      norm[i]! += w * w;
      pop[i]! += 1;
    }
    for (let a = 0; a < list.length; a++) {
      const [i, wi] = list[a]!;
      for (let b = a + 1; b < list.length; b++) {
        const [j, wj] = list[b]!;
        co[i * n + j]! += wi * wj;
        co[j * n + i]! += wi * wj;
      }
    }
  }
  const simIdx = (i: number, j: number): number => {
    const c = co[i * n + j]!;
    if (c === 0 || i === j) return 0;
    return jaccard ? c / (norm[i]! + norm[j]! - c) : c / Math.sqrt(norm[i]! * norm[j]!);
  };
  const nbrs: { j: number; s: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const all: { j: number; s: number }[] = [];
    for (let j = 0; j < n; j++) {
      const s = simIdx(i, j);
      if (s > 0) all.push({ j, s });
    }
    all.sort((x, y) => y.s - x.s || x.j - y.j);
    nbrs.push(all.slice(0, k));
  }
  // score(u, j) = sum of w_ui * sim(i, j) over the user's items i among j's k neighbours.
  const scored = (user: string): [number, number][] => {
    const seen = byUser.get(user) ?? new Map<number, number>();
    const score = new Map<number, number>();
    for (let j = 0; j < n; j++) {
      if (seen.has(j)) continue;
      let t = 0;
      for (const { j: i, s } of nbrs[j]!) {
        const w = seen.get(i);
        if (w !== undefined) t += w * s;
      }
      if (t > 0) score.set(j, t);
    }
    return [...score].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  };
  const byPop = [...items.keys()].sort((a, b) => pop[b]! - pop[a]! || a - b);
  return {
    items,
    sim(a, b) {
      const i = itemIndex.get(a);
      const j = itemIndex.get(b);
      return i === undefined || j === undefined ? 0 : simIdx(i, j);
    },
    neighbours(item) {
      const i = itemIndex.get(item);
      return i === undefined ? [] : nbrs[i]!.map((x) => ({ item: items[x.j]!, sim: x.s }));
    },
    scores(user) {
      return scored(user).map(([j, s]) => ({ item: items[j]!, score: s }));
    },
    recommend(user, want) {
      const seen = byUser.get(user) ?? new Map<number, number>();
      const ranked = scored(user).slice(0, want).map((x) => x[0]);
      const chosen = new Set(ranked);
      for (const j of byPop) {
        if (ranked.length >= want) break;
        if (!seen.has(j) && !chosen.has(j)) ranked.push(j);
      }
      return ranked.map((j) => items[j]!);
    },
  };
}
