// The 64-bit id hash: the UTF-8 bytes of the id through MurmurHash3 x86_32
// twice, with seed 0 (the low word) and seed 0x9747b28c (the high word), in
// one pass. Plain 32-bit integer arithmetic (Math.imul), no BigInt, no
// allocation for ASCII ids. An absent or empty id is (0, 0), which the core
// reads as "absent"; a real id that hashes to (0, 0) becomes (1, 0).
// Any embedder can reproduce it from the reference MurmurHash3_x86_32
// (https://github.com/aappleby/smhasher/blob/master/src/MurmurHash3.cpp).

export const SEED_LO = 0;
export const SEED_HI = 0x9747b28c;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, len: number): number {
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// A string of bytes (char codes 0..255): the id itself when it is ASCII, else
// its UTF-8 encoding spelled as Latin-1.
function bytesOf(id: string): string {
  if (isAscii(id)) return id;
  let out = '';
  for (const b of encoder.encode(id)) out += String.fromCharCode(b);
  return out;
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of s; exported for tests against the published vectors. */
export function murmur3(s: string, seed: number): number {
  const out = new Uint32Array(2);
  pair(bytesOf(s), seed, seed, out, 0);
  return out[0]!;
}

// Both seeds in one pass over the bytes.
function pair(b: string, s1: number, s2: number, out: Uint32Array, at: number): void {
  const len = b.length;
  let h1 = s1 | 0;
  let h2 = s2 | 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = b.charCodeAt(i) | (b.charCodeAt(i + 1) << 8) | (b.charCodeAt(i + 2) << 16) | (b.charCodeAt(i + 3) << 24);
    h1 = mixH(h1, k);
    h2 = mixH(h2, k);
  }
  let k = 0;
  switch (len & 3) {
    case 3:
      k ^= b.charCodeAt(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= b.charCodeAt(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= b.charCodeAt(blocks);
      h1 ^= mixK(k);
      h2 ^= mixK(k);
  }
  out[at] = fmix(h1, len);
  out[at + 1] = fmix(h2, len);
}

/**
 * Writes the 64-bit hash of `id` as (lo, hi) at out[at], out[at + 1]: the
 * little-endian u64 the core reads. Called per id per event.
 */
export function hashInto(id: string | undefined, out: Uint32Array, at: number): void {
  if (id === undefined || id.length === 0) {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  pair(bytesOf(id), SEED_LO, SEED_HI, out, at);
  if (out[at] === 0 && out[at + 1] === 0) out[at] = 1;
}

/** The hash of `id` as [lo, hi]. */
export function hash64(id: string | undefined): [number, number] {
  const out = new Uint32Array(2);
  hashInto(id, out, 0);
  return [out[0]!, out[1]!];
}

/** Country names and codes are compared trimmed and case-insensitively. */
export function normalizeCountry(c: string | undefined): string | undefined {
  const t = c?.trim().toUpperCase();
  return t ? t : undefined;
}
