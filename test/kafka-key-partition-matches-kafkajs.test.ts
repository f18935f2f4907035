// The replay's own key partitioner puts every key where kafkajs' (and the
// Java client's) default partitioner would: murmur2 of the UTF-8 bytes.

import { expect, test } from 'vitest';
import { Partitioners } from 'kafkajs';
import { partitionOf } from '../host/serve/murmur2.js';
import { rng } from './helpers/event-stream.js';

test('same partition as kafkajs for ASCII and non-ASCII keys of every length, many partition counts', () => {
  const r = rng(17);
  const alphabet = 'abcXYZ0189-_.:/ éüß中文😀';
  const keys = ['', 'a', 'u1', 'SKU-00042', '356414', 'ml-259-0', ...Array.from({ length: 3000 }, () => Array.from({ length: Math.floor(r() * 24) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''))];
  const kafkajs = Partitioners.DefaultPartitioner();
  for (const n of [1, 2, 3, 4, 7, 12, 64]) {
    const partitionMetadata = Array.from({ length: n }, (_, k) => ({ partitionId: k, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (const key of keys) {
      const want = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      if (partitionOf(key, n) !== want) expect.fail(`key ${JSON.stringify(key)} over ${n}: ${partitionOf(key, n)} != ${want}`);
    }
  }
});
