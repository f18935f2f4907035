// A checkpoint that does not read back whole (cut short, a flipped bit in
// an image, its state or its header) is skipped for the one before, and
// counted; a delta checkpoint reads back onto the chain before it, and a
// damaged link in the chain falls back to the checkpoint before it; one
// made by another build of the engine is refused with a message that says
// how to start empty, and --reset-state does.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateDir } from '../host/state/state-dir.js';
import { CheckpointError, storePart, type Checkpoint } from '../host/state/checkpoint.js';
import { buildId, denseImage, DIRTY_PAGE } from '../host/wasm/image.js';
import { namesHash } from '../host/fraud/catalog.js';
import { Simulator } from '../host/simulator/simulator.js';
import { startServe } from './helpers/serve-process.js';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'ss-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const THIS = { build: buildId(), catalogue: namesHash() };

function imageOf(seq: number): Uint8Array {
  // Three pages: the middle one all zero (a checkpoint leaves it out).
  return new Uint8Array(65_536 * 3).map((_, i) => (i < 65_536 || i >= 131_072 ? (i * seq) & 255 : 0));
}

function checkpoint(seq: number, build = THIS.build, base: number | null = null): Checkpoint {
  const image = imageOf(seq);
  // As a delta: the image of `base` with a few 4 KiB pages of this one's (the others unchanged).
  const changed = base === null ? null : Uint32Array.of(0, 17 + (seq % 3), 40);
  if (changed) {
    const mixed = imageOf(base!);
    for (const p of changed) mixed.set(image.subarray(p * DIRTY_PAGE, (p + 1) * DIRTY_PAGE), p * DIRTY_PAGE);
    image.set(mixed);
  }
  return {
    seq, build, catalogue: THIS.catalogue, createdAt: 1_700_000_000_000 + seq, base,
    source: { name: 'simulator', position: { events: seq * 100 } }, sinks: {},
    parts: { fraud: storePart({ image, changed, meta: { model: 0, nonFinite: seq } }), inventory: storePart({ image: null, meta: { skus: [], stats: { seq } } }) },
  };
}

async function dirWith(name: string, n: number): Promise<StateDir> {
  const d = new StateDir({ dir: join(root, name), keep: n });
  for (let s = 1; s <= n; s++) await d.write(checkpoint(s));
  return d;
}

function newest(d: StateDir): string {
  return join(d.dir, readdirSync(d.dir).sort().at(-1)!);
}

function flip(file: string, at: (size: number) => number): void {
  const b = readFileSync(file);
  const i = at(b.length);
  b[i] = b[i]! ^ 0x10;
  writeFileSync(file, b);
}

