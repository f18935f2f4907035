// The seams of `serve`: what the server, sources and sinks see of each other.
// The pipeline (host/core/pipeline.ts) implements Scoring; stores
// (in-memory for the embedded default, Redis in service mode) implement Store.

import type { Image, ImageDelta } from '../wasm/image.js';
import type { Event, Validation } from './schema.js';

export type Decision = 'allow' | 'review' | 'block';

/** One feature's push on a fraud score, in plain words. */
export interface Reason {
  feature: string;
  /** Contribution to the raw margin (log-odds for a binary model). */
  contribution: number;
  /** "3 purchases from this device in the last hour (usually 0)". */
  text: string;
}

export interface ScoreResult {
  eventId: string;
  fraudScore: number;
  decision: Decision;
  reasons: Reason[];
}

/** A per-event failure in a scoring request (the others are still scored). */
export interface ScoreError {
  eventId?: string;
  error: string;
  field?: string;
}

export interface FraudAlert {
  topic: 'alerts.fraud';
  ts: number;
  eventId: string;
  userId: string;
  amount: number;
  fraudScore: number;
  decision: Decision;
  reasons: Reason[];
  /** Its JSON, written by the pipeline from the purchase's score record (host/core/records.ts). */
  record?: string;
}

export interface StockAlert {
  topic: 'alerts.stock';
  ts: number;
  sku: string;
  level: number;
  reason: string;
  runoutDate: string | null;
}

export type Alert = FraudAlert | StockAlert;

export interface InventoryState {
  sku: string;
  level: number | null;
  forecast: { date: string; mean: number; lo: number; hi: number }[];
  runoutDate: string | null;
  alert: { state: 'ok' | 'reorder' | 'stockout-risk'; reason: string } | null;
}

export interface Recommendation {
  itemId: string;
  score: number;
}

/** Scores events on request (POST /v1/score, WebSocket "score"), without side effects on the stream's state. */
export interface Scoring {
  score(events: unknown[]): (ScoreResult | ScoreError)[];
}

/** What the API reads. Async: Redis behind it in service mode. */
export interface Store {
  recommendations(userId: string, k: number): Promise<Recommendation[] | null>;
  similarItems(itemId: string, k: number): Promise<Recommendation[] | null>;
  inventory(sku: string): Promise<InventoryState | null>;
}

/** Health of the parts /ready reports on. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export type { Event };

/** A message from a source, before validation. */
export interface SourceMessage {
  /** The message's text; null for a Kafka message whose value is null (a tombstone), told apart from an empty one. */
  value: string | null;
  /** Where it came from, for dead letters: "streamscore.events[2]@1234" or "events.ndjson:17". */
  where: string;
  /** Kafka message key, when there is one. */
  key?: string;
  /** Set when the message cannot be an event whatever its text (not UTF-8): the reason it goes to the dead letters. */
  invalid?: string;
  /** Its text already parsed and validated (the Kafka source does, to order events by time); the pipeline then does not parse it again. */
  parsed?: Validation;
}

/**
 * A source hands batches over in order and waits until each is fully handled
 * (every sink's write resolved) before it commits: at-least-once.
 */
/**
 * Where a source stands after a batch, for a checkpoint (docs/STATE.md): a
 * source created `from` it reads on from the next event. JSON, the
 * source's own shape; absent on a batch that ends inside a read batch.
 */
export type SourcePosition = Record<string, unknown>;

export interface Source {
  readonly name: string;
  /**
   * Runs until stop() or the end of the input. A source of several
   * streams (the Kafka source's partitions) hands their events over merged
   * in event-time order (docs/STATE.md).
   */
  run(onBatch: (messages: readonly SourceMessage[], position?: SourcePosition) => Promise<void>): Promise<void>;
  /** Stops taking new batches; resolves once the current one is handled and committed. */
  stop(): Promise<void>;
}

/** An event that failed validation, with why and where. */
export interface DeadLetter {
  where: string;
  /** The message's text as it came (null: a Kafka message with a null value, told apart from an empty one). */
  raw: string | null;
  /** The source message's key (Kafka), kept so the dead letter lands where the event would have. */
  key?: string;
  reason: string;
  field?: string;
  /** When it was rejected, epoch ms. */
  ts: number;
}

