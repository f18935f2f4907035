// Answers one HTTP request: JSON bodies, the error shape every endpoint uses,
// and the request body read under a size limit. Follows uWS' rules: a response
// written after an await is corked and only if the client has not gone away
// (onAborted is attached before any async work starts).

import type { HttpResponse } from 'uWebSockets.js';
import type { Instrumentation } from '../core/instrumentation.js';

const STATUS: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Content',
  426: '426 Upgrade Required',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Every error body: a stable code for programs and a message for people. */
export interface ApiError {
  error: string;
  message: string;
}

/** One request's response. Created by each route handler. */
export class Reply {
  private aborted = false;
  private done = false;
  private readonly t0 = performance.now();

  constructor(
    readonly res: HttpResponse,
    private readonly route: string,
    private readonly method: string,
    private readonly instrumentation: Instrumentation,
  ) {}

  /** Must be called before any async work or body reading. */
  watchAbort(): this {
    this.res.onAborted(() => {
      this.aborted = true;
    });
    return this;
  }

  /** Whether a response can still be written. */
  get open(): boolean {
    return !this.aborted && !this.done;
  }

  /** Writes the whole response; closeConnection for a request whose body was not read (413). */
  send(status: number, body: string | Uint8Array, contentType = JSON_TYPE, headers?: Record<string, string>, closeConnection = false): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(STATUS[status] ?? String(status));
      this.res.writeHeader('Content-Type', contentType);
      if (headers) for (const k in headers) this.res.writeHeader(k, headers[k]!);
      this.res.end(body, closeConnection);
    });
    this.instrumentation.emit('http.request', { route: this.route, method: this.method, status, seconds: (performance.now() - this.t0) / 1000 });
  }

  json(status: number, value: unknown, headers?: Record<string, string>): void {
    this.send(status, JSON.stringify(value), JSON_TYPE, headers);
  }

  error(status: number, code: string, message: string, headers?: Record<string, string>, closeConnection = false): void {
    const body: ApiError = { error: code, message };
    this.send(status, JSON.stringify(body), JSON_TYPE, headers, closeConnection);
  }
}

/** Most bytes of a too-large body read and dropped so that its 413 can be read; past this the connection is closed. */
export const MAX_DRAIN_BYTES = 64 << 20;

/**
 * Reads the request body, at most `limit` bytes. onBody runs inside uWS' data
 * callback, so it must use the buffer before returning (it is usually a view
 * on uWS' memory, not a copy). A larger body is read to its end and dropped,
 * then onTooLarge runs (a client that writes its whole body before reading
 * can then read the answer); past MAX_DRAIN_BYTES it runs at once. Call
 * reply.watchAbort() first.
 */
export function readBody(reply: Reply, limit: number, onBody: (body: Buffer) => void, onTooLarge: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  reply.res.onData((chunk, isLast) => {
    size += chunk.byteLength;
    if (over || size > limit) {
      if (!over) chunks.length = 0;
      over = true;
      if (isLast || size > MAX_DRAIN_BYTES) onTooLarge();
      return;
    }
    if (isLast) {
      if (chunks.length === 0) onBody(Buffer.from(chunk));
      else {
        chunks.push(Buffer.from(chunk));
        onBody(Buffer.concat(chunks, size));
      }
    } else {
      // uWS reuses the chunk's memory after this callback returns.
      chunks.push(Buffer.from(chunk.slice(0)));
    }
  });
}
