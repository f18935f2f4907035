// serve's Kafka source settings come from the environment (docs/KAFKA.md,
// "Settings"): each variable lands in the option kafkajs' consumer gets, the
// unset ones leave kafkajs' own defaults, and a bad value is a UsageError
// that names the variable.

import { expect, test } from 'vitest';
import { UsageError } from '../host/errors.js';
import { kafkaSourceOptionsFromEnv } from '../host/sources/kafka.js';

test('no KAFKA_BROKERS: no Kafka source', () => {
  expect(kafkaSourceOptionsFromEnv({})).toBeNull();
});

test('defaults when only the brokers are given', () => {
  const o = kafkaSourceOptionsFromEnv({ KAFKA_BROKERS: 'a:9092,b:9092' })!;
  expect(o).toMatchObject({ brokers: ['a:9092', 'b:9092'], groupId: 'streamscore', topics: ['streamscore.events'], fromBeginning: false, maxBatchMessages: 2000, maxSlicesInFlight: 2 });
  for (const k of ['maxBytesPerPartition', 'maxBytes', 'minBytes', 'maxWaitTimeInMs'] as const) expect(o[k]).toBeUndefined();
});

test('the fetch settings reach the consumer options, in bytes and ms', () => {
  const o = kafkaSourceOptionsFromEnv({
    KAFKA_BROKERS: 'k:9092',
    KAFKA_FETCH_PARTITION_KB: '2048',
    KAFKA_FETCH_MAX_KB: '8192',
    KAFKA_FETCH_MIN_KB: '256',
    KAFKA_FETCH_MAX_WAIT_MS: '5',
    KAFKA_SLICES_IN_FLIGHT: '4',
  })!;
  expect(o).toMatchObject({ maxBytesPerPartition: 2048 * 1024, maxBytes: 8192 * 1024, minBytes: 256 * 1024, maxWaitTimeInMs: 5, maxSlicesInFlight: 4 });
});

test.each([
  ['KAFKA_FETCH_MIN_KB', '0'],
  ['KAFKA_FETCH_MIN_KB', 'lots'],
  ['KAFKA_FETCH_MAX_WAIT_MS', '-5'],
  ['KAFKA_FETCH_MAX_WAIT_MS', '2.5'],
])('%s=%s is refused with the variable named', (name, value) => {
  const read = () => kafkaSourceOptionsFromEnv({ KAFKA_BROKERS: 'k:9092', [name]: value });
  expect(read).toThrow(UsageError);
  expect(read).toThrow(new RegExp(`${name} must be a positive integer`));
});
