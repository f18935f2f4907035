// The stream's one processing path: a source's batch of raw messages is
// validated (invalid ones become dead letters with their reason), the valid
// events go through the fraud scorer in order, and the batch's outputs are
// handed to every sink; the returned promise resolves once all sinks have
// written, which is when the source may commit. Scoring requests from the
// API take the same path (their events join the stream's state like any
// other source's), answered before their outputs are written.

import { parseEvent, validateEvent, type Event, type Validation } from './schema.js';
import { INSTRUMENTATION, type Instrumentation } from './instrumentation.js';
import type { Alert, BatchOutput, DeadLetter, ScoreError, ScoreResult, Scoring, Sink, SourceMessage, FraudJob, Rejection, ScoredOutput } from './ports.js';
import { fraudAlertRecord } from './records.js';

/**
 * A job besides fraud on the same stream (recommendations, inventory): it sees
 * every valid event of a batch, in order, after the fraud scorer, and adds its
 * outputs (recommendation lists, inventory states, stock alerts) to the batch's.
 */
export interface Stage {
  readonly name: string;
  /**
   * A stage on another thread: its process() returns a promise that resolves
   * once its outputs are in `out`, an output of its own (not the batch's
   * scores) that the sinks write then, in batch order.
   */
  readonly deferred?: boolean;
  /**
   * Called once per batch, in batch order (WASM state moves in event order);
   * synchronous unless the stage is deferred.
   */
  process(events: readonly Event[], out: BatchOutput): void | Promise<void>;
  /** Stops what the stage runs (a worker). Called once the pipeline drained. */
  stop?(): Promise<void>;
}

export interface PipelineOptions {
  fraud: FraudJob;
  /** Further jobs on the stream, run in this order after fraud scoring. */
  stages?: Stage[];
  sinks: Sink[];
  instrumentation: Instrumentation;
  /** Called for each alert once the batch's outputs are written (the server publishes it). */
  onAlert?: (alert: Alert) => void;
}

export class Pipeline implements Scoring {
  onAlert: (alert: Alert) => void;
  private readonly fraud: FraudJob;
  private readonly stages: Stage[];
  private readonly sinks: Sink[];
  private readonly ins: Instrumentation;
  /** Sink writes of scoring requests still in flight (awaited on close). */
  private readonly pending = new Set<Promise<void>>();
  /** Resolves when the deferred stages have answered for every batch so far. */
  private gate: Promise<void> = Promise.resolve();

  constructor(o: PipelineOptions) {
    this.fraud = o.fraud;
    this.stages = o.stages ?? [];
    this.sinks = o.sinks;
    this.ins = o.instrumentation;
    this.onAlert = o.onAlert ?? (() => {});
  }

