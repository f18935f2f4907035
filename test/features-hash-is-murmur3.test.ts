// The id hash is MurmurHash3 x86_32 of the UTF-8 bytes, twice (seeds 0 and
// 0x9747b28c), so any embedder can reproduce it; absent ids hash to (0, 0).

import { describe, expect, it } from 'vitest';
import { hash64, murmur3, SEED_HI } from '../host/core/hash.js';

// A second, byte-array implementation, straight from the reference C++.
function bytesMurmur(b: Uint8Array, seed: number): number {
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const mixK = (k: number) => Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
  let h = seed | 0;
  const n = b.length & ~3;
  for (let i = 0; i < n; i += 4) {
    h ^= mixK(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = b.length - 1; i >= n; i--) k = (k << 8) | b[i]!;
  if (b.length & 3) h ^= mixK(k);
  h ^= b.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

describe('id hash', () => {
  it('matches the published MurmurHash3 x86_32 vectors', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('hello', 0)).toBe(0x248bfa47);
    expect(murmur3('Hello, world!', 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
    expect(murmur3('aaaa', 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3('abc', 0)).toBe(0xb3dd93fa);
  });

  it('hashes the UTF-8 bytes of non-ASCII ids', () => {
    for (const s of ['π', 'ünïcødé', '用户-7', 'emoji 🙂 id']) {
      expect(murmur3(s, 0), s).toBe(bytesMurmur(new TextEncoder().encode(s), 0));
      expect(murmur3(s, SEED_HI), s).toBe(bytesMurmur(new TextEncoder().encode(s), SEED_HI));
    }
  });

  it('is (lo, hi) = (seed 0, seed 0x9747b28c); absent and empty ids are (0, 0)', () => {
    expect(hash64('user-42')).toEqual([murmur3('user-42', 0), murmur3('user-42', SEED_HI)]);
    expect(hash64(undefined)).toEqual([0, 0]);
    expect(hash64('')).toEqual([0, 0]);
  });
});
