// The WASM features equal the plain TypeScript reference, value for value, on
// random streams (half with minute-resolution times, so ties abound): users sharing devices and IPs, every event type, missing
// fields, out-of-order events within the lateness, late events beyond it,
// gaps past the windows and past the profile horizon, and batches of every
// size. The reference keeps every event and computes windows by filtering.

import { describe, expect, it } from 'vitest';
import { FeatureEngine } from '../host/fraud/features.js';
import { ReferenceFeatures } from '../host/fraud/reference.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { randomStream, rng, smallIpTable } from './helpers/event-stream.js';

const same = (a: number, b: number) => Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b));

function compare(seed: number, events: number): void {
  const r = rng(seed * 31 + 7);
  const latenessMs = [0, 1000, 60_000, 300_000][Math.floor(r() * 4)]!;
  const profileTtlMs = [3 * 86_400_000, 180 * 86_400_000][Math.floor(r() * 2)]!;
  const capacity = 1 + Math.floor(r() * 96);
  const table = smallIpTable();
  const resolutionMs = seed % 2 === 0 ? 60_000 : undefined; // minute times: many ties
  const stream = randomStream(seed, { events, latenessMs, users: 20 + Math.floor(r() * 80), longGapMs: profileTtlMs, resolutionMs });
  const engine = new FeatureEngine({ latenessMs, profileTtlMs, capacity });
  engine.loadIpRanges(table);
  const got = engine.process(stream);
  const ref = new ReferenceFeatures(table, { latenessMs, profileTtlMs });
  const w = FEATURE_NAMES.length;
  let row = 0;
  for (let i = 0; i < stream.length; i++) {
    const want = ref.process(stream[i]!);
    if (!want) continue;
    for (let k = 0; k < w; k++) {
      const g = got[row * w + k]!;
      if (!same(g, want[k]!)) {
        expect.fail(`seed ${seed} (lateness ${latenessMs}, horizon ${profileTtlMs}, batch ${capacity}): event ${i} (row ${row}) ${FEATURE_NAMES[k]}: WASM ${g}, reference ${want[k]}\n${JSON.stringify(stream[i])}`);
      }
    }
    row++;
  }
  expect(row * w).toBe(got.length);
  expect(engine.stat(1)).toBe(ref.late);
}

describe('WASM features = reference features', () => {
  it('on 40 random streams of 1,500 events', () => {
    for (let seed = 1; seed <= 40; seed++) compare(seed, 1500);
  });

  it('on a long stream of 20,000 events', () => {
    compare(4242, 20_000);
  });
});
