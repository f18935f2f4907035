// The built-in simulator as a serve Source: the `live` runner releases its
// events as the wall clock reaches their time (so latencies measured from
// event time are real), and they travel as JSON text, exactly as they would
// from Kafka or a file.

import { Simulator, type SimulatorOptions } from './simulator.js';
import { live } from './pace.js';
import type { Source, SourceMessage } from '../core/ports.js';

export function simulatorSource(options: SimulatorOptions): Source {
  const sim = new Simulator({ ...options, start: options.start ?? Date.now() });
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let seq = 0;
  return {
    name: 'simulator',
    run(onBatch) {
      running = (async () => {
        for await (const events of live(sim, { signal: stop.signal })) {
          const batch: SourceMessage[] = events.map((e) => ({ value: JSON.stringify(e), where: `simulator#${seq++}` }));
          await onBatch(batch);
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
