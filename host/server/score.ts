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
