// Random numbers. Feature sampling uses LightGBM's own generator (an LCG)
// seeded the way LightGBM derives feature_fraction_seed from `seed`, so a
// seed picks the same features per tree as LightGBM does; bagging, which
// does not follow LightGBM's, draws from a seeded xorshift64*.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/utils/random.h
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/config.cpp (Config::Set, "seed")

let lcg: u32 = 123456789;
let state: u64 = 0x9e3779b97f4a7c15;

/** Reseeds both generators from the user's seed. Called by trainConfigure. */
export function seedRandom(seed: u32): void {
  // LightGBM: Random(seed) draws data_random_seed, bagging_seed, drop_seed,
  // then feature_fraction_seed, each NextShort(0, 32767).
  lcg = seed;
  let featureSeed: i32 = 0;
  for (let i = 0; i < 4; i++) featureSeed = nextShort(0, 32767);
  lcg = <u32>featureSeed;
  // splitmix64 of the seed for bagging; never 0.
  let z = <u64>seed + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z = z ^ (z >> 31);
  state = z == 0 ? 0x9e3779b97f4a7c15 : z;
}

// @ts-ignore: decorator
@inline function randInt16(): i32 {
  lcg = 214013 * lcg + 2531011;
  return <i32>((lcg >> 16) & 0x7fff);
}

/** LightGBM Random::NextShort: an integer in [lo, hi). */
export function nextShort(lo: i32, hi: i32): i32 {
  return randInt16() % (hi - lo) + lo;
}

/** LightGBM Random::RandInt32: an integer in [0, 2^31). */
export function nextInt32(): i32 {
  lcg = 214013 * lcg + 2531011;
  return <i32>(lcg & 0x7fffffff);
}

/** LightGBM Random::NextFloat: a float in [0, 1). */
export function nextFloat(): f32 {
  return <f32>randInt16() / <f32>32768.0;
}

/** A uniform double in [0, 1) from the bagging generator. */
// @ts-ignore: decorator
@inline export function nextDouble(): f64 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return <f64>((x * 0x2545f4914f6cdd1d) >> 11) * (1.0 / 9007199254740992.0);
}
