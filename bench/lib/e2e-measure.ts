// Measuring helpers of bench/e2e.ts: Prometheus text from serve's /metrics,
// CPU time of processes from /proc, quantiles (exact, and interpolated from
// histogram buckets), and a V8 .cpuprofile summed into the stages of serve.

import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

// --- /metrics ---

export interface Sample {
  /** Wall clock (Date.now()) when the scrape was answered. */
  at: number;
  /** "name{labels}" -> value, as exposed. */
  series: Map<string, number>;
}

export function parseMetrics(text: string, at: number): Sample {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    series.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return { at, series };
}

/** Sum of every series of `name` whose labels contain `filter` (e.g. 'sink="redis"'). */
export function total(s: Sample, name: string, filter = ''): number {
  let sum = 0;
  for (const [k, v] of s.series) {
    const brace = k.indexOf('{');
    const n = brace < 0 ? k : k.slice(0, brace);
    if (n === name && k.includes(filter)) sum += v;
  }
  return sum;
}

/** Cumulative histogram buckets of `name` (le ascending, +Inf last). */
export function buckets(s: Sample, name: string): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  for (const [k, v] of s.series) {
    if (!k.startsWith(name + '_bucket{')) continue;
    const m = /le="([^"]+)"/.exec(k);
    if (m) out.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: v });
  }
  return out.sort((a, b) => a.le - b.le);
}

/**
 * Quantile of the observations made between two scrapes, from the delta of
 * the cumulative buckets, interpolated linearly inside the bucket it falls
 * in (as Prometheus' histogram_quantile does): only the bucket is certain.
 */
export function bucketQuantile(a: Sample, b: Sample, name: string, q: number): { value: number; bucket: [number, number]; count: number } {
  const before = new Map(buckets(a, name).map((x) => [x.le, x.count]));
  const delta = buckets(b, name).map((x) => ({ le: x.le, count: x.count - (before.get(x.le) ?? 0) }));
  const n = delta.at(-1)?.count ?? 0;
  if (n <= 0) return { value: NaN, bucket: [NaN, NaN], count: 0 };
  const rank = q * n;
  let lower = 0;
  let below = 0;
  for (const d of delta) {
    if (d.count >= rank) {
      if (d.le === Infinity) return { value: Infinity, bucket: [lower, Infinity], count: n };
      const inBucket = d.count - below;
      return { value: lower + (d.le - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1), bucket: [lower, d.le], count: n };
    }
    lower = d.le;
    below = d.count;
  }
  return { value: NaN, bucket: [NaN, NaN], count: n };
}

// --- /proc ---

const TICK = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** CPU seconds (user + system) of a process so far, or NaN when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the comm: state is field 3, utime 14, stime 15 (1-based): indexes 11 and 12 here.
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return NaN;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const totalTicks = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3]! + v[4]!;
  return { busy: (totalTicks - idle) / TICK, total: totalTicks / TICK };
}

/** The first process whose command line contains every one of `parts` (read only; nothing is signalled). */
export function findPid(parts: string[]): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (parts.every((p) => cmd.includes(p))) return Number(d);
    } catch {
      // gone
    }
  }
  return undefined;
}

export const load1 = () => Number(loadavg()[0]!.toFixed(2));

// --- exact percentiles ---

