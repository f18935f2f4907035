// Streams a file or stdin as lines in batches, in constant memory: a chunk is
// split on "\n" (a trailing "\r" is dropped), and only the unfinished last
// line is carried into the next chunk.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface LineBatch {
  /** 1-based line number of lines[0]. */
  firstLine: number;
  lines: string[];
  /** Bytes consumed so far (for progress). */
  bytesRead: number;
  /** Where the line after the batch starts: its number and byte offset (to resume there). */
  next: { line: number; byte: number };
}

/** Opens a path, or stdin for "-"; a file from byte `start` on. */
export function openInput(path: string, start = 0): Readable {
  return path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20, start });
}

/**
 * Yields the lines of a stream in batches of about `batchLines`. A stream
 * opened at a line's start (LineBatch.next) goes on from that line: pass
 * its number and offset as `from`.
 */
export async function* readLines(stream: Readable, batchLines = 4096, from = { line: 1, byte: 0 }): AsyncGenerator<LineBatch> {
  let carry = '';
  let line = from.line;
  let bytes = from.byte;
  let lineStart = from.byte;
  let pending: string[] = [];
  let pendingFirst = 1;
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    bytes += buf.byteLength;
    const text = carry + decoder.decode(buf, { stream: true });
    const parts = text.split('\n');
    carry = parts.pop()!;
    for (const p of parts) {
      if (pending.length === 0) pendingFirst = line;
      pending.push(p.endsWith('\r') ? p.slice(0, -1) : p);
      line++;
      lineStart += Buffer.byteLength(p) + 1;
      if (pending.length >= batchLines) {
        yield { firstLine: pendingFirst, lines: pending, bytesRead: bytes, next: { line, byte: lineStart } };
        pending = [];
      }
    }
  }
  carry += decoder.decode();
  if (carry.length > 0) {
    if (pending.length === 0) pendingFirst = line;
    pending.push(carry.endsWith('\r') ? carry.slice(0, -1) : carry);
    line++;
    lineStart += Buffer.byteLength(carry);
  }
  if (pending.length > 0) yield { firstLine: pendingFirst, lines: pending, bytesRead: bytes, next: { line, byte: lineStart } };
}
