// A restore ends an output file where the checkpoint saw it end: what was
// appended after that belongs to events the restored state has not seen,
// and they write it again (docs/STATE.md).

import { existsSync, statSync, truncateSync } from 'node:fs';
import { resolve } from 'node:path';
import { StreamscoreError } from '../core/errors.js';
import type { SinkPosition } from '../core/ports.js';

/** Cuts `path` back to the position's length; returns that length. */
export function rewindFile(path: string, to: SinkPosition): number {
  if (resolve(to.path) !== resolve(path)) throw new StreamscoreError(`the checkpoint's output file is ${to.path}, this run writes ${path}: use the same file, or --reset-state`, { code: 'CHECKPOINT_SINK' });
  const size = existsSync(path) ? statSync(path).size : 0;
  if (size < to.bytes) throw new StreamscoreError(`${path} holds ${size} bytes, fewer than the ${to.bytes} the checkpoint saw written: it was cut or replaced since; move it away and use --reset-state, or restore the file`, { code: 'CHECKPOINT_SINK' });
  if (size > to.bytes) truncateSync(path, to.bytes);
  return to.bytes;
}
