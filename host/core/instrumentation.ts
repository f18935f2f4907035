// Instrumentation as declared event names (kafkajs style): sources, the
// pipeline, sinks and the server emit these; host/metrics subscribes to them.
// Nothing that emits imports the metrics library, and an event nobody listens
// to costs one function call. Payloads are per batch where the caller has a
// batch, so the hot path emits once per batch, not once per event.

import { EventEmitter } from 'node:events';

/** The declared event names. */
export const INSTRUMENTATION = {
  /** Events read from a source, per type. Emitted by sources once per batch. */
  EVENTS_IN: 'events.in',
  /** Events fully processed and written to the sinks, per type. Emitted by the pipeline once per batch. */
  EVENTS_OUT: 'events.out',
  /** One event that failed validation (it went to the dead-letter output). Emitted by sources. */
  EVENT_INVALID: 'event.invalid',
  /** A batch that threw in processing and was taken again one event at a time. Emitted by the pipeline. */
  BATCH_FAILED: 'batch.failed',
  /** Purchases whose score was not a finite number (sent to review). Emitted by the pipeline once per batch that has any. */
  SCORES_NON_FINITE: 'scores.nonfinite',
  /** A source batch whose processing or writes failed, to be tried again after a delay. Emitted by sources. */
  SOURCE_RETRY: 'source.retry',
  SOURCE_IDLE: 'source.idle',
  /** A model file that was refused (the one serving stays). Emitted by the fraud scorer. */
  MODEL_REJECTED: 'model.rejected',
  /** Size of one batch handed to the engine. Emitted by the pipeline once per batch. */
  BATCH: 'batch',
  /** Events of a batch later than the allowed lateness (scored, not added to the feature state). Emitted by the pipeline. */
  EVENTS_LATE: 'events.late',
  /** Scores written: event timestamps and the time their scores were written. Emitted by sinks once per write. */
  SCORES_WRITTEN: 'scores.written',
  /** A batch's recommendation lists written (they come from the job's own thread, after the scores). Emitted by the pipeline once per such batch. */
  LISTS_WRITTEN: 'lists.written',
  /** Consumer lag of one partition, in messages. Emitted by the Kafka source after each fetch. */
  CONSUMER_LAG: 'consumer.lag',
  /** A failed write or read of a sink (redis, kafka, deadletter). Emitted by sinks. */
  SINK_ERROR: 'sink.error',
  /** A model was loaded (or replaced). Emitted by the engine once per load. */
  MODEL_LOADED: 'model.loaded',
  /** One HTTP request answered. Emitted by the server. */
  HTTP_REQUEST: 'http.request',
  /** A WebSocket opened or closed. Emitted by the server. */
  WS_CONNECTION: 'ws.connection',
  /** A WebSocket the server closed because it did not read fast enough. Emitted by the server. */
  WS_BACKPRESSURE_DROP: 'ws.backpressure.drop',
  /** A checkpoint written. Emitted by the checkpointer once per checkpoint. */
  CHECKPOINT: 'checkpoint',
  /** A checkpoint that could not be read back whole (torn, corrupt), skipped for the one before. Emitted at restore. */
  CHECKPOINT_SKIPPED: 'checkpoint.skipped',
  /** The state was restored from a checkpoint. Emitted once at start. */
  RESTORED: 'restored',
} as const;

/** The payload of each declared event. */
export interface InstrumentationEvents {
  'events.in': { type: string; count: number };
  'events.out': { type: string; count: number };
  'event.invalid': { reason: string; field?: string };
  batch: { size: number };
  'batch.failed': { size: number; error: unknown };
  'scores.nonfinite': { count: number };
  /** stream: a Kafka partition ("topic[2]"); attempt: consecutive failures so far; delayMs: the wait before the next try. */
  'source.retry': { source: string; stream: string; attempt: number; delayMs: number; error: unknown };
  /** The event-time merge went on without a caught-up stream that stayed dry past its idle bound: the one case where order can follow timing. */
  'source.idle': { stream: string };
  'model.rejected': { model: string; reason: string };
  'events.late': { count: number };
  /** eventTimestamps: epoch ms of each event (its `ts`); writtenAt: epoch ms of the write. */
  'scores.written': { eventTimestamps: ArrayLike<number>; writtenAt: number };
  /** seconds: from the batch's hand-off to the stages to its deferred outputs (the lists) written. */
  'lists.written': { seconds: number };
  'consumer.lag': { topic: string; partition: number; lag: number };
  'sink.error': { sink: string; error: unknown };
  'model.loaded': { model: string; version: string };
  /** route: the route pattern (not the URL, so label values stay few). */
  'http.request': { route: string; method: string; status: number; seconds: number };
  'ws.connection': { open: boolean };
  'ws.backpressure.drop': { bufferedBytes: number };
  /** pauseSeconds: the stream's stop while the state was copied; seconds: until the checkpoint was durable; createdAt: epoch ms; delta: only the pages changed since the one before. */
  checkpoint: { pauseSeconds: number; seconds: number; bytes: number; createdAt: number; delta: boolean };
  'checkpoint.skipped': { file: string; reason: string };
  /** seconds: from reading the checkpoint to every job holding its state; bytes: the checkpoint's size. */
  restored: { seconds: number; bytes: number; createdAt: number };
}

export type InstrumentationEvent = keyof InstrumentationEvents;

/** A typed EventEmitter over the declared events. One per running service. */
export class Instrumentation {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Metrics, live stats and tests may all listen to the same event.
    this.emitter.setMaxListeners(50);
  }

  /** Called by whatever the event names, at the rates given on INSTRUMENTATION. */
  emit<K extends InstrumentationEvent>(name: K, payload: InstrumentationEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends InstrumentationEvent>(name: K, listener: (payload: InstrumentationEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Whether anyone listens (lets an emitter skip building a payload). */
  has(name: InstrumentationEvent): boolean {
    return this.emitter.listenerCount(name) > 0;
  }
}

/** Creates the instrumentation of one service. Called once at start-up. */
export function createInstrumentation(): Instrumentation {
  return new Instrumentation();
}
