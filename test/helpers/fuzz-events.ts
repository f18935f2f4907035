// fast-check arbitraries for bad input: valid events of every type, then the
// same with one field set to anything JSON can hold (extreme numbers, huge
// strings, nesting, the wrong type), fields dropped or added, and raw texts
// that are not events at all (cut JSON, lone surrogates, deep nesting). The
// fuzz tests of the pipeline, the HTTP API and the WebSocket share them.

import fc from 'fast-check';
import { MAX_TS } from '../../host/core/limits.js';
import { EVENT_FIELDS } from '../../host/core/schema.js';

const FIELDS: Record<string, readonly string[]> = EVENT_FIELDS;

const id = fc.string({ minLength: 1, maxLength: 12 });
const t0 = Date.UTC(2026, 0, 1);

/** A valid event of any type (eventId filled in by the caller). */
export const validEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    type: fc.constantFrom(...Object.keys(FIELDS)),
    ts: fc.integer({ min: 0, max: 86_400_000 }).map((d) => t0 + d),
    userId: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
    deviceId: fc.constantFrom('d1', 'd2'),
    ip: fc.constantFrom('10.0.0.1', '192.168.1.7', '::1'),
    country: fc.constantFrom('US', 'DE', 'FR'),
    amount: fc.double({ min: 0, max: 5000, noNaN: true }),
    itemId: fc.constantFrom('i1', 'i2', 'i3'),
    itemIds: fc.array(fc.constantFrom('i1', 'i2', 'i3'), { maxLength: 3 }),
    sku: fc.constantFrom('s1', 's2'),
    qty: fc.integer({ min: 0, max: 20 }),
    level: fc.integer({ min: 0, max: 500 }),
    purchaseEventId: id,
    fraud: fc.boolean(),
  })
  .map((r) => {
    const e: Record<string, unknown> = { type: r.type, ts: r.ts };
    const want = FIELDS[r.type as string]!;
    for (const f of want) if (f in r) e[f] = (r as Record<string, unknown>)[f];
    return e;
  });

/** Values that break things: extremes, wrong types, long strings, nesting. */
export const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null, true, false, 0, -0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, MAX_TS, MAX_TS + 1, 8.64e15, 8.64e15 + 1,
    '', ' ', 'NaN', 'Infinity', '-1', '2026-13-45T99:99:99Z', '9999-12-31T23:59:59Z', '275760-09-13T00:00:00Z', '1969-12-31T23:59:59Z',
    '\u0000', '\ud800', '\udfff', 'a\ud800b', '\u202e', 'x'.repeat(300), 'y'.repeat(100_000), [], {}, [[[[[[]]]]]],
  ),
  fc.double(),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A valid event with some of its fields broken. */
export const mutatedEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    validEvent,
    fc.array(fc.tuple(fc.constantFrom('type', 'ts', 'eventId', ...new Set(Object.values(FIELDS).flat()), 'extra'), fc.option(nasty, { nil: undefined })), { minLength: 1, maxLength: 3 }),
  )
  .map(([e, changes]) => {
    const out = { ...e };
    for (const [k, v] of changes) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  });

/** Texts that are not one JSON event: cut JSON, garbage, other JSON values, deep nesting. */
export const badText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  validEvent.map((e) => JSON.stringify(e).slice(0, -3)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.integer({ min: 1000, max: 100_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1000, max: 100_000 }).map((d) => `{"eventId":"x","type":${'['.repeat(d)}${']'.repeat(d)},"ts":1}`),
  fc.constant(''),
);

/** One message of a stream: a valid event, a broken one, or not an event at all. */
export const anyMessage: fc.Arbitrary<{ kind: 'valid' | 'mutated' | 'text'; value: unknown }> = fc.oneof(
  { weight: 3, arbitrary: validEvent.map((value) => ({ kind: 'valid' as const, value })) },
  { weight: 3, arbitrary: mutatedEvent.map((value) => ({ kind: 'mutated' as const, value })) },
  { weight: 1, arbitrary: badText.map((value) => ({ kind: 'text' as const, value })) },
);

/** The message's text with a unique eventId set (when it is an object that keeps one). */
export function messageText(m: { kind: string; value: unknown }, eventId: string): string {
  if (m.kind === 'text') return m.value as string;
  const o = m.value as Record<string, unknown>;
  return JSON.stringify('eventId' in o && m.kind === 'mutated' ? o : { eventId, ...o });
}

/**
 * The message as one element of an API request's JSON array: its own text
 * when that is JSON (deep nesting kept as it is), else the text as a string.
 */
export function messageJson(m: { kind: string; value: unknown }, eventId: string): string {
  if (m.kind !== 'text') return messageText(m, eventId);
  try {
    JSON.parse(m.value as string);
    return m.value as string;
  } catch {
    return JSON.stringify(m.value);
  }
}

/**
 * The fuzz tests' seed: fixed, so that a run of the suite is a function of the
 * code (CI judges the same cases every time); FUZZ_SEED=N replays another,
 * FUZZ_SEED=random draws one (printed by fast-check on a failure, to be kept
 * as a regression case).
 */
export function configureFuzzSeed(): void {
  const v = process.env.FUZZ_SEED;
  fc.configureGlobal({ seed: v === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : v !== undefined && v !== '' ? Number(v) : 20261207 });
}
