// Generated interaction data for the recommender tests: users with a taste
// for one of a few item clusters, interacting mostly inside it, in time
// order, with sessions of a few minutes between gaps of hours. Seeded.

import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../../host/train/split.js';

export interface GenRow {
  user: string;
  item: string;
  /** 1..5, MovieLens style. */
  rating: number;
  /** Epoch ms. */
  ts: number;
}

export interface GenOptions {
  users?: number;
  items?: number;
  clusters?: number;
  perUser?: number;
  /** Chance that an interaction leaves the user's cluster. */
  noise?: number;
  seed?: number;
}

export function generateRatings(o: GenOptions = {}): GenRow[] {
  const users = o.users ?? 60;
  const items = o.items ?? 40;
  const clusters = o.clusters ?? 4;
  const perUser = o.perUser ?? 12;
  const noise = o.noise ?? 0.15;
  const r = mulberry32(o.seed ?? 1);
  const rows: GenRow[] = [];
  const t0 = Date.UTC(2024, 0, 1);
  for (let u = 0; u < users; u++) {
    const c = u % clusters;
    let ts = t0 + Math.floor(r() * 86_400_000);
    const seen = new Set<number>();
    while (seen.size < Math.min(perUser, items)) {
      const inCluster = r() >= noise;
      const item = inCluster ? c + clusters * Math.floor(r() * Math.ceil(items / clusters)) : Math.floor(r() * items);
      if (item >= items || seen.has(item)) continue;
      seen.add(item);
      ts += r() < 0.3 ? 2 * 3_600_000 : Math.floor(r() * 300_000) + 1000;
      rows.push({ user: `u${u}`, item: `i${item}`, rating: 1 + Math.floor(r() * 5), ts });
    }
  }
  return rows.sort((a, b) => a.ts - b.ts);
}

/** Writes rows as a MovieLens file (user TAB item TAB rating TAB unix seconds). */
export function writeMovielens(path: string, rows: readonly GenRow[]): void {
  writeFileSync(path, rows.map((x) => `${x.user}\t${x.item}\t${x.rating}\t${Math.floor(x.ts / 1000)}`).join('\n') + '\n');
}

/** A per-user time split: each user's last `fraction` of interactions go to test. */
export function splitByTime(rows: readonly GenRow[], fraction = 0.2): { train: GenRow[]; test: GenRow[] } {
  const byUser = new Map<string, GenRow[]>();
  for (const x of rows) {
    let l = byUser.get(x.user);
    if (!l) byUser.set(x.user, (l = []));
    l.push(x);
  }
  const train: GenRow[] = [];
  const test: GenRow[] = [];
  for (const l of byUser.values()) {
    const cut = Math.ceil(l.length * (1 - fraction));
    train.push(...l.slice(0, cut));
    test.push(...l.slice(cut));
  }
  return { train: train.sort((a, b) => a.ts - b.ts), test: test.sort((a, b) => a.ts - b.ts) };
}
