// What the HTTP and WebSocket scoring answers share: the status of an HTTP
// answer, and the batcher that scores the requests of one turn of the event
// loop in one pipeline call.

import type { ScoreError, ScoreResult, Scoring } from '../core/ports.js';

export function isScoreError(r: ScoreResult | ScoreError): r is ScoreError {
  return (r as ScoreError).error !== undefined;
}

/**
 * The status of a POST /v1/score answer: 200 when at least one event was
 * scored (the others carry their own error), 422 when none could be, so a
 * client sending one bad event gets a 4xx.
 */
export function scoreStatus(results: (ScoreResult | ScoreError)[]): 200 | 422 {
  return results.length > 0 && results.every(isScoreError) ? 422 : 200;
}

export type ScoreAnswer = (ScoreResult | ScoreError)[] | Error;

// The answers' JSON, written out as UTF-8 bytes: the same bytes as
// Buffer.from(JSON.stringify(results)) for results of the pipeline's shape
// (its keys, in its order). JSON.stringify of the results was a fifth of the
// server's CPU at 50,000 single-event requests/s; then the written-out text's
// pieces (and their flattening when sent) were a third of what the server
// allocated, and each young-generation collection is a pause that every
// request waiting sees (bench/results/2026-11-25-to-12-07-benchmarks-log.md, "WebSocket scoring API"). So the
// answers are written into one reusable buffer, not built as strings.
// Anything else (errors, another Scoring's objects) goes through
// JSON.stringify.

/**
 * JSON written as UTF-8 into one reusable buffer. The batcher owns one and
 * resets it at the start of each turn's flush; a view from `since` stays
 * valid until then, which is long enough: the answers of a turn are written
 * out (uWS copies them) before the next turn.
 */
export class JsonBytes {
  private buf = Buffer.allocUnsafeSlow(1 << 16);
  /** Where the next byte goes. */
  pos = 0;

