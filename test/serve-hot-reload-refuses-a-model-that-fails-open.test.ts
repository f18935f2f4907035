// `serve` polls its model file; a new file whose leaves are NaN (it would
// score NaN, which no threshold blocks) is refused: the log says why, the
// rejection counter of /metrics goes up, /ready still names the model in
// use, and scoring goes on with the previous model, with the same scores.

import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { startServe } from './helpers/serve-process.js';
import { until } from './helpers/kafka-topics.js';

describe('hot reload', () => {
  it('refuses a model with NaN leaves and keeps serving the previous one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-hot-'));
    const model = join(dir, 'fraud.txt');
    copyFileSync(join(ROOT, 'models', 'fraud-ecommerce.txt'), model);
    // No stream: the state moves only with the requests below.
    writeFileSync(join(dir, 'none.ndjson'), '');
    const s = await startServe(['--fraud-model', model, '--model-poll-seconds', '0.2', '--source', `file:${join(dir, 'none.ndjson')}`]);
    try {
      const t = Date.UTC(2026, 0, 1);
      const score = async (id: string) =>
        (await (await fetch(`${s.base}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ eventId: id, type: 'purchase', ts: t, userId: `hot-${id}`, amount: 42 }]) })).json()) as { fraudScore: number }[];
      const before = await score('a');

      const text = readFileSync(model, 'utf8').replace(/^leaf_value=\S+/m, 'leaf_value=nan');
      writeFileSync(model, text);
      await until('the rejection logged', () => /new fraud model rejected, the previous one keeps serving: .*leaf 0 value NaN is not finite/.test(s.log()), 20_000);

      const metrics = await (await fetch(`${s.base}/metrics`)).text();
      expect(metrics).toMatch(/^streamscore_model_rejected_total\{model="fraud"\} 1$/m);
      const ready = await (await fetch(`${s.base}/ready`)).json();
      expect(ready.checks.model).toEqual({ ok: true, detail: model });
      // A new user with the same purchase: the same features, so the same score as before if the model is the same.
      const after = await score('b');
      expect(after[0]!.fraudScore).toBe(before[0]!.fraudScore);
    } finally {
      await s.stop();
    }
  });
});