/** A scored purchase as sinks see it: the API's result plus what the outputs key on. */
export interface ScoredOutput extends ScoreResult {
  userId: string;
  amount: number;
  /** The event's own time, epoch ms. */
  ts: number;
  /** The feature row the score came from, for the feature log (host/fraud/catalog.ts order). */
  features: ArrayLike<number>;
  /** Its score record once written (host/core/records.ts scoreRecord): every output reuses it. */
  record?: string;
}

/** An event an engine did not accept: its index in the events handed over, the field at fault, and why. */
export interface Rejection {
  index: number;
  field: string;
  reason: string;
}

/**
 * One job's part of a checkpoint (docs/STATE.md): the state image of its
 * WASM instance, if it has one (host/wasm/image.ts), and the state the host
 * keeps beside it, anything node:v8's serializer takes.
 */
export interface StatePart {
  /** What snapshot() gives is whole (a Uint8Array); what a checkpoint gives back may leave out its zero pages. */
  image: Image | null;
  /** What a checkpoint gives back may be an image and the changes since, in order: the state is the image with each written over it. */
  deltas?: ImageDelta[];
  meta: unknown;
}

/** A part as snapshot() makes it: the image whole. */
export interface Snapshot extends StatePart {
  image: Uint8Array | null;
  /** The pages of the image that differ from what `into` held (host/wasm/image.ts SavedImage); null or absent: all may. */
  changed?: Uint32Array | null;
}

/** A job whose state a checkpoint holds. */
export interface Stateful {
  /**
   * Its state after every batch handed to it so far (a job on another
   * thread answers once it has processed them). The image is written into
   * `into` when that is large enough. Called between batches.
   */
  snapshot(into?: Uint8Array): Snapshot | Promise<Snapshot>;
  /** Takes up from a part its snapshot() made, before the first batch. */
  restore(part: StatePart): void | Promise<void>;
}

/** The fraud job as the pipeline drives it (host/fraud/scorer.ts implements it). */
export interface FraudJob extends Stateful {
  /**
   * Runs events through the features in order and scores every purchase.
   * An event the engines do not accept is left out and listed in `rejected`.
   */
  process(events: readonly Event[]): { scored: ScoredOutput[]; rejected: Rejection[] };
  /** Events so far later than the allowed lateness. */
  lateEvents(): number;
  /** Purchases so far whose score was not finite. */
  readonly nonFinite: number;
}

/** One user's recommendations or one item's similar items, as a batch pushes them. */
export interface RecommendationList {
  userId?: string;
  itemId?: string;
  /** Best first. */
  readonly items: Recommendation[];
  /**
   * `JSON.stringify(items)` and `items.length`, when the producer made the
   * text already (the recommendations worker does, off the main thread, and
   * sends only the text); a sink that stores text (Redis) writes it as it is.
   */
  readonly text?: { json: string; count: number };
}

/** What one batch of the stream produced. */
export interface BatchOutput {
  scores: ScoredOutput[];
  alerts: Alert[];
  deadLetters: DeadLetter[];
  /** Recommendation lists that changed (per user or per item). */
  recommendations: RecommendationList[];
  /** Inventory states that changed. */
  inventory: InventoryState[];
  /**
   * Label events (late fraud feedback), for the feature log to join on
   * purchaseEventId. `after`: how many of `scores` came before it in the
   * events, so a log can keep event order whatever the batch boundaries.
   */
  labels?: { eventId: string; purchaseEventId: string; fraud: boolean; ts: number; after?: number }[];
}

/** A sink writes each batch's outputs; the source commits after every sink's write resolved. */
export interface Sink {
  readonly name: string;
  write(out: BatchOutput): Promise<void>;
  /** For /ready: false while degraded (e.g. Redis down and writes buffered). */
  readiness(): { ok: boolean; detail?: string };
  /** Flushes what is buffered and closes. */
  close(): Promise<void>;
  /**
   * A sink whose output a checkpoint can end (a file): where it stands
   * with every write called so far (a write takes its place when called).
   * Called right after the checkpoint's batch is handed to the pipeline.
   */
  position?(): SinkPosition;
  /** Resolves once everything written so far is with the operating system. */
  durable?(): Promise<void>;
  /** Drops what was written after `position` (a restore writes it again). Called before the first batch. */
  rewind?(position: SinkPosition): Promise<void>;
}

/** A positional sink's position: a file's path and length. */
export interface SinkPosition {
  path: string;
  bytes: number;
}
