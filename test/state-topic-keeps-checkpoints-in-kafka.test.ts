// Checkpoints in a Kafka state topic (STATE_TOPIC): the newest committed one
// reads back exactly, chunked under the message size; one whose transaction
// never committed (the process died writing it) is not seen, so the one
// before is read; another build's is refused; --reset-state's tombstones
// leave none.

import { afterAll, expect, it } from 'vitest';
import { StateTopic } from '../host/state/state-topic.js';
import { storePart, type Checkpoint } from '../host/state/checkpoint.js';
import { buildId, denseImage } from '../host/wasm/image.js';
import { namesHash } from '../host/fraud/catalog.js';
import { brokers, kafka, unique } from './helpers/kafka-topics.js';

const THIS = { build: buildId(), catalogue: namesHash() };
const topic = unique('state-topic');
const open: StateTopic[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

function store(name: string): StateTopic {
  const s = new StateTopic({ brokers: brokers(), logLevel: 'error', topic, name, chunkBytes: 40_000 });
  open.push(s);
  return s;
}

function checkpoint(seq: number, pages: number, build = THIS.build): Checkpoint {
  const image = new Uint8Array(65_536 * pages).map((_, i) => ((i >> 3) * seq + 7) & 255);
  return { seq, build, catalogue: THIS.catalogue, createdAt: seq, base: null, source: { name: 'kafka:g:t', position: { offsets: { 't[0]': String(seq * 10) } } }, sinks: {}, parts: { fraud: storePart({ image, meta: { seq } }) } };
}

it('reads back the newest committed checkpoint, skips one whose transaction did not commit, refuses another build', async () => {
  const a = store('a');
  await a.write(checkpoint(1, 3));
  await a.write(checkpoint(2, 2)); // fewer chunks: the rest get tombstones

  const reader = store('a');
  const skipped: string[] = [];
  const got = (await reader.read(THIS, (w, e) => skipped.push(`${w}: ${e.message}`)))!;
  expect(skipped).toEqual([]);
  expect(got.checkpoint.seq).toBe(2);
  expect(got.checkpoint.source.position).toEqual({ offsets: { 't[0]': '20' } });
  const want = checkpoint(2, 2).parts.fraud!.image as Uint8Array;
  expect(Buffer.from(denseImage(got.checkpoint.parts.fraud!.image!)).equals(Buffer.from(want))).toBe(true);

  // A writer that dies inside its transaction: its chunks and manifest are aborted.
  const producer = kafka().producer({ transactionalId: `test-${topic}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic, messages: [{ key: 'a/chunk/0', value: Buffer.alloc(100, 1) }, { key: 'a/manifest', value: JSON.stringify({ seq: 3, chunks: 1, bytes: 96, crcs: [0] }) }] });
  await txn.abort();
  await producer.disconnect();
  expect((await store('a').read(THIS, () => {}))!.checkpoint.seq).toBe(2);

  // Another name's checkpoints are its own.
  expect(await store('b').read(THIS, () => {})).toBeNull();

  const other = store('c');
  await other.write(checkpoint(1, 1, 'f'.repeat(64)));
  await expect(store('c').read(THIS, () => {})).rejects.toThrow(/another build of the engine.*--reset-state/);

  await store('a').reset();
  expect(await store('a').read(THIS, () => {})).toBeNull();
}, 60_000);
