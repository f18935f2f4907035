// The built-in simulator as a serve Source: the `live` runner releases its
// events as the wall clock reaches their time (so latencies measured from
// event time are real), and they travel as JSON text, exactly as they would
// from Kafka or a file. Its position is the number of events handed out and
// the simulation's start: the simulator is a function of its options, so a
// source created `from` a position makes the same world again and skips
// that many events (those then fall due at once and catch up).

import { Simulator, type SimulatorOptions } from './simulator.js';
import { live } from './pace.js';
import type { Source, SourceMessage, SourcePosition } from '../core/ports.js';

/** Where a simulator source stands: events handed out, and the world that made them. */
export interface SimulatorPosition extends SourcePosition {
  events: number;
  start: number;
  seed: number;
  rate: number;
}

/** Skipping a restored simulator's past goes in steps of this many events. */
const SKIP_STEP = 65_536;

export function simulatorSource(options: SimulatorOptions & { from?: SimulatorPosition }): Source {
  const { from, ...o } = options;
  const sim = new Simulator({ ...o, ...(from ? { start: from.start, seed: from.seed, rate: from.rate } : { start: o.start ?? Date.now() }) });
  let seq = 0;
  if (from) for (; seq < from.events; ) seq += sim.next(Math.min(SKIP_STEP, from.events - seq)).length;
  const world = { start: sim.start, seed: sim.seed, rate: sim.rate };
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();
  return {
    name: 'simulator',
    run(onBatch) {
      running = (async () => {
        for await (const events of live(sim, { signal: stop.signal })) {
          const batch: SourceMessage[] = events.map((e) => ({ value: JSON.stringify(e), where: `simulator#${seq++}` }));
          await onBatch(batch, { events: seq, ...world } satisfies SimulatorPosition);
        }
      })();
      return running;
    },
    async stop() {
      stop.abort();
      await running.catch(() => {});
    },
  };
}
