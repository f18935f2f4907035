// `--source file:PATH`: an NDJSON file of events, one JSON object per line,
// read in constant memory (host/core/lines.ts).
//
//   file = { line "\n" }      line = JSON object of an event | blank (skipped)
//
// Two shapes over one reader:
// - ndjsonEvents(path): validated events (with the one validator of
//   host/core/schema.ts) in batches, each beside the text it was read
//   from; an invalid line goes to onInvalid with its file:line and reason,
//   and reading goes on with the next line. `replay` uses this.
// - fileSource({ path }): the `serve` Source (host/core/ports.ts): lines
//   as messages whose `where` is "PATH:LINE". With onInvalid it reports and
//   holds back invalid lines itself; without, it hands every line on and the
//   pipeline dead-letters the bad ones with that same file:line.
// Both can be paced at `rate` events per second.

import type { Event } from '../core/schema.js';
import { parseEvent } from '../core/schema.js';
import { openInput, readLines } from '../core/lines.js';
import type { Source, SourceMessage, SourcePosition } from '../core/ports.js';
import { atRate } from '../simulator/pace.js';

export interface InvalidLine {
  file: string;
  line: number;
  reason: string;
  field?: string;
  /** The line as read (cut to 200 characters). */
  text: string;
}

export interface FileBatch {
  events: Event[];
  /** The line each event was read from, trimmed. */
  texts: string[];
  /** Bytes of the file read so far (for progress). */
  bytesRead: number;
}

export interface NdjsonOptions {
  /** Called for every line that is not a valid event; reading goes on. */
  onInvalid: (bad: InvalidLine) => void;
  /** Events per second; unpaced when absent. */
  rate?: number;
  /** Lines per batch read (default 4096). */
  batchLines?: number;
  signal?: AbortSignal;
}

/** The valid events of an NDJSON file (or "-" for stdin), in file order, in batches. */
export async function* ndjsonEvents(path: string, opts: NdjsonOptions): AsyncGenerator<FileBatch> {
  const batches = readEvents(path, opts);
  if (opts.rate === undefined) {
    yield* batches;
    return;
  }
  let bytes = 0;
  const pairs = (async function* () {
    for await (const b of batches) {
      bytes = b.bytesRead;
      yield b.events.map((e, k) => [e, b.texts[k]!] as const);
    }
  })();
  for await (const part of atRate(pairs, opts.rate, { signal: opts.signal })) {
    yield { events: part.map((p) => p[0]), texts: part.map((p) => p[1]), bytesRead: bytes };
  }
}

async function* readEvents(path: string, opts: NdjsonOptions): AsyncGenerator<FileBatch> {
  for await (const batch of readLines(openInput(path), opts.batchLines ?? 4096)) {
    if (opts.signal?.aborted) return;
    const events: Event[] = [];
    const texts: string[] = [];
    for (let k = 0; k < batch.lines.length; k++) {
      const text = batch.lines[k]!.trim();
      if (text === '') continue;
      const v = parseEvent(text);
      if (v.ok) {
        events.push(v.event);
        texts.push(text);
      } else {
        opts.onInvalid({ file: path, line: batch.firstLine + k, reason: v.reason, field: v.field, text: cut(text) });
      }
    }
    if (events.length > 0) yield { events, texts, bytesRead: batch.bytesRead };
  }
}

export interface FileSourceOptions {
  path: string;
  /** Events per second; as fast as the pipeline takes them when absent. */
  rate?: number;
  /** Report invalid lines here instead of handing them to the pipeline (which dead-letters them). */
  onInvalid?: (bad: InvalidLine) => void;
  batchLines?: number;
  /** Read on from here: the position of a batch (a checkpoint's). */
  from?: FilePosition;
}

/** Where a file source stands: the next line's number and byte offset. */
export interface FilePosition extends SourcePosition {
  line: number;
  byte: number;
}

/**
 * An NDJSON file as a serve Source; it ends at the end of the file. Each
 * batch comes with the position after it (paced, with the last slice of
 * each read batch).
 */
export function fileSource(opts: FileSourceOptions): Source {
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();
  // The last message of each read batch, with the position after it.
  const ends = new WeakMap<SourceMessage, FilePosition>();
  const from = opts.from ?? { line: 1, byte: 0 };
  const lines = async function* (): AsyncGenerator<SourceMessage[]> {
    for await (const batch of readLines(openInput(opts.path, from.byte), opts.batchLines ?? 4096, from)) {
      if (stop.signal.aborted) return;
      const out: SourceMessage[] = [];
      for (let k = 0; k < batch.lines.length; k++) {
        const text = batch.lines[k]!.trim();
        if (text === '') continue;
        const line = batch.firstLine + k;
        if (opts.onInvalid) {
          const v = parseEvent(text);
          if (!v.ok) {
            opts.onInvalid({ file: opts.path, line, reason: v.reason, field: v.field, text: cut(text) });
            continue;
          }
        }
        out.push({ value: text, where: `${opts.path}:${line}` });
      }
      if (out.length > 0) {
        ends.set(out[out.length - 1]!, { line: batch.next.line, byte: batch.next.byte });
        yield out;
      }
    }
  };
  return {
    name: `file:${opts.path}`,
    run(onBatch) {
      running = (async () => {
        const batches = opts.rate === undefined ? lines() : atRate(lines(), opts.rate, { signal: stop.signal });
        for await (const b of batches) {
          await onBatch(b, ends.get(b[b.length - 1]!));
          if (stop.signal.aborted) return;
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

function cut(text: string): string {
  return text.length > 200 ? text.slice(0, 200) + '...' : text;
}
