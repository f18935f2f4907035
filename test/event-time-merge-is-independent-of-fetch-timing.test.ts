// The event-time merge (host/serve/event-time-merge.ts) gives one order for
// the same streams however their items arrive: in any chunks, interleaved in
// any way, taken in slices of any size, as long as a stream that is behind
// is waited for. That order is each stream's own, merged by time with ties
// to the stream listed first. A caught-up stream with nothing queued is
// waited for up to the idle bound, then skipped and counted once.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { EventTimeMerge } from '../host/serve/event-time-merge.js';
import { configureFuzzSeed } from './helpers/fuzz-events.js';

configureFuzzSeed();

const STREAMS = ['a', 'b', 'c'];

/** The expected order: repeatedly the smallest head, ties to the earlier stream. */
function reference(streams: number[][]): string[] {
  const heads = streams.map(() => 0);
  const out: string[] = [];
  for (;;) {
    let best = -1;
    for (let k = 0; k < streams.length; k++) {
      if (heads[k]! < streams[k]!.length && (best < 0 || streams[k]![heads[k]!]! < streams[best]![heads[best]!]!)) best = k;
    }
    if (best < 0) return out;
    out.push(`${STREAMS[best]}${heads[best]!}`);
    heads[best]!++;
  }
}

test('any arrival and any slice size give the same order', () => {
  const stream = fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 });
  fc.assert(
    fc.property(fc.tuple(stream, stream, stream), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 7 }), (streams, schedule, slice) => {
      const merge = new EventTimeMerge<string>(50);
      merge.assign(STREAMS);
      const sent = streams.map(() => 0);
      const got: string[] = [];
      let step = 0;
      const now = 0; // the clock never moves: no idle bound passes
      // Each step delivers the next chunk of one stream (the schedule picks which and how long), then takes a slice.
      while (step < schedule.length * 3) {
        const pick = schedule[step % schedule.length]!;
        step++;
        const k = pick % 3;
        const n = Math.min(streams[k]!.length - sent[k]!, 1 + (pick >> 2) % 5);
        const items = streams[k]!.slice(sent[k]!, sent[k]! + n).map((ts, i) => ({ ts, item: `${STREAMS[k]}${sent[k]! + i}` }));
        sent[k]! += n;
        merge.push(STREAMS[k]!, items, sent[k] === streams[k]!.length, now);
        got.push(...merge.take(slice, now).items);
      }
      // What the schedule did not deliver, and every stream's end; then the idle bound passes and the rest drains.
      for (const k of [0, 1, 2]) merge.push(STREAMS[k]!, streams[k]!.slice(sent[k]!).map((ts, i) => ({ ts, item: `${STREAMS[k]}${sent[k]! + i}` })), true, now);
      for (let i = 0; i < 200; i++) got.push(...merge.take(slice, 1000 + 100 * i).items);
      expect(got).toEqual(reference(streams));
    }),
  );
});

test('a stream that is behind holds the merge; a caught-up one only until its idle bound, counted once', () => {
  const merge = new EventTimeMerge<string>(50);
  merge.assign(['a', 'b']);
  merge.push('a', [{ ts: 10, item: 'a0' }, { ts: 20, item: 'a1' }], false, 0);
  // b has not been heard of: it is behind.
  expect(merge.take(10, 1_000_000).items).toEqual([]);
  merge.push('b', [{ ts: 15, item: 'b0' }], true, 100);
  expect(merge.take(10, 100)).toEqual({ items: ['a0', 'b0'], idled: [] });
  // b ran dry while caught up: a1 waits for it until the bound.
  expect(merge.take(10, 149).items).toEqual([]);
  expect(merge.wakeAt()).toBe(150);
  expect(merge.take(10, 150)).toEqual({ items: ['a1'], idled: ['b'] });
  expect(merge.take(10, 500)).toEqual({ items: [], idled: [] });
  // Once b has an item again it is waited for again.
  merge.push('b', [{ ts: 30, item: 'b1' }], true, 600);
  merge.push('a', [{ ts: 40, item: 'a2' }], false, 600);
  expect(merge.take(10, 600).items).toEqual(['b1']);
  expect(merge.take(10, 600).items).toEqual([]);
});
