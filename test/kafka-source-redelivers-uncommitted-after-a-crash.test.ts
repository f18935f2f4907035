// At-least-once across a crash: a Kafka source in a child process is killed
// (SIGKILL) while it holds a slice. The group's committed offsets never pass
// what the dead consumer's onBatch finished, and a new consumer in the same
// group starts every partition exactly at its committed offset: it re-delivers
// the uncommitted messages (including the slice in hand at the kill) and
// nothing is lost.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { createKafkaSource, type KafkaSource } from '../host/serve/kafka-source.js';
import { ROOT } from './helpers/cli.js';
import { adminForFile, brokers, committed, createTopic, ends, parseWhere, produceKeyed, unique, until } from './helpers/kafka-topics.js';

const MESSAGES = 4000;
const CHILD = join(import.meta.dirname, 'helpers', 'kafka-source-child.mjs');
const BUILT = join(ROOT, 'dist', 'host', 'serve', 'kafka-source.js');
const topic = unique('source-crash');
const groupId = unique('source-crash');

let second: KafkaSource | undefined;
const admin = adminForFile(() => [second]);

type Line = { event: 'start' | 'done'; wheres: string[] };

test('a consumer killed mid-stream loses nothing: the next one in the group re-delivers exactly the uncommitted messages', async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\``);
  await createTopic(admin, topic, 4);
  await produceKeyed(topic, MESSAGES, 40);
  const end = await ends(admin, topic);

  // The first consumer: 50 messages per slice, 250 ms per onBatch.
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, BROKERS: brokers().join(','), TOPIC: topic, GROUP: groupId, DELAY_MS: '250', MAX_BATCH: '50' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const done = new Map<number, number>(); // partition -> last offset whose onBatch resolved
  let inHand: { partition: number; first: number } | null = null;
  let slicesDone = 0;
  const lines = createInterface({ input: child.stdout! });
  const killed = new Promise<void>((resolve) => {
    lines.on('line', (text) => {
      const line = JSON.parse(text) as Line;
      const first = parseWhere(line.wheres[0]!);
      const last = parseWhere(line.wheres[line.wheres.length - 1]!);
      if (line.event === 'done') {
        done.set(last.partition, Math.max(done.get(last.partition) ?? -1, last.offset));
        slicesDone++;
      } else if (slicesDone >= 8 && inHand === null) {
        // Mid-slice: its onBatch has 250 ms to go.
        inHand = { partition: first.partition, first: first.offset };
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await killed;
  await exited;
  lines.close();

  const afterKill = await committed(admin, groupId, topic);
  const held = inHand as { partition: number; first: number } | null;
  expect(held).not.toBeNull();
  // Never committed past what onBatch finished, and not the slice in hand.
  for (const [p] of end) {
    const c = afterKill.get(p) ?? -1;
    expect(c, `partition ${p}`).toBeLessThanOrEqual((done.get(p) ?? -1) + 1);
  }
  // The slice in hand was not finished (250 ms to go at the kill), so it was not committed.
  expect(done.get(held!.partition) ?? -1).toBeLessThan(held!.first);
  expect(afterKill.get(held!.partition) ?? -1).toBeLessThanOrEqual(held!.first);
  const lost = [...end].reduce((n, [p, high]) => n + high - Math.max(0, afterKill.get(p) ?? 0), 0);
  expect(lost, 'the first consumer stopped before the end').toBeGreaterThan(0);

  // The second consumer, same group: joins once the dead member's session (6 s) expires.
  const firstOffsets = new Map<number, number>();
  const seen = new Map<number, Set<number>>();
  second = createKafkaSource({ brokers: brokers(), topics: [topic], groupId, fromBeginning: true, sessionTimeout: 6000, logLevel: 'error' });
  const running = second.run(async (messages) => {
    for (const m of messages) {
      const { partition, offset } = parseWhere(m.where);
      if (!firstOffsets.has(partition)) firstOffsets.set(partition, offset);
      const s = seen.get(partition) ?? new Set<number>();
      s.add(offset);
      seen.set(partition, s);
    }
  });
  await until('the second consumer reaches every end', () => [...end].every(([p, high]) => high === 0 || seen.get(p)?.has(high - 1) === true), 60_000);
  await second.stop();
  await running;

  for (const [p, high] of end) {
    const c = Math.max(0, afterKill.get(p) ?? 0);
    if (c === high) continue; // fully committed before the kill: nothing to re-deliver
    expect(firstOffsets.get(p), `partition ${p} restarts at its committed offset`).toBe(c);
    // Committed before the kill, plus re-delivered after: every offset, none missing.
    const offsets = [...seen.get(p)!].sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: high - c }, (_, i) => c + i));
  }
});
