// The recommendations job on its own thread (as serve runs
// it) pushes exactly the lists the in-thread stage pushes for the same
// batches, in the same order (as their JSON text, which parses to the same
// items), and hands the top items on; the pipeline
// writes each batch's scores at once and its lists when the worker answers,
// in batch order, and a dead worker fails the batches' writes (so nothing is
// committed) instead of dropping their lists.

import { afterAll, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';
import { Simulator } from '../host/simulator/simulator.js';
import { RecsStage } from '../host/recs/stage.js';
import { RecsWorkerStage } from '../host/recs/worker-stage.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { Pipeline, type Stage } from '../host/core/pipeline.js';
import { createInstrumentation } from '../host/core/instrumentation.js';
import type { BatchOutput, Event, Recommendation, Sink } from '../host/core/ports.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const empty = (): BatchOutput => ({ scores: [], alerts: [], deadLetters: [], recommendations: [], inventory: [], labels: [] });

function batches(n: number, size: number): Event[][] {
  const sim = new Simulator({ seed: 7, rate: 2000, start: Date.UTC(2024, 0, 1) });
  const out: Event[][] = [];
  for (let i = 0; i < n; i++) out.push(sim.next(size) as Event[]);
  return out;
}

/** The nice value of each of this process's threads (Linux: /proc/self/task/TID/stat, field 19). */
function threadNices(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // The name, in parentheses, may hold spaces: the fields start after the last ')'.
    out.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}
const niceOfThisThread = (): number => {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

const started: RecsWorkerStage[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

describe('the recommendations worker', () => {
  it('pushes the same lists as the stage on the main thread, batch by batch', async () => {
    // Refresh intervals of 0: every batch pushes what changed, whatever the clock.
    const options = { userRefreshMs: 0, itemRefreshMs: 0 };
    const here = new RecsStage(options);
    let top: Recommendation[] = [];
    const there = await RecsWorkerStage.start({ ...options, onTopItems: (items) => (top = items) });
    started.push(there);
    let lists = 0;
    for (const events of batches(30, 400)) {
      const a = empty();
      const b = empty();
      here.process(events, a);
      await there.process(events, b);
      // The worker's lists come as text (what Redis stores), parsed on demand.
      const plain = b.recommendations.map((r) => {
        expect(r.text).toEqual({ json: JSON.stringify(r.items), count: r.items.length });
        return { ...(r.userId !== undefined && { userId: r.userId }), ...(r.itemId !== undefined && { itemId: r.itemId }), items: r.items };
      });
      expect(plain).toEqual(a.recommendations);
      lists += a.recommendations.length;
    }
    expect(lists).toBeGreaterThan(1000);
    expect(top.length).toBeGreaterThan(0);
  });

  it('keeps batches in order through the pipeline, and fails their writes once the worker is gone', async () => {
    const stage = await RecsWorkerStage.start({ userRefreshMs: 0, itemRefreshMs: 0 });
    started.push(stage);
    // A deferred stage that numbers each batch's deferred output and answers
    // at a random moment: a later batch could overtake if the gate did not hold it.
    type Tagged = BatchOutput & { tag?: number };
    let n = 0;
    const slow: Stage = {
      name: 'slow',
      deferred: true,
      process: (_e, out) => {
        const tag = n++;
        return new Promise((r) => setTimeout(() => r(void ((out as Tagged).tag = tag)), Math.random() * 20));
      },
    };
    const late: { tag?: number; lists: number }[] = [];
    const now: number[] = [];
    const sink: Sink = {
      name: 'order',
      async write(out) {
        const tag = (out as Tagged).tag;
        if (tag === undefined) now.push(out.recommendations.length);
        else late.push({ tag, lists: out.recommendations.length });
      },
      readiness: () => ({ ok: true }),
      close: async () => {},
    };
    const instrumentation = createInstrumentation();
    // Each batch's lists say how long after its hand-off they were written.
    const delays: number[] = [];
    instrumentation.on('lists.written', (p) => delays.push(p.seconds));
    const pipeline = new Pipeline({
      fraud: new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 }),
      stages: [slow, stage],
      sinks: [sink],
      instrumentation,
    });
    const writes = batches(20, 300).map((events) => pipeline.handle(events.map((e) => ({ value: JSON.stringify(e), where: 'test' }))));
    // The scores are written at once, the lists when both deferred stages answered, in batch order.
    expect(now).toEqual(Array(20).fill(0));
    expect(late).toEqual([]);
    await Promise.all(writes);
    expect(late.map((w) => w.tag)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(late.every((w) => w.lists > 0)).toBe(true);
    expect(delays).toHaveLength(20);
    expect(delays.every((d) => d >= 0 && d < 60)).toBe(true);
    // The slow stage holds each batch up to 20 ms, and the last batch waits for all before it.
    expect(Math.max(...delays)).toBeGreaterThan(0.005);

    await stage.stop();
    await expect(pipeline.handle(batches(1, 10)[0]!.map((e) => ({ value: JSON.stringify(e), where: 'test' })))).rejects.toThrow(/recommendations worker/);
  });

  it.runIf(process.platform === 'linux')('runs at its own nice value (10 in serve), leaving the calling thread as it was', async () => {
    const before = niceOfThisThread();
    const at7 = () => threadNices().filter((n) => n === 7).length;
    expect(at7()).toBe(0);
    const stage = await RecsWorkerStage.start({ nice: 7 });
    expect(at7()).toBe(1);
    expect(niceOfThisThread()).toBe(before);
    // It still works at that priority.
    const out = empty();
    await stage.process(batches(1, 400)[0]!, out);
    expect(out.recommendations.length).toBeGreaterThan(0);
    await stage.stop();
    expect(at7()).toBe(0);
  });

  it('says once that its worker died, and fails every batch after', async () => {
    const failures: Error[] = [];
    const stage = await RecsWorkerStage.start({ onFailure: (e) => failures.push(e) });
    started.push(stage);
    const events = batches(1, 50)[0]!;
    await stage.process(events, empty());
    // A crash, as the thread would see it (the stage's own stop() is not one).
    await (stage as unknown as { worker: Worker }).worker.terminate();
    await expect(stage.process(events, empty())).rejects.toThrow(/recommendations worker exited/);
    await expect(stage.process(events, empty())).rejects.toThrow(/recommendations worker exited/);
    expect(failures.map((e) => e.message)).toEqual([expect.stringMatching(/recommendations worker exited/)]);
  });
});
