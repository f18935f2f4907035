// A dead-letter file write that cannot reach the file rejects (so the source
// does not commit the batch), emits SINK_ERROR and shows in readiness.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createDeadLetterFile } from '../host/serve/dead-letter-file.js';
import type { BatchOutput, DeadLetter } from '../host/core/ports.js';

const batch = (deadLetters: DeadLetter[]): BatchOutput => ({ scores: [], alerts: [], deadLetters, recommendations: [], inventory: [] });

test('a write that cannot reach the file rejects, emits SINK_ERROR and shows in readiness', async () => {
  const instrumentation = createInstrumentation();
  const errors: string[] = [];
  instrumentation.on('sink.error', (p) => errors.push(p.sink));
  const sink = createDeadLetterFile({ path: join(tmpdir(), 'no-such-dir-streamscore', 'x', 'dead.ndjson'), instrumentation });
  await expect(sink.write(batch([{ where: 'w', raw: 'r', reason: 'why', ts: 1 }]))).rejects.toMatchObject({ code: 'DEADLETTER_WRITE', retriable: true });
  expect(errors).toEqual(['deadletter']);
  expect(sink.readiness().ok).toBe(false);
  expect(sink.readiness().detail).toMatch(/ENOENT/);
  await sink.close();
});