  /** Starts over (views handed out before are no longer valid), shrinking a buffer that one big turn grew. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > 1 << 22) this.buf = Buffer.allocUnsafeSlow(1 << 16);
  }

  /** The bytes written since `at`. */
  since(at: number): Uint8Array {
    return this.buf.subarray(at, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    // Views handed out keep the old buffer alive.
    this.buf = next;
  }

  /** Text known to be ASCII that needs no escaping (the answers' own punctuation and keys). */
  ascii(s: string): void {
    this.room(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8 (JSON that is already written, such as JSON.stringify's). */
  utf8(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A JSON string: JSON.stringify(s)'s bytes. */
  str(s: string): void {
    const at = this.pos;
    this.room(s.length + 2);
    const b = this.buf;
    let p = at;
    b[p++] = 34;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // Escapes, and anything past ASCII (UTF-8, lone surrogates): JSON.stringify's way.
      if (c < 0x20 || c === 34 || c === 92 || c > 0x7f) {
        this.pos = at;
        return this.utf8(JSON.stringify(s));
      }
      b[p++] = c;
    }
    b[p++] = 34;
    this.pos = p;
  }

  /** A JSON number: JSON.stringify writes a finite one as String() does, and anything else as null. */
  num(x: number): void {
    this.ascii(Number.isFinite(x) ? String(x) : 'null');
  }
}

// JSON.stringify writes an object's keys in their order: the pipeline's shapes.
const RESULT_KEYS = ['eventId', 'fraudScore', 'decision', 'reasons'];
const REASON_KEYS = ['feature', 'contribution', 'text'];

/** Whether `o`'s enumerable keys are exactly `keys`, in that order; no array made. */
function keysAre(o: object, keys: readonly string[]): boolean {
  let n = 0;
  for (const k in o) if (k !== keys[n++]) return false;
  return n === keys.length;
}

// A result of the pipeline's shape written out, or false (with some of it
// written: the caller takes it back) for anything else.
function writeResult(w: JsonBytes, r: ScoreResult | ScoreError): boolean {
  const o = r as ScoreResult;
  if (typeof o.eventId !== 'string' || typeof o.fraudScore !== 'number' || typeof o.decision !== 'string' || !Array.isArray(o.reasons)) return false;
  if (!keysAre(o, RESULT_KEYS)) return false;
  w.ascii('{"eventId":');
  w.str(o.eventId);
  w.ascii(',"fraudScore":');
  w.num(o.fraudScore);
  w.ascii(',"decision":');
  w.str(o.decision);
  w.ascii(',"reasons":[');
  for (let i = 0; i < o.reasons.length; i++) {
    const x = o.reasons[i]!;
    if (typeof x.feature !== 'string' || typeof x.contribution !== 'number' || typeof x.text !== 'string' || !keysAre(x, REASON_KEYS)) return false;
    w.ascii(i === 0 ? '{"feature":' : ',{"feature":');
    w.str(x.feature);
    w.ascii(',"contribution":');
    w.num(x.contribution);
    w.ascii(',"text":');
    w.str(x.text);
    w.ascii('}');
  }
  w.ascii(']}');
  return true;
}

/** Writes a scoring answer's results: Buffer.from(JSON.stringify(results))'s bytes, faster for the pipeline's results. */
export function writeResults(w: JsonBytes, results: readonly (ScoreResult | ScoreError)[]): void {
  w.ascii('[');
  for (let i = 0; i < results.length; i++) {
    if (i > 0) w.ascii(',');
    const r = results[i]!;
    const at = w.pos;
    if (!writeResult(w, r)) {
      w.pos = at;
      w.utf8(JSON.stringify(r));
    }
  }
  w.ascii(']');
}

interface Request {
  /** null: not a scoring request, an answer that must follow the ones queued before it (after()). */
  events: unknown[] | null;
  done: (answer: ScoreAnswer) => void;
}

/**
 * Scoring requests that arrive in one turn of the event loop (every request
 * read from the sockets before the loop's check phase) are scored together:
 * their events in arrival order, in one pipeline call of up to `maxEvents`
 * events, and each request gets its own slice of the results. A call costs
 * the same fixed overhead whatever its size (the WASM calls, the sink
 * writes, the promises), so under load, when requests queue up, the cost per
 * event falls towards that of a batch; a lone request waits only for the end
 * of the turn it arrived in. The state moves as it would have request by
 * request: events are scored in the order their requests arrived.
 */
export class ScoreBatcher {
  private pending: Request[] = [];
  private scheduled = false;
  /** Where the answers of the current turn are written (valid until the next turn's flush). */
  readonly answers = new JsonBytes();

  constructor(
    private readonly scoring: Scoring,
    /** Most events per pipeline call; a larger request is scored alone. */
    private readonly maxEvents = 1000,
  ) {}

  /** Whether requests wait to be scored (an answer given now would overtake theirs). */
  get busy(): boolean {
    return this.pending.length > 0;
  }

  /** Queues a request; `done` gets its results (one per event, in order) or the error the scoring threw. */
  submit(events: unknown[], done: (answer: ScoreAnswer) => void): void {
    this.push({ events, done });
  }

  /** Runs `fn` once the requests queued before it are answered (an answer that must keep its place). */
  after(fn: () => void): void {
    this.push({ events: null, done: fn });
  }

  private push(r: Request): void {
    this.pending.push(r);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.answers.reset();
    const requests = this.pending;
    this.pending = [];
    for (let i = 0; i < requests.length; ) {
      const first = requests[i]!.events;
      if (first === null) {
        requests[i++]!.done([]);
        continue;
      }
      let j = i + 1;
      let n = first.length;
      for (let next; j < requests.length && (next = requests[j]!.events) !== null && n + next.length <= this.maxEvents; j++) n += next.length;
      this.scoreGroup(requests, i, j);
      i = j;
    }
  };

  // Scores requests [i, j) (all scoring requests) in one call.
  private scoreGroup(requests: Request[], i: number, j: number): void {
    let events = requests[i]!.events!;
    if (j - i > 1) {
      events = [];
      for (let r = i; r < j; r++) for (const e of requests[r]!.events!) events.push(e);
    }
    let results: (ScoreResult | ScoreError)[];
    try {
      results = this.scoring.score(events);
    } catch (e) {
      // Whatever one request holds never fails another's: each is scored again alone.
      if (j - i === 1) requests[i]!.done(e instanceof Error ? e : new Error(String(e)));
      else for (let r = i; r < j; r++) this.scoreGroup(requests, r, r + 1);
      return;
    }
    if (j - i === 1) return requests[i]!.done(results);
    let at = 0;
    for (let r = i; r < j; r++) {
      const len = requests[r]!.events!.length;
      requests[r]!.done(results.slice(at, at + len));
      at += len;
    }
  }
}
