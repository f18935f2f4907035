// The feature log as an NDJSON file: the features of every scored purchase as
// they were at scoring time, and every label event, so labels can be joined
// to features (on eventId = purchaseEventId) to retrain without recomputing.
//
//   {"kind":"header","featureNames":[...]}                       first line
//   {"kind":"features","eventId":"p1","userId":"u1","ts":...,"fraudScore":0.12,"features":[...]}
//   {"kind":"label","eventId":"l1","purchaseEventId":"p1","fraud":true,"ts":...}
// Missing feature values are null. Lines follow the events' order (a label
// among the purchases it came between), whatever batches the stream was
// cut into, so the file is a function of the input (docs/STATE.md); a
// restore cuts it back to a checkpoint's length (rewind).

import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import type { BatchOutput, Sink } from '../core/ports.js';
import { rewindFile } from './rewind-file.js';

/** Appends to `path`, writing the header first when the file is new or empty. */
export function featureLogFile(path: string, featureNames: readonly string[]): Sink {
  const fresh = !existsSync(path) || statSync(path).size === 0;
  const out = createWriteStream(path, { flags: 'a' });
  let failed: Error | null = null;
  out.on('error', (e) => (failed = e));
  let bytes = fresh ? 0 : statSync(path).size;
  const append = (text: string) => {
    bytes += Buffer.byteLength(text);
    return out.write(text);
  };
  if (fresh) append(JSON.stringify({ kind: 'header', featureNames }) + '\n');
  return {
    name: 'feature-log',
    async write(batch: BatchOutput) {
      if (failed) throw failed;
      // In event order (labels between the purchases they came among), so the log is the same however the stream was cut in batches.
      const lines: string[] = [];
      const labels = batch.labels ?? [];
      let k = 0;
      const label = (l: (typeof labels)[number]) => lines.push(JSON.stringify({ kind: 'label', eventId: l.eventId, purchaseEventId: l.purchaseEventId, fraud: l.fraud, ts: l.ts }));
      batch.scores.forEach((s, i) => {
        for (; k < labels.length && (labels[k]!.after ?? Infinity) <= i; k++) label(labels[k]!);
        const features = Array.from(s.features, (x) => (Number.isNaN(x) ? null : x));
        lines.push(JSON.stringify({ kind: 'features', eventId: s.eventId, userId: s.userId, ts: s.ts, fraudScore: s.fraudScore, features }));
      });
      for (; k < labels.length; k++) label(labels[k]!);
      if (lines.length > 0 && !append(lines.join('\n') + '\n')) await once(out, 'drain');
    },
    readiness: () => (failed ? { ok: false, detail: `feature log ${path}: ${(failed as Error).message}` } : { ok: true }),
    async close() {
      out.end();
      await once(out, 'close');
    },
    position: () => ({ path, bytes }),
    durable: () => new Promise<void>((done, reject) => out.write('', (e) => (e ? reject(e) : done()))),
    async rewind(p) {
      bytes = rewindFile(path, p);
    },
  };
}
