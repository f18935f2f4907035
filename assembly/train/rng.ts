// Random numbers: LightGBM's own generator (an LCG), seeded the way LightGBM
// derives data_random_seed, bagging_seed and feature_fraction_seed from
// `seed`, so a seed draws the rows bins are built from, the bags and the
// features of each tree that LightGBM draws.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/utils/random.h
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/config.cpp (Config::Set, "seed")

/** LightGBM's Random. */
export class LightRandom {
  x: u32;

  constructor(seed: u32) {
    this.x = seed;
  }

  @inline randInt16(): i32 {
    this.x = 214013 * this.x + 2531011;
    return <i32>((this.x >> 16) & 0x7fff);
  }

  @inline randInt32(): i32 {
    this.x = 214013 * this.x + 2531011;
    return <i32>(this.x & 0x7fffffff);
  }

  /** An integer in [lo, hi). */
  nextShort(lo: i32, hi: i32): i32 {
    return this.randInt16() % (hi - lo) + lo;
  }

  /** A float in [0, 1). */
  nextFloat(): f32 {
    return <f32>this.randInt16() / <f32>32768.0;
  }
}

/** Draws the features of each tree (ColSampler's random_). */
export let featureRandom = new LightRandom(0);
/** LightGBM's data_random_seed: which rows bins are built from. */
export let dataSeed: u32 = 0;
/** LightGBM's bagging_seed: block b of 1024 rows draws from Random(bagging_seed + b). */
export let baggingSeed: u32 = 0;

/** Reseeds the generators from the user's seed. Called by trainConfigure. */
export function seedRandom(seed: u32): void {
  // Config::Set: Random(seed) draws data_random_seed, bagging_seed,
  // drop_seed, then feature_fraction_seed, each NextShort(0, 32767).
  const r = new LightRandom(seed);
  dataSeed = <u32>r.nextShort(0, 32767);
  baggingSeed = <u32>r.nextShort(0, 32767);
  r.nextShort(0, 32767);
  featureRandom = new LightRandom(<u32>r.nextShort(0, 32767));
}

/**
 * LightGBM Random::Sample(n, k): marks k of [0, n) in `mask` (u8[n]),
 * drawing from `r` exactly as LightGBM does.
 */
export function sampleMask(r: LightRandom, n: i32, k: i32, mask: usize): void {
  memory.fill(mask, 0, <usize>n);
  if (k > n || k <= 0) return;
  if (k == n) {
    memory.fill(mask, 1, <usize>n);
  } else if (k > 1 && <f64>k > <f64>n / Math.log2(<f64>k)) {
    let got = 0;
    for (let i = 0; i < n; i++) {
      const prob = <f64>(k - got) / <f64>(n - i);
      if (<f64>r.nextFloat() < prob) {
        store<u8>(mask + <usize>i, 1);
        got++;
      }
    }
  } else {
    // Floyd's algorithm: for v = n-k .. n-1 draw in [0, v], take v when taken.
    for (let v = n - k; v < n; v++) {
      const d = r.randInt32() % (v + 1);
      store<u8>(mask + <usize>(load<u8>(mask + <usize>d) != 0 ? v : d), 1);
    }
  }
}
