// The stream's one processing path: a source's batch of raw messages is
// validated (invalid ones become dead letters with their reason), the valid
// events go through the fraud scorer in order, and the batch's outputs are
// handed to every sink; the returned promise resolves once all sinks have
// written, which is when the source may commit. Scoring requests from the
// API take the same path (their events join the stream's state like any
// other source's), answered before their outputs are written.

import { parseEvent, validateEvent, type Event } from '../events/schema.js';
import { INSTRUMENTATION, type Instrumentation } from './instrumentation.js';
import type { FraudScorer, ScoredPurchase } from './fraud.js';
import type { Alert, BatchOutput, DeadLetter, ScoreError, ScoreResult, Scoring, Sink, SourceMessage } from './types.js';

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
  fraud: FraudScorer;
  /** Further jobs on the stream, run in this order after fraud scoring. */
  stages?: Stage[];
  sinks: Sink[];
  instrumentation: Instrumentation;
  /** Called for each alert once the batch's outputs are written (the server publishes it). */
  onAlert?: (alert: Alert) => void;
}

export class Pipeline implements Scoring {
  onAlert: (alert: Alert) => void;
  private readonly fraud: FraudScorer;
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
   * `stream` names the stream the batch is from (a Kafka partition), so that
   * its lateness is measured from its own newest event.
   */
  handle(messages: readonly SourceMessage[], stream?: string): Promise<void> {
    try {
      return this.take(messages, stream);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private take(messages: readonly SourceMessage[], stream: string | undefined): Promise<void> {
    const events: Event[] = [];
    const deadLetters: DeadLetter[] = [];
    const now = Date.now();
    for (const m of messages) {
      const v = parseEvent(m.value);
      if (v.ok) events.push(v.event);
      else {
        deadLetters.push({ where: m.where, raw: m.value, reason: v.reason, field: v.field, ts: now });
        this.ins.emit(INSTRUMENTATION.EVENT_INVALID, { reason: v.reason, field: v.field });
      }
    }
    return this.process(events, deadLetters, stream).write;
  }

  /** Scores events from the API: one result or error per event, in order. */
  score(values: unknown[]): (ScoreResult | ScoreError)[] {
    const events: Event[] = [];
    // null: a purchase's place, filled with the next purchase score.
    const slots: (ScoreResult | ScoreError | null)[] = [];
    const deadLetters: DeadLetter[] = [];
    for (const value of values) {
      const v = validateEvent(value);
      const id = (value as { eventId?: unknown } | null)?.eventId;
      const eventId = typeof id === 'string' ? id : undefined;
      if (!v.ok) {
        slots.push({ eventId, error: v.reason, field: v.field });
        deadLetters.push({ where: 'api', raw: JSON.stringify(value) ?? 'undefined', reason: v.reason, field: v.field, ts: Date.now() });
        this.ins.emit(INSTRUMENTATION.EVENT_INVALID, { reason: v.reason, field: v.field });
      } else if (v.event.type !== 'purchase') {
        // Other events update the state; only purchases carry a fraud risk.
        slots.push({ eventId: v.event.eventId, fraudScore: 0, decision: 'allow', reasons: [] });
        events.push(v.event);
      } else {
        slots.push(null);
        events.push(v.event);
      }
    }
    const { scored, write } = this.process(events, deadLetters);
    this.track(write);
    // One score per purchase, in the purchases' order: the k-th purchase
    // slot takes the k-th score (so two purchases that share an eventId
    // each keep their own).
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

  private track(p: Promise<void>): void {
    this.pending.add(p);
    p.catch(() => {}).finally(() => this.pending.delete(p));
  }

  // Scores synchronously (the WASM state moves in event order), then writes.
  private process(events: Event[], deadLetters: DeadLetter[], stream?: string): { scored: ScoredPurchase[]; write: Promise<void> } {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    for (const [type, count] of counts) this.ins.emit(INSTRUMENTATION.EVENTS_IN, { type, count });
    if (events.length > 0) this.ins.emit(INSTRUMENTATION.BATCH, { size: events.length });
    const late = this.fraud.lateEvents();
    const scored = this.fraud.process(events, stream);
    const lateNow = this.fraud.lateEvents() - late;
    if (lateNow > 0) this.ins.emit(INSTRUMENTATION.EVENTS_LATE, { count: lateNow });
    const alerts: Alert[] = [];
    for (const s of scored) {
      if (s.decision !== 'allow') {
        alerts.push({ topic: 'alerts.fraud', ts: s.ts, eventId: s.eventId, userId: s.userId, amount: s.amount, fraudScore: s.fraudScore, decision: s.decision, reasons: s.reasons });
      }
    }
    const labels = [];
    for (const e of events) if (e.type === 'label') labels.push({ eventId: e.eventId, purchaseEventId: e.purchaseEventId, fraud: e.fraud, ts: e.ts });
    const out: BatchOutput = { scores: scored, alerts, deadLetters, recommendations: [], inventory: [], labels };
    // Deferred stages (another thread) fill their own outputs, written when
    // they answer; the scores and the rest are written now, so a score never
    // waits for a recommendation list.
    let deferred: BatchOutput | null = null;
    const answers: Promise<void>[] = [];
    for (const stage of this.stages) {
      if (stage.deferred) answers.push(stage.process(events, (deferred ??= emptyOutput())) as Promise<void>);
      else stage.process(events, out);
    }
    let write = Promise.all(this.sinks.map((s) => s.write(out))).then(() => {
      const writtenAt = Date.now();
      if (scored.length > 0) this.ins.emit(INSTRUMENTATION.SCORES_WRITTEN, { eventTimestamps: scored.map((s) => s.ts), writtenAt });
      for (const a of alerts) this.onAlert(a);
    });
    if (deferred !== null) {
      // The deferred outputs go to the sinks in batch order: each batch's
      // wait for its answers also waits for every earlier batch's (the gate).
      const late = deferred;
      const handedAt = performance.now();
      this.gate = Promise.all([this.gate, ...answers]).then(() => {});
      const lateWrite = this.gate
        .then(() => Promise.all(this.sinks.map((s) => s.write(late))))
        .then(() => this.ins.emit(INSTRUMENTATION.LISTS_WRITTEN, { seconds: (performance.now() - handedAt) / 1000 }));
      write = Promise.all([write, lateWrite]).then(() => {});
    }
    // The batch is done (the source may commit) once both are written.
    write = write.then(() => {
      for (const [type, count] of counts) this.ins.emit(INSTRUMENTATION.EVENTS_OUT, { type, count });
    });
    return { scored, write };
  }
}

function emptyOutput(): BatchOutput {
  return { scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], labels: [] };
}