  /**
   * Handles one source batch: validates and scores it before returning (the
   * stream's state has moved when this returns), and the promise resolves
   * when every sink has its outputs. Called by the source per batch; a source
   * may hand over the next batch before this one's promise resolved (the
   * Kafka source with maxSlicesInFlight > 1), since the sinks write in call order.
   */
  handle(messages: readonly SourceMessage[]): Promise<void> {
    try {
      return this.take(messages);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private take(messages: readonly SourceMessage[]): Promise<void> {
    const events: Event[] = [];
    // Where each event came from, for a dead letter should the engine turn it down.
    const from: SourceMessage[] = [];
    const deadLetters: DeadLetter[] = [];
    const now = Date.now();
    for (const m of messages) {
      const v: Validation =
        m.invalid !== undefined ? { ok: false, reason: m.invalid }
        : m.value === null ? { ok: false, reason: 'the message value is null (a tombstone), not an event' }
        : (m.parsed ?? parseEvent(m.value));
      if (v.ok) {
        events.push(v.event);
        from.push(m);
      } else {
        deadLetters.push(this.deadLetter(m, v.reason, v.field, now));
      }
    }
    return this.process(events, deadLetters, (i) => from[i]!).write;
  }

  /** Scores events from the API: one result or error per event, in order. */
  score(values: unknown[]): (ScoreResult | ScoreError)[] {
    const events: Event[] = [];
    // Index in `values` of each event.
    const at: number[] = [];
    // null: a purchase's place, filled with the next purchase score.
    const slots: (ScoreResult | ScoreError | null)[] = [];
    const deadLetters: DeadLetter[] = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const v = validateEvent(value);
      const id = (value as { eventId?: unknown } | null)?.eventId;
      const eventId = typeof id === 'string' ? id : undefined;
      if (!v.ok) {
        slots.push({ eventId, error: v.reason, field: v.field });
        deadLetters.push(this.deadLetter({ where: 'api', value: jsonText(value) }, v.reason, v.field, Date.now()));
        continue;
      }
      // Other events update the state; only purchases carry a fraud risk.
      slots.push(v.event.type !== 'purchase' ? { eventId: v.event.eventId, fraudScore: 0, decision: 'allow', reasons: [] } : null);
      events.push(v.event);
      at.push(i);
    }
    const { scored, rejected, write } = this.process(events, deadLetters, (i) => ({ where: 'api', value: jsonText(values[at[i]!]) }));
    this.track(write);
    for (const r of rejected) slots[at[r.index]!] = { eventId: events[r.index]!.eventId, error: r.reason, field: r.field };
    // One score per purchase, in the purchases' order: the k-th purchase
    // slot takes the k-th score (so two purchases that share an eventId
    // each keep their own); a rejected purchase's slot holds its error.
    let k = 0;
    return slots.map((s) => {
      if (s !== null) return s;
      const p = scored[k++]!;
      return { eventId: p.eventId, fraudScore: p.fraudScore, decision: p.decision, reasons: p.reasons };
    });
  }

  /** Waits for in-flight writes of scoring requests. Called on shutdown. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Stops the stages' threads. Called on shutdown, after drain(). */
  async close(): Promise<void> {
    for (const s of this.stages) await s.stop?.();
  }

  /** A dead letter for a message (where it came from, its text and key as they were, and why), counted as an invalid event. */
  private deadLetter(m: Pick<SourceMessage, 'where' | 'value' | 'key'>, reason: string, field: string | undefined, ts: number): DeadLetter {
    this.ins.emit(INSTRUMENTATION.EVENT_INVALID, { reason, field });
    return { where: m.where, raw: m.value, key: m.key, reason, field, ts };
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    p.catch(() => {}).finally(() => this.pending.delete(p));
  }

  // Scores synchronously (the WASM state moves in event order), then writes.
  // Each event is judged alone: one the engines turn down is dead-lettered
  // with its reason and the rest of the batch goes on.
  private process(
    events: Event[],
    deadLetters: DeadLetter[],
    origin: (i: number) => Pick<SourceMessage, 'where' | 'value' | 'key'>,
  ): { scored: ScoredOutput[]; rejected: Rejection[]; write: Promise<void> } {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    for (const [type, count] of counts) this.ins.emit(INSTRUMENTATION.EVENTS_IN, { type, count });
    if (events.length > 0) this.ins.emit(INSTRUMENTATION.BATCH, { size: events.length });
    const late = this.fraud.lateEvents();
    const nonFinite = this.fraud.nonFinite;
    let run: Run;
    try {
      run = this.run(events);
    } catch (e) {
      // Something no check foresaw threw: the events are taken one at a time,
      // so that only the one that throws is dead-lettered.
      run = this.runEach(events, e);
    }
    const { scored, rejected, out, deferred, answers } = run;
    const lateNow = this.fraud.lateEvents() - late;
    if (lateNow > 0) this.ins.emit(INSTRUMENTATION.EVENTS_LATE, { count: lateNow });
    if (this.fraud.nonFinite > nonFinite) this.ins.emit(INSTRUMENTATION.SCORES_NON_FINITE, { count: this.fraud.nonFinite - nonFinite });
    const now = Date.now();
    for (const r of rejected) {
      deadLetters.push(this.deadLetter(origin(r.index), r.reason, r.field, now));
      const type = events[r.index]!.type;
      counts.set(type, counts.get(type)! - 1);
    }
    out.deadLetters = deadLetters;
    const alerts = out.alerts;
    let write = Promise.all(this.sinks.map((s) => s.write(out))).then(() => {
      const writtenAt = Date.now();
      if (scored.length > 0) this.ins.emit(INSTRUMENTATION.SCORES_WRITTEN, { eventTimestamps: scored.map((s) => s.ts), writtenAt });
      for (const a of alerts) this.onAlert(a);
    });
    if (deferred !== null) {
      // The deferred outputs go to the sinks in batch order: each batch's
      // wait for its answers also waits for every earlier batch's (the gate).
      const later = deferred;
      const handedAt = performance.now();
      this.gate = Promise.all([this.gate, ...answers]).then(() => {});
      const lateWrite = this.gate
        .then(() => Promise.all(this.sinks.map((s) => s.write(later))))
        .then(() => this.ins.emit(INSTRUMENTATION.LISTS_WRITTEN, { seconds: (performance.now() - handedAt) / 1000 }));
      write = Promise.all([write, lateWrite]).then(() => {});
    }
    // The batch is done (the source may commit) once both are written.
    write = write.then(() => {
      for (const [type, count] of counts) if (count > 0) this.ins.emit(INSTRUMENTATION.EVENTS_OUT, { type, count });
    });
    return { scored, rejected, write };
  }

  // The fraud scorer and the stages over events, in order: what they produced.
  // Deferred stages (another thread) fill `deferred`, written when they
  // answer; the rest is written at once, so a score never waits for a
  // recommendation list.
  private run(events: Event[], into?: Run): Run {
    const r = into ?? { scored: [], rejected: [], out: emptyOutput(), deferred: null, answers: [] };
    const { scored, rejected } = this.fraud.process(events);
    let taken = events;
    if (rejected.length > 0) {
      // The stages see only what the feature engine took.
      const skip = new Set(rejected.map((x) => x.index));
      taken = events.filter((_, i) => !skip.has(i));
    }
    const before = r.scored.length;
    for (const s of scored) {
      r.scored.push(s);
      if (s.decision !== 'allow') {
        r.out.alerts.push({ topic: 'alerts.fraud', ts: s.ts, eventId: s.eventId, userId: s.userId, amount: s.amount, fraudScore: s.fraudScore, decision: s.decision, reasons: s.reasons, record: fraudAlertRecord(s) });
      }
    }
    for (const x of rejected) r.rejected.push(x);
    // Each label with the number of scores before it: every purchase taken is scored, in event order.
    let purchases = 0;
    for (const e of taken) {
      if (e.type === 'purchase') purchases++;
      else if (e.type === 'label') r.out.labels!.push({ eventId: e.eventId, purchaseEventId: e.purchaseEventId, fraud: e.fraud, ts: e.ts, after: before + purchases });
    }
    for (const stage of this.stages) {
      if (stage.deferred) r.answers.push(stage.process(taken, (r.deferred ??= emptyOutput())) as Promise<void>);
      else stage.process(taken, r.out);
    }
    r.out.scores = r.scored;
    return r;
  }

  // run() one event at a time, after a batch threw; an event that throws
  // alone is rejected with the error.
  private runEach(events: Event[], first: unknown): Run {
    const r: Run = { scored: [], rejected: [], out: emptyOutput(), deferred: null, answers: [] };
    this.ins.emit(INSTRUMENTATION.BATCH_FAILED, { size: events.length, error: first });
    for (let i = 0; i < events.length; i++) {
      const mark = r.rejected.length;
      try {
        this.run([events[i]!], r);
      } catch (e) {
        r.rejected.length = mark;
        r.rejected.push({ index: i, field: 'event', reason: `processing failed: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      for (let k = mark; k < r.rejected.length; k++) r.rejected[k]!.index = i;
    }
    return r;
  }
}

/** What run() produced for a batch. */
interface Run {
  scored: ScoredOutput[];
  rejected: Rejection[];
  out: BatchOutput;
  deferred: BatchOutput | null;
  answers: Promise<void>[];
}

/** An API event as JSON text for its dead letter; never throws (JSON.stringify does on deep nesting). */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch (e) {
    return `(not serialisable: ${(e as Error).message})`;
  }
}

function emptyOutput(): BatchOutput {
  return { scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], labels: [] };
}
