// Kafka's key partitioner: murmur2 of the key's UTF-8 bytes (seed
// 0x9747b28c), its sign bit cleared, modulo the partition count. The same
// as the Java client's Utils.murmur2 / Utils.toPositive and kafkajs'
// DefaultPartitioner, so every producer puts a key on the same partition.
// https://github.com/apache/kafka/blob/3.9/clients/src/main/java/org/apache/kafka/common/utils/Utils.java

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** murmur2 of a string's UTF-8 bytes, as a signed 32-bit integer. */
export function murmur2(key: string): number {
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  const bytes: ArrayLike<number> = ascii ? { length: key.length } : Buffer.from(key, 'utf8');
  const at = ascii ? (i: number) => key.charCodeAt(i) : (i: number) => bytes[i]!;
  const length = bytes.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = at(i) | (at(i + 1) << 8) | (at(i + 2) << 16) | (at(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  switch (length & 3) {
    case 3:
      h ^= at(whole + 2) << 16;
    // falls through
    case 2:
      h ^= at(whole + 1) << 8;
    // falls through
    case 1:
      h ^= at(whole);
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner gives a key. */
export function partitionOf(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
