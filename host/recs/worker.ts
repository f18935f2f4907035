// The recommendations job's thread (host/recs/worker-stage.ts): its own
// instance of the WASM core and a RecsStage; each message is one batch's
// interactions, answered in order with the lists that batch pushed, and, at
// most once a second, the most recommended items. Each list goes back as its
// JSON text, made here: the main thread then neither copies its objects out
// of the message nor stringifies them for Redis.

import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { GbtEngine } from '../gbt/engine.js';
import { RecsStage, type Interactions, type RecsStageOptions } from './stage.js';
import type { BatchOutput, Recommendation, RecommendationList, Snapshot, StatePart } from '../core/ports.js';

export interface WorkerData {
  /** The compiled core (shared by the threads of a process). */
  module: WebAssembly.Module;
  options: RecsStageOptions;
  /** This thread's nice value (RecsWorkerOptions.nice): set on Linux only, where it is the thread's own. */
  nice: number;
}

export interface BatchMessage {
  seq: number;
  interactions: Interactions;
  /** Date.now() at the hand-off: the batch's wait in this thread's queue is measured from it. */
  postedAt: number;
}

/** Asks for the state after every batch posted before it (answered with `part`), or restores one (answered empty). */
export interface StateMessage {
  seq: number;
  state: 'snapshot' | StatePart;
  /** snapshot: the last checkpoint's buffer, moved here to be written into (fresh memory costs page faults). */
  into?: Uint8Array;
}

/** A pushed list as the worker sends it: the text of its items (RecommendationList.text). */
export interface ListText {
  userId?: string;
  itemId?: string;
  json: string;
  count: number;
}

export interface ReplyMessage {
  seq: number;
  part?: Snapshot;
  recommendations?: ListText[];
  topItems?: Recommendation[];
  error?: string;
}

const port = parentPort!;
let topItems: Recommendation[] | undefined;
let stage: RecsStage;
try {
  const d = workerData as WorkerData;
  // setpriority(PRIO_PROCESS, 0) is the calling thread's on Linux (the process's elsewhere).
  if (d.nice !== 0 && process.platform === 'linux') setPriority(0, d.nice);
  stage = new RecsStage({ ...d.options, engine: new GbtEngine(d.module), onTopItems: (items) => (topItems = items) });
  port.postMessage({ seq: -1 } satisfies ReplyMessage);
} catch (e) {
  port.postMessage({ seq: -1, error: (e as Error).message } satisfies ReplyMessage);
  process.exit(1);
}

port.on('message', (m: BatchMessage | StateMessage) => {
  if ('state' in m) return state(m);
  const out: BatchOutput = { scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], labels: [] };
  try {
    stage.processInteractions(m.interactions, out, Date.now() - m.postedAt);
  } catch (e) {
    port.postMessage({ seq: m.seq, error: (e as Error).message } satisfies ReplyMessage);
    return;
  }
  const reply: ReplyMessage = { seq: m.seq, recommendations: out.recommendations.map(asText) };
  if (topItems !== undefined) {
    reply.topItems = topItems;
    topItems = undefined;
  }
  port.postMessage(reply);
});

// The image goes over as a fresh buffer, transferred: the main thread neither copies it nor waits for a copy.
function state(m: StateMessage): void {
  try {
    if (m.state === 'snapshot') {
      const part = stage.snapshot(m.into);
      port.postMessage({ seq: m.seq, part } satisfies ReplyMessage, part.image ? [part.image.buffer as ArrayBuffer] : []);
    } else {
      stage.restore(m.state);
      port.postMessage({ seq: m.seq } satisfies ReplyMessage);
    }
  } catch (e) {
    port.postMessage({ seq: m.seq, error: (e as Error).message } satisfies ReplyMessage);
  }
}

function asText(r: RecommendationList): ListText {
  const t: ListText = { json: JSON.stringify(r.items), count: r.items.length };
  if (r.userId !== undefined) t.userId = r.userId;
  if (r.itemId !== undefined) t.itemId = r.itemId;
  return t;
}
