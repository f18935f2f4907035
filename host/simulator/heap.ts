// A binary min-heap of timed actors, ordered by (ts, seq): the simulator's
// event-time scheduler. seq is given at insertion, so ties between actors
// due at the same millisecond break the same way on every run.

export interface Timed {
  /** When this actor next emits (epoch ms). */
  ts: number;
  /** Insertion order; set by the heap. */
  seq: number;
}

export class TimeHeap<T extends Timed> {
  private readonly items: T[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    x.seq = this.counter++;
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(x, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the earliest actor. */
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Restores order after the earliest actor's ts moved later (it stays in the heap, with a new seq). */
  retop(): void {
    this.items[0]!.seq = this.counter++;
    this.down(0);
  }

  private down(i: number): void {
    const a = this.items;
    const n = a.length;
    const x = a[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(a[c + 1]!, a[c]!)) c++;
      if (!before(a[c]!, x)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = x;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
}
