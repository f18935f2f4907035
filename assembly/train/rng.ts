// A small seeded PRNG (xorshift64*): feature sampling per tree and bagging
// draw from it, so one seed gives the same model on every runtime.

let state: u64 = 0x9e3779b97f4a7c15;

/** Reseeds the generator. Called by trainConfigure. */
export function seedRandom(seed: u64): void {
  // splitmix64 of the seed, so nearby seeds give unrelated streams; never 0.
  let z = seed + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z = z ^ (z >> 31);
  state = z == 0 ? 0x9e3779b97f4a7c15 : z;
}

/** A uniform double in [0, 1). */
// @ts-ignore: decorator
@inline export function nextDouble(): f64 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return <f64>((x * 0x2545f4914f6cdd1d) >> 11) * (1.0 / 9007199254740992.0);
}

/** A uniform integer in [0, n). */
// @ts-ignore: decorator
@inline export function nextInt(n: i32): i32 {
  return <i32>(nextDouble() * <f64>n);
}
