// The event validator (host/core/schema.ts) and the WASM core judge an
// event's time by one rule: any ts the validator passes, the feature engine
// and the recommender take, and any it refuses, they skip (per event, never
// the batch). Checked on random times around every edge, as numbers and as
// ISO-8601 strings, and on the module's own exported limit.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FeatureEngine } from '../host/fraud/features.js';
import { GbtEngine } from '../host/gbt/engine.js';
import { RecsEngine } from '../host/recs/engine.js';
import { MAX_TS } from '../host/core/limits.js';
import { validateEvent } from '../host/core/schema.js';
import { configureFuzzSeed } from './helpers/fuzz-events.js';

configureFuzzSeed();

const edges = [0, -1, -0.5, 1, MAX_TS, MAX_TS + 1, MAX_TS - 1, MAX_TS * 2, 8.64e15, -8.64e15, 1.7e12, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE];
const anyTs = fc.oneof(
  fc.constantFrom(...edges),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e15, max: 2e14, noNaN: true }),
  fc.integer({ min: -1e6, max: 1e6 }).map((d) => MAX_TS + d),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
);

describe('event time limits: the validator and the core agree', () => {
  it('the module exports the limit the host validates against', () => {
    const e = new GbtEngine().exports as unknown as { eventsMaxTs(): number };
    expect(e.eventsMaxTs()).toBe(MAX_TS);
  });

  it('a ts the validator passes is taken by the feature engine; one it refuses is skipped alone', () => {
    const engine = new FeatureEngine({ capacity: 3 });
    fc.assert(
      fc.property(anyTs, (ts) => {
        const v = validateEvent({ eventId: 'e', type: 'purchase', ts, userId: 'u', amount: 1 });
        // The core sees the epoch ms the validator would produce (or the raw number when it refused).
        const ms = typeof ts === 'number' ? ts : Date.parse(ts);
        const cols = engine.columns();
        // A valid purchase on each side of it: they are never affected by it.
        cols.set(0, { type: 'purchase', ts: 1000, userId: 'a', amount: 1 });
        cols.set(1, { type: 'purchase', ts: ms, userId: 'u', amount: 1 });
        cols.set(2, { type: 'purchase', ts: 2000, userId: 'b', amount: 1 });
        const rows = engine.run(3);
        const rejected = engine.rejected();
        if (v.ok) {
          expect(rejected).toEqual([]);
          expect(rows).toBe(3);
        } else {
          expect(v.field).toBe('ts');
          expect(rejected.map((r) => r.index)).toEqual([1]);
          expect(rows).toBe(2);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the recommender skips exactly the interactions whose time the validator refuses', () => {
    const recs = new RecsEngine({ capacity: 4 });
    fc.assert(
      fc.property(anyTs, (ts) => {
        const v = validateEvent({ eventId: 'e', type: 'view', ts, userId: 'u', itemId: 'i' });
        const ms = typeof ts === 'number' ? ts : Date.parse(ts);
        recs.add('a', 'i1', 'view', 1000);
        recs.add('u', 'i2', 'view', ms);
        recs.flush();
        expect(recs.lastRejected).toBe(v.ok ? 0 : 1);
      }),
      { numRuns: 1000 },
    );
  });
});