/** Nearest-rank percentile of an ascending array. */
export function pct(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// --- CPU profile ---

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const GENERIC_KAFKAJS = 'kafkajs: connection, socket writes, request queue (side not on the stack)';

// Innermost frame first: the first rule that a frame of the stack matches,
// from the sampled function outwards, names the stage. Frames of node's own
// modules, V8 builtins (JSON.parse, JSON.stringify: no url) and WASM match
// nothing, so they count for the project or library code that called them.
const STAGES: [RegExp, string][] = [
  [/kafkajs\/src\/protocol\/message\/compression|node:zlib/, 'gzip (kafkajs codec, main thread part)'],
  [/kafkajs\/src\/protocol\/(requests\/produce|recordBatch\/(v0\/)?encoder|recordBatch\/record\/v0\/encoder|encoder\.js)/, 'Kafka produce: encode (kafkajs)'],
  [/kafkajs\/src\/protocol\/(requests\/fetch|recordBatch\/(v0\/)?decoder|recordBatch\/record\/v0\/decoder|decoder\.js|messageSet)/, 'Kafka fetch: decode (kafkajs)'],
  [/kafkajs\/src\/producer/, 'Kafka produce: kafkajs producer'],
  [/kafkajs\/src\/consumer/, 'Kafka fetch: kafkajs consumer'],
  [/kafkajs/, GENERIC_KAFKAJS],
  [/ioredis|redis-parser|denque|cluster-key-slot|standard-as-callback/, 'Redis writes: ioredis'],
  [/host\/sinks\/redis-store/, 'Redis writes: store (buffer, JSON)'],
  [/host\/sinks\/kafka-sink/, 'Kafka produce: output messages (JSON, feature records)'],
  [/host\/events\/schema/, 'JSON parse + validate'],
  [/host\/features\//, 'features (WASM and its host side)'],
  [/host\/engine\/|host\/gbt\//, 'scoring (WASM)'],
  [/host\/service\/(fraud|reasons)/, 'fraud scorer: decisions, reasons'],
  [/host\/recs\//, 'recommendations job (host/recs: WASM and its host side)'],
  [/host\/inventory\/|host\/forecast\//, 'inventory job (host/inventory, host/forecast)'],
  [/host\/service\/pipeline/, 'pipeline (batching, counts)'],
  [/host\/sources\/kafka/, 'Kafka source (utf8 decode, slices, commit)'],
  [/prom-client|host\/metrics|host\/service\/(instrumentation|live-stats)/, 'metrics and live stats'],
  [/host\/server|uWebSockets/, 'HTTP/WebSocket server'],
];

export interface ProfileSummary {
  seconds: number;
  /** Share of sampled time, by stage; idle included. */
  stages: { stage: string; ms: number; share: number }[];
  /** Busiest functions by self time. */
  top: { fn: string; ms: number; share: number }[];
}

/** A profile's time not idle (ms): the thread's work over the sampled span. */
export function busyMs(p: ProfileSummary): number {
  return p.stages.filter((x) => !x.stage.startsWith('idle')).reduce((a, x) => a + x.ms, 0);
}

export function summariseProfile(path: string): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    let stage: string | undefined;
    if (name === '(idle)') stage = 'idle (event loop waiting)';
    else if (name === '(garbage collector)') stage = 'garbage collection';
    else if (name === '(program)') stage = 'V8/native, not attributed (program)';
    else {
      const rule = STAGES.find(([re]) => re.test(n.callFrame.url));
      if (rule) stage = rule[1] === GENERIC_KAFKAJS ? kafkajsSide(id) : rule[1];
      else {
        const up = parent.get(id);
        const root = up === undefined || byId.get(up)!.callFrame.functionName === '(root)';
        stage = root ? `other (${n.callFrame.url.replace(/^.*\//, '') || name || 'native'})` : classify(up);
      }
    }
    stageOf.set(id, stage);
    return stage;
  };
  // kafkajs' network code serves both sides: a caller up the stack says which, when the stack reaches it.
  const kafkajsSide = (id: number): string => {
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const url = byId.get(up)!.callFrame.url;
      if (/kafkajs\/src\/producer|host\/sinks\/kafka-sink/.test(url)) return 'Kafka produce: kafkajs network';
      if (/kafkajs\/src\/consumer|host\/sources\/kafka/.test(url)) return 'Kafka fetch: kafkajs network';
    }
    return GENERIC_KAFKAJS;
  };
  const stageMs = new Map<string, number>();
  const selfMs = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const id = p.samples[i]!;
    all += ms;
    const st = classify(id);
    stageMs.set(st, (stageMs.get(st) ?? 0) + ms);
    const f = byId.get(id)!.callFrame;
    const fn = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '')}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    selfMs.set(fn, (selfMs.get(fn) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    seconds: all / 1000,
    stages: sorted(stageMs).map(([stage, ms]) => ({ stage, ms, share: ms / all })),
    top: sorted(selfMs).slice(0, 15).map(([fn, ms]) => ({ fn, ms, share: ms / all })),
  };
}