describe('a state directory', () => {
  it('reads back the newest checkpoint exactly', async () => {
    const d = await dirWith('whole', 2);
    const got = (await d.read(THIS, () => expect.unreachable()))!.checkpoint;
    const want = checkpoint(2);
    expect(got.seq).toBe(2);
    expect(got.source).toEqual(want.source);
    expect(Buffer.from(denseImage(got.parts.fraud!.image!)).equals(Buffer.from(denseImage(want.parts.fraud!.image!)))).toBe(true);
    expect(Buffer.from(got.parts.inventory!.meta).equals(Buffer.from(want.parts.inventory!.meta))).toBe(true);
  });

  it.each([
    ['cut short', (f: string) => truncateSync(f, 70_000), /cut short/],
    ['a bit flipped in an image', (f: string) => flip(f, (n) => n - 80_000), /image fails its CRC/],
    ['a bit flipped in a job\'s state', (f: string) => flip(f, (n) => n - 20), /state fails its CRC/],
    ['a bit flipped in the header', (f: string) => flip(f, () => 20), /header fails its CRC/],
  ])('skips the newest when it is %s, for the one before', async (name, damage, reason) => {
    const d = await dirWith(name.replace(/\W+/g, '-'), 3);
    damage(newest(d));
    const skipped: string[] = [];
    const got = await d.read(THIS, (file, e) => skipped.push(`${file}: ${e.message}`));
    expect(got!.checkpoint.seq).toBe(2);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(reason);
  });

  it('is empty when every checkpoint is damaged', async () => {
    const d = await dirWith('all-bad', 2);
    for (const f of readdirSync(d.dir)) truncateSync(join(d.dir, f), 100);
    const skipped: string[] = [];
    expect(await d.read(THIS, (file) => skipped.push(file))).toBeNull();
    expect(skipped).toHaveLength(2);
  });

  it('reads a delta checkpoint back onto the chain of checkpoints before it', async () => {
    const d = new StateDir({ dir: join(root, 'chain') });
    await d.write(checkpoint(1));
    await d.write(checkpoint(2, THIS.build, 1));
    await d.write(checkpoint(3, THIS.build, 2));
    expect(readdirSync(d.dir).sort()).toEqual(['checkpoint-000000000001.ssc', 'checkpoint-000000000002.delta.ssc', 'checkpoint-000000000003.delta.ssc']);
    const got = (await d.read(THIS, () => expect.unreachable()))!;
    expect(got.checkpoint.seq).toBe(3);
    expect(got.checkpoint.source).toEqual(checkpoint(3).source);
    const part = got.checkpoint.parts.fraud!;
    expect(part.deltas).toHaveLength(2);
    // The whole image with the pages of each delta written over it in turn.
    const want = imageOf(1);
    for (const c of [checkpoint(2, THIS.build, 1), checkpoint(3, THIS.build, 2)]) {
      const p = c.parts.fraud!;
      for (const page of p.changed!) want.set((p.image as Uint8Array).subarray(page * DIRTY_PAGE, (page + 1) * DIRTY_PAGE), page * DIRTY_PAGE);
    }
    expect(Buffer.from(denseImage(part.image!, part.deltas)).equals(Buffer.from(want))).toBe(true);
    // A delta's file holds the changed pages only.
    expect(got.bytes).toBeLessThan(3 * 65_536 + 4 * 3 * (DIRTY_PAGE + 4) + 4096);
  });

  it('falls back past a damaged delta to the checkpoint before it', async () => {
    const d = new StateDir({ dir: join(root, 'chain-bad') });
    await d.write(checkpoint(1));
    await d.write(checkpoint(2, THIS.build, 1));
    await d.write(checkpoint(3, THIS.build, 2));
    flip(join(d.dir, 'checkpoint-000000000002.delta.ssc'), (n) => n - 2000);
    const skipped: string[] = [];
    const got = (await d.read(THIS, (file, e) => skipped.push(`${file}: ${e.message}`)))!;
    expect(got.checkpoint.seq).toBe(1); // 3 needs 2
    expect(skipped).toEqual([expect.stringMatching(/checkpoint-000000000002\.delta\.ssc: the fraud image fails its CRC/)]);
  });

  it('keeps the newest whole checkpoints and the deltas after the oldest of them', async () => {
    const d = new StateDir({ dir: join(root, 'keep'), keep: 2 });
    for (const [seq, base] of [[1, null], [2, 1], [3, null], [4, 3], [5, null], [6, 5]] as const) await d.write(checkpoint(seq, THIS.build, base));
    expect(readdirSync(d.dir).sort()).toEqual(['checkpoint-000000000003.ssc', 'checkpoint-000000000004.delta.ssc', 'checkpoint-000000000005.ssc', 'checkpoint-000000000006.delta.ssc']);
  });

  it('refuses a checkpoint of another build, saying how to start empty', async () => {
    const d = new StateDir({ dir: join(root, 'other') });
    await d.write(checkpoint(1, 'f'.repeat(64)));
    await expect(d.read(THIS, () => {})).rejects.toThrow(CheckpointError);
    await expect(d.read(THIS, () => {})).rejects.toThrow(/another build of the engine.*--reset-state/);
  });
});

describe('serve', () => {
  it('counts a corrupt newest checkpoint, takes up from the one before, and refuses another build until --reset-state', async () => {
    const dir = join(root, 'serve');
    const file = join(root, 'events.ndjson');
    writeFileSync(file, new Simulator({ seed: 3, rate: 50 }).next(20_000).map((e) => JSON.stringify(e)).join('\n') + '\n');
    const args = ['--source', `file:${file}`, '--state-dir', dir, '--checkpoint-interval', '0.05', '--rate', '10000', '--dead-letter-file', join(root, 'dead.ndjson')];
    const first = await startServe(args);
    for (let t = 0; t < 300 && !first.log().includes('ended'); t++) await sleep(100);
    expect(await first.stop()).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => !f.includes('delta'))).toHaveLength(2); // and the deltas after the older
    expect(files.some((f) => f.includes('delta'))).toBe(true);
    const newestFile = files.at(-1)!;
    flip(join(dir, newestFile), (n) => n - 100);

    const second = await startServe(args);
    for (let t = 0; t < 300 && !second.log().includes('restored'); t++) await sleep(50);
    expect(second.log()).toMatch(new RegExp(`checkpoint .*${newestFile} skipped: .*CRC`));
    expect(second.log()).toContain(`state restored from ${join(dir, files.at(-2)!)}`);
    const metrics = await (await fetch(`${second.base}/metrics`)).text();
    expect(metrics).toMatch(/^streamscore_checkpoints_skipped_total 1$/m);
    expect(metrics).toMatch(/^streamscore_restore_seconds \d/m);
    expect(await second.stop()).toBe(0);

    // Another build's checkpoint: refused with the way out.
    await new StateDir({ dir }).write(checkpoint(99, 'e'.repeat(64)));
    const refused = runCli(['serve', '--port', '0', ...args]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/another build of the engine.*start with --reset-state/);

    const reset = await startServe([...args, '--reset-state']);
    for (let t = 0; t < 300 && !reset.log().includes('ended'); t++) await sleep(50);
    expect(reset.log()).toContain('--reset-state');
    expect(reset.log()).not.toContain('restored');
    expect(await reset.stop()).toBe(0);
  }, 120_000);
});

