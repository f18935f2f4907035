// `serve` on its built-in simulator, killed with SIGKILL twice and started
// again, ends with the fraud state of the simulator's stream processed in
// one piece, and scores each simulated purchase once, as that would: the
// restored simulator makes the same world again (seed, rate and start are
// in the checkpoint's position) and goes on after the events the restored
// state has seen. The reference is the same stream, made offline from the
// last checkpoint's position and run through a fraud scorer in-process;
// both states then score the same probe purchases (few purchases complete
// in seconds of simulated time, so the probes carry the comparison).

import { afterAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Simulator } from '../host/simulator/simulator.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { loadPart } from '../host/state/checkpoint.js';
import { buildId } from '../host/wasm/image.js';
import { namesHash } from '../host/fraud/catalog.js';
import { STAT } from '../host/fraud/features.js';
import type { Event } from '../host/core/schema.js';
import type { SimulatorPosition } from '../host/simulator/source.js';
import { startServe } from './helpers/serve-process.js';
import { ROOT } from './helpers/cli.js';
import { StateDir } from '../host/state/state-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-kill9-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkpoints(state: string): string {
  return existsSync(state) ? readdirSync(state).filter((f) => f.endsWith('.ssc')).sort().join() : '';
}

it('after kill -9, the simulator goes on where the state stopped, each purchase scored once', async () => {
  const state = join(dir, 'state');
  const log = join(dir, 'features.ndjson');
  const args = ['--rate', '3000', '--seed', '9', '--state-dir', state, '--checkpoint-interval', '0.3', '--feature-log', log, '--dead-letter-file', join(dir, 'dead.ndjson')];
  for (let k = 0; k < 2; k++) {
    const s = await startServe(args);
    // After two checkpoints of this run are written, at a random point.
    for (let n = 0; n < 2; n++) {
      const before = checkpoints(state);
      for (let t = 0; t < 600 && checkpoints(state) === before; t++) await sleep(50);
    }
    await sleep(Math.random() * 800);
    s.child.kill('SIGKILL');
    await s.stop();
  }
  const last = await startServe(args);
  for (let t = 0; t < 100 && !last.log().includes('restored'); t++) await sleep(50);
  expect(last.log()).toContain('state restored from');
  await sleep(2000);
  expect(await last.stop()).toBe(0);

  // The newest checkpoint, a delta read with its chain.
  const checkpoint = (await new StateDir({ dir: state }).read({ build: buildId(), catalogue: namesHash() }, () => expect.unreachable()))!.checkpoint;
  const position = checkpoint.source.position as SimulatorPosition;
  expect(position.seed).toBe(9);
  expect(position.events).toBeGreaterThan(10_000);

  const model = join(ROOT, 'models', 'fraud-ecommerce.txt');
  const events = new Simulator({ seed: position.seed, rate: position.rate, start: position.start }).next(position.events);
  const scorer = new FraudScorer(model, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const want: string[] = [];
  for (let at = 0; at < events.length; at += 4096) {
    for (const s of scorer.process(events.slice(at, at + 4096)).scored) {
      want.push(JSON.stringify({ kind: 'features', eventId: s.eventId, userId: s.userId, ts: s.ts, fraudScore: s.fraudScore, features: Array.from(s.features, (x) => (Number.isNaN(x) ? null : x)) }));
    }
  }
  const got = readFileSync(log, 'utf8').trimEnd().split('\n').filter((l) => l.startsWith('{"kind":"features"'));
  expect(got).toEqual(want);

  // The state serve ended with, against the unbroken one: the same counts, the same scores for probes.
  const served = new FraudScorer(model, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  served.restore(loadPart(checkpoint.parts.fraud!));
  for (const k of [STAT.events, STAT.late, STAT.rows, STAT.watermark]) expect(served.features.stat(k), `stat ${k}`).toBe(scorer.features.stat(k));
  const at = events[events.length - 1]!.ts;
  const users = [...new Set(events.flatMap((e) => ('userId' in e ? [e.userId] : [])))].slice(-800);
  expect(users.length).toBeGreaterThan(300);
  const probes: Event[] = users.map((u, i) => ({ type: 'purchase', eventId: `probe-${i}`, ts: at, userId: u, amount: 10 + (i % 90), deviceId: `d-${u}`, ip: `10.0.${i % 250}.${i % 200}` }) as Event);
  const a = served.process(probes).scored;
  const b = scorer.process(probes).scored;
  expect(a.map((s) => [s.fraudScore, Array.from(s.features)])).toEqual(b.map((s) => [s.fraudScore, Array.from(s.features)]));
  expect(existsSync(join(dir, 'dead.ndjson'))).toBe(false);
}, 120_000);
