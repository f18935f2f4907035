// Event-time order across the streams of one process (a consumer's
// partitions): the item with the smallest event time among the streams'
// heads goes next, so what the engines see, and so every output, is a
// function of the streams' contents, not of which one was fetched first.
//
// A stream with nothing queued holds the merge back, since its next item
// could be older than every head:
// - while it is behind (the broker holds more of it than was queued: its lag
//   is above 0, or not known yet), for as long as that lasts: the items
//   exist, so waiting for them keeps the order, whatever the fetch timing;
// - while it is caught up (nothing more at the broker), for at most
//   `idleMs` from when it ran dry. Then the merge goes on without it, and
//   that one wait is counted (`idled`): the only case where the order can
//   depend on timing, when a new item arrives at that stream later with an
//   older time than items already taken. Kafka Streams' max.task.idle.ms
//   plays the same part.
// Within a stream the order is the stream's own (offsets); ties in time
// between streams go to the stream listed first in `assign`, so ties are
// deterministic too. Items without a time (messages that are not events)
// count as the oldest: they go as soon as they are a head.

export interface MergeItem<T> {
  ts: number;
  item: T;
}

interface Lane<T> {
  queue: MergeItem<T>[];
  /** Index of the queue's head (the queue is compacted when it is half taken). */
  head: number;
  /** The broker holds nothing past what was queued. */
  caughtUp: boolean;
  /** When the queue ran dry while caught up (the idle bound counts from here); null while it has items or is behind. */
  drySince: number | null;
  /** The merge already went on without it in this dry spell (counted once). */
  skipped: boolean;
}

export interface Taken<T> {
  items: T[];
  /** The streams the merge went on without, their idle bound passed (each once per dry spell). */
  idled: string[];
}

export class EventTimeMerge<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  /** Assignment order: ties in time go to the earlier stream. */
  private order: string[] = [];

  constructor(private readonly idleMs: number) {}

  /** The streams to merge now, in tie-break order. A stream no longer listed loses its queue; a new one starts behind (waited for) until its first push. */
  assign(streams: readonly string[]): void {
    const keep = new Set(streams);
    for (const s of this.lanes.keys()) if (!keep.has(s)) this.lanes.delete(s);
    for (const s of streams) if (!this.lanes.has(s)) this.lanes.set(s, { queue: [], head: 0, caughtUp: false, drySince: null, skipped: false });
    this.order = [...streams];
  }

  /** Queues a stream's next items, in its own order; `caughtUp` says whether the broker holds more of it past them. Ignored for a stream not assigned. */
  push(stream: string, items: readonly MergeItem<T>[], caughtUp: boolean, now: number): void {
    const lane = this.lanes.get(stream);
    if (lane === undefined) return;
    for (const it of items) lane.queue.push(it);
    lane.caughtUp = caughtUp;
    lane.drySince = this.queued(lane) === 0 && caughtUp ? (lane.drySince ?? now) : null;
    if (this.queued(lane) > 0) lane.skipped = false;
  }

  /** Items queued for a stream (for back-pressure: pause its fetching when many). */
  size(stream: string): number {
    const lane = this.lanes.get(stream);
    return lane === undefined ? 0 : this.queued(lane);
  }

  /** Every stream's queue emptied (a redelivery starts them again from their commits). */
  clear(): void {
    for (const lane of this.lanes.values()) {
      lane.queue = [];
      lane.head = 0;
      lane.caughtUp = false;
      lane.drySince = null;
      lane.skipped = false;
    }
  }

  /** Takes up to `max` items in event-time order, stopping where a stream must be waited for. */
  take(max: number, now: number): Taken<T> {
    const items: T[] = [];
    const idled: string[] = [];
    const lanes = this.order.map((s) => this.lanes.get(s)!);
    while (items.length < max) {
      let best: Lane<T> | null = null;
      let bestTs = Infinity;
      let wait = false;
      for (let k = 0; k < lanes.length; k++) {
        const lane = lanes[k]!;
        if (lane.head === lane.queue.length) {
          if (!lane.caughtUp) {
            wait = true;
            break;
          }
          lane.drySince ??= now;
          if (now - lane.drySince < this.idleMs) {
            wait = true;
            break;
          }
          if (!lane.skipped) {
            lane.skipped = true;
            idled.push(this.order[k]!);
          }
          continue;
        }
        const ts = lane.queue[lane.head]!.ts;
        // Strictly smaller: a tie goes to the earlier stream. NaN never arrives (events are validated); -Infinity goes first.
        if (best === null || ts < bestTs) {
          best = lane;
          bestTs = ts;
        }
      }
      if (wait || best === null) break;
      items.push(best.queue[best.head]!.item);
      best.head++;
      if (best.head === best.queue.length) {
        best.queue = [];
        best.head = 0;
        if (best.caughtUp) best.drySince = now;
        best.skipped = false;
      } else if (best.head > 1024 && best.head * 2 > best.queue.length) {
        best.queue = best.queue.slice(best.head);
        best.head = 0;
      }
    }
    return { items, idled };
  }

  /**
   * When waiting ends on its own: the earliest time a dry, caught-up stream's
   * idle bound passes (null when nothing is waited for on a clock: every
   * stream either has items or is behind, and a push will wake the merge).
   */
  wakeAt(): number | null {
    let at: number | null = null;
    for (const lane of this.lanes.values()) {
      if (lane.head === lane.queue.length && lane.caughtUp && !lane.skipped && lane.drySince !== null) {
        const t = lane.drySince + this.idleMs;
        if (at === null || t < at) at = t;
      }
    }
    return at;
  }

  /** Whether a stream with nothing queued is behind (waited for until a push says otherwise). */
  waitsForBehind(): boolean {
    for (const lane of this.lanes.values()) if (lane.head === lane.queue.length && !lane.caughtUp) return true;
    return false;
  }

  private queued(lane: Lane<T>): number {
    return lane.queue.length - lane.head;
  }
}
