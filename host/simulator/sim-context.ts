// What the simulator's actors (shopper sessions, fraud episodes, SKUs, label
// queues) see of the simulator: its generator, catalogue and id counters,
// and the calls that emit side effects (spawning actors, scheduling labels,
// recording ground truth).

import type { Event, PurchaseEvent } from '../core/schema.js';
import type { Catalogue } from './catalogue.js';
import type { Timed } from './heap.js';
import type { Rng } from './random.js';

/** The injected fraud patterns. */
export type FraudPattern = 'card-testing' | 'account-takeover' | 'device-farm' | 'velocity-burst';
export const FRAUD_PATTERNS: readonly FraudPattern[] = ['card-testing', 'account-takeover', 'device-farm', 'velocity-burst'];

/** Something that emits events over event time. */
export interface Actor extends Timed {
  /** Set when the actor has nothing more to emit; it then leaves the heap. */
  done: boolean;
  /** Emits the event due at this.ts (or nothing) and moves this.ts to the next one (never earlier). */
  step(ctx: SimContext): Event | null;
}

export interface SimContext {
  readonly seed: number;
  readonly start: number;
  readonly rng: Rng;
  readonly catalogue: Catalogue;
  /** Users that exist at the start (ids u1..uN). */
  readonly establishedUsers: number;
  readonly diurnal: number;
  /** A fresh event id. */
  eventId(): string;
  /** A fresh session id. */
  sessionId(): string;
  /** The index of a user who signs up now. */
  newUser(): number;
  /** A fresh number for an episode or device that must not repeat. */
  serial(): number;
  spawn(actor: Actor): void;
  /** Called for every purchase when it is emitted: may schedule its label. */
  purchased(p: PurchaseEvent, fraud: boolean): void;
  /** Records that an emitted event belongs to an injected fraud episode. */
  injected(eventId: string, pattern: FraudPattern, purchase: boolean): void;
}

/** Event time plus a gap, in whole milliseconds, never before `ts`. */
export function after(ts: number, gapMs: number): number {
  return ts + Math.max(0, Math.round(gapMs));
}

/** An amount in cents precision. */
export function money(x: number): number {
  return Math.round(x * 100) / 100;
}
