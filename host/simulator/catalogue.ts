// The simulated shop's catalogue: items in categories, each with a price
// and a popularity. Sessions browse one or two of a shopper's favourite
// categories, and within a category popular items are seen far more often
// (Zipf), so item-item co-occurrence has structure a recommender can learn.

import { cumulative, hashUnit, zipf, type Rng } from './random.js';

export interface Catalogue {
  ids: string[];
  price: Float64Array;
  category: Uint16Array;
  /** Per category: its items, most popular first, and their cumulative weights. */
  byCategory: { items: Uint32Array; cum: Float64Array }[];
  /** How often each category is a favourite (Zipf). */
  categoryCum: Float64Array;
  /** The cheapest tenth of the items (what card testers buy). */
  cheap: Uint32Array;
  /** The dearest tenth (what account takeovers buy). */
  dear: Uint32Array;
}

/** Builds the catalogue for a seed: `items` items in `categories` categories. */
export function buildCatalogue(seed: number, items: number, categories: number): Catalogue {
  const ids: string[] = [];
  const price = new Float64Array(items);
  const category = new Uint16Array(items);
  const members: number[][] = Array.from({ length: categories }, () => []);
  const median = Array.from({ length: categories }, (_, c) => 8 * Math.exp(2.2 * hashUnit(seed, 0xca7, c)));
  for (let i = 0; i < items; i++) {
    const c = Math.floor(hashUnit(seed, 0x17e, i) * categories);
    category[i] = c;
    members[c]!.push(i);
    ids.push(`item-${i + 1}`);
    const p = median[c]! * Math.exp(0.5 * gauss(hashUnit(seed, 0x9c1, i, 1), hashUnit(seed, 0x9c1, i, 2)));
    price[i] = Math.max(0.99, Math.round(p) - 0.01);
  }
  const byCategory = members.map((m) => {
    const list = m.length > 0 ? m : [0];
    return { items: Uint32Array.from(list), cum: cumulative(zipf(list.length, 1.05)) };
  });
  const sorted = Array.from({ length: items }, (_, i) => i).sort((a, b) => price[a]! - price[b]! || a - b);
  const tenth = Math.max(1, Math.floor(items / 10));
  return {
    ids, price, category, byCategory,
    categoryCum: cumulative(zipf(categories, 0.8)),
    cheap: Uint32Array.from(sorted.slice(0, tenth)),
    dear: Uint32Array.from(sorted.slice(items - tenth)),
  };
}

/** An item of category c, popular ones more often. */
export function itemIn(cat: Catalogue, c: number, rng: Rng): number {
  const b = cat.byCategory[c]!;
  return b.items[rng.weighted(b.cum)]!;
}

/** A standard normal from two uniforms (Box-Muller). */
export function gauss(u: number, v: number): number {
  return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
}
