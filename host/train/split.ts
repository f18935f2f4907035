// The validation split: a seeded random fraction of the rows, stratified by
// class for binary labels so both sides keep the positive rate. Both sides
// keep file order.

/** A small seeded PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Split {
  train: Int32Array;
  valid: Int32Array;
}

/** Splits rows 0..labels.length-1; `stratify` draws the fraction from each label value apart. */
export function validationSplit(labels: Float64Array, fraction: number, seed: number, stratify: boolean): Split {
  const n = labels.length;
  if (fraction <= 0) return { train: Int32Array.from({ length: n }, (_, i) => i), valid: new Int32Array(0) };
  const random = mulberry32(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = stratify ? labels[i]! : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const inValid = new Uint8Array(n);
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(key)!;
    const take = Math.round(g.length * fraction);
    // Partial Fisher-Yates: the first `take` after shuffling go to validation.
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (g.length - i));
      const t = g[i]!;
      g[i] = g[j]!;
      g[j] = t;
      inValid[g[i]!] = 1;
    }
  }
  const valid: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (inValid[i] ? valid : train).push(i);
  return { train: Int32Array.from(train), valid: Int32Array.from(valid) };
}
