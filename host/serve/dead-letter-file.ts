// Dead letters as an NDJSON file, for the embedded mode (service mode writes
// them to the Kafka topic streamscore.deadletter instead): one line per event
// that failed validation, appended, never rewritten:
//
//   {"where":"events.ndjson:17","raw":"{\"type\":\"purchase\",...}","reason":"amount: must be >= 0","field":"amount","ts":1767225600000}
//
// write() resolves once the lines are handed to the operating system, so a
// crash of the process after that loses none (a crash of the machine may: no
// fsync per batch, which would cost a disk flush per batch for a log of
// rejects).

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { StreamscoreError } from '../core/errors.js';
import { INSTRUMENTATION, type Instrumentation } from '../core/instrumentation.js';
import type { BatchOutput, Sink, SinkPosition } from '../core/ports.js';
import { existsSync, statSync } from 'node:fs';
import { rewindFile } from './rewind-file.js';

export const DEFAULT_DEAD_LETTER_FILE = 'streamscore-deadletter.ndjson';

export interface DeadLetterFileOptions {
  /** The file to append to (default `streamscore-deadletter.ndjson` in the working directory); created if missing. */
  path?: string;
  /** Receives SINK_ERROR (sink "deadletter") when the file cannot be written. */
  instrumentation?: Instrumentation;
}

/** The Sink that appends each batch's dead letters to an NDJSON file. */
export class DeadLetterFile implements Sink {
  readonly name = 'deadletter';
  readonly path: string;
  private out: WriteStream | null = null;
  private failed: Error | null = null;
  private written = 0;
  private bytes: number;
  private readonly instrumentation?: Instrumentation;

  constructor(options: DeadLetterFileOptions = {}) {
    this.path = resolve(options.path ?? DEFAULT_DEAD_LETTER_FILE);
    this.instrumentation = options.instrumentation;
    this.bytes = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  /** Appends the batch's dead letters; resolves once written. Called by the pipeline once per batch. */
  async write(batch: BatchOutput): Promise<void> {
    if (batch.deadLetters.length === 0) return;
    let text = '';
    for (const d of batch.deadLetters) {
      text += JSON.stringify({ where: d.where, key: d.key, raw: d.raw, reason: d.reason, field: d.field, ts: d.ts }) + '\n';
    }
    const out = this.stream();
    this.bytes += Buffer.byteLength(text);
    try {
      await new Promise<void>((done, reject) => out.write(text, (e) => (e ? reject(e) : done())));
    } catch (e) {
      this.failed = e as Error;
      this.instrumentation?.emit(INSTRUMENTATION.SINK_ERROR, { sink: 'deadletter', error: e });
      throw new StreamscoreError(`dead-letter file ${this.path}: ${(e as Error).message}`, { code: 'DEADLETTER_WRITE', retriable: true, cause: e });
    }
    this.written += batch.deadLetters.length;
  }

  /** The file's length with every dead letter written so far (each write resolves once it is with the operating system). */
  position(): SinkPosition {
    return { path: this.path, bytes: this.bytes };
  }

  async rewind(p: SinkPosition): Promise<void> {
    this.bytes = rewindFile(this.path, p);
  }

  readiness(): { ok: boolean; detail?: string } {
    return this.failed ? { ok: false, detail: `dead-letter file ${this.path}: ${this.failed.message}` } : { ok: true };
  }

  /** Dead letters appended since start. */
  get count(): number {
    return this.written;
  }

  async close(): Promise<void> {
    const out = this.out;
    this.out = null;
    if (out === null || out.destroyed) return;
    out.end();
    await once(out, 'close').catch(() => {});
  }

  // Opened on the first dead letter, so a run without any leaves no empty file behind.
  private stream(): WriteStream {
    if (this.out === null || this.out.destroyed) {
      this.failed = null;
      const out = createWriteStream(this.path, { flags: 'a' });
      out.on('error', (e) => (this.failed = e));
      this.out = out;
    }
    return this.out;
  }
}

/** Creates the sink. Called once by `serve` in the embedded mode. */
export function createDeadLetterFile(options: DeadLetterFileOptions = {}): DeadLetterFile {
  return new DeadLetterFile(options);
}
