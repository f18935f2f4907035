// What the HTTP and WebSocket scoring answers share: the status of an HTTP
// answer, and the batcher that scores the requests of one turn of the event
// loop in one pipeline call.

import type { ScoreError, ScoreResult, Scoring } from '../service/types.js';

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

// The answers' JSON, written out: the same text as JSON.stringify gives for
// results of the pipeline's shape (its keys, in its order). JSON.stringify
// of the results was a fifth of the server's CPU at 50,000 single-event
// requests/s; written out, an answer took 1.6-4.3 µs instead of 2.9-5.2
// (alone on one core, with the UTF-8 copy uWS makes, which is most of what
// is left; docs/BENCHMARKS.md, "WebSocket scoring API"). Anything else
// (errors, another Scoring's objects) goes through JSON.stringify.

/** Characters JSON.stringify escapes, and surrogates (a lone one is escaped; a string with any goes the slow way). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
// JSON.stringify writes a finite number as String() does, and anything else as null.
const jsonNumber = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** Whether `o` has exactly these own keys, in this order (JSON.stringify's order is the keys'). */
function keysAre(o: object, a: string, b: string, c: string, d?: string): boolean {
  const k = Object.keys(o);
  return k.length === (d === undefined ? 3 : 4) && k[0] === a && k[1] === b && k[2] === c && k[3] === d;
}

// A result of the pipeline's shape written out, or null for anything else.
function resultJson(r: ScoreResult | ScoreError): string | null {
  const o = r as ScoreResult;
  if (typeof o.eventId !== 'string' || typeof o.fraudScore !== 'number' || typeof o.decision !== 'string' || !Array.isArray(o.reasons)) return null;
  if (!keysAre(o, 'eventId', 'fraudScore', 'decision', 'reasons')) return null;
  let reasons = '[';
  for (let i = 0; i < o.reasons.length; i++) {
    const x = o.reasons[i]!;
    if (typeof x.feature !== 'string' || typeof x.contribution !== 'number' || typeof x.text !== 'string' || !keysAre(x, 'feature', 'contribution', 'text')) return null;
    reasons += `${i === 0 ? '' : ','}{"feature":${jsonString(x.feature)},"contribution":${jsonNumber(x.contribution)},"text":${jsonString(x.text)}}`;
  }
  return `{"eventId":${jsonString(o.eventId)},"fraudScore":${jsonNumber(o.fraudScore)},"decision":${jsonString(o.decision)},"reasons":${reasons}]}`;
}

/** The JSON of a scoring answer's results: JSON.stringify(results), faster for the pipeline's results. */
export function resultsJson(results: readonly (ScoreResult | ScoreError)[]): string {
  let s = '[';
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const one = resultJson(r) ?? JSON.stringify(r);
    s += i === 0 ? one : `,${one}`;
  }
  return s + ']';
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
      for (let r = i; r < j; r++) requests[r]!.done(e as Error);
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
