// `streamscore replay`: turns a dataset into SPEC events and writes them as
// NDJSON to stdout or to a Kafka topic, in event-time order, as fast as
// possible or at --rate events per second. The readers live in
// host/datasets/ (one per dataset) and host/serve/file-source.ts (NDJSON);
// the Kafka writer in host/serve/kafka-events.ts.

import { once } from 'node:events';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Event } from '../core/schema.js';
import { UsageError } from '../core/errors.js';
import { loadIpRanges } from '../datasets/ip-country.js';
import { KafkaEventWriter } from '../serve/kafka-events.js';
import { PartitionKeys } from '../serve/partition-key.js';
import { ndjsonEvents, type InvalidLine } from '../serve/file-source.js';
import { atRate, fastForward } from '../simulator/pace.js';
import { DAY_MS, fraudEcommerceEvents } from '../datasets/fraud-ecommerce-events.js';
import { m4Events } from '../datasets/m4-events.js';
import { movielensEvents } from '../datasets/movielens-events.js';
import { MAX_RATE, Simulator } from '../simulator/simulator.js';
import { progress } from './progress.js';

export const REPLAY_SOURCES = ['fraud-ecommerce', 'movielens', 'm4', 'ndjson', 'simulate'] as const;
export type ReplaySource = (typeof REPLAY_SOURCES)[number];
export const DEFAULT_TOPIC = 'streamscore.events';

export interface ReplayOptions {
  source: ReplaySource;
  file?: string;
  to: 'kafka' | 'stdout';
  rate?: number;
  topic: string;
  ipCountry?: string;
  labelDelayDays: number;
  brokers: string[];
  inFlight: number;
  acks: 1 | -1;
  /** simulate: how many events (default: until interrupted) and the seed. */
  events?: number;
  seed: number;
  signal?: AbortSignal;
  /** Where invalid NDJSON lines and the summary go (default stderr). */
  log?: (line: string) => void;
}

export interface ReplayResult {
  events: number;
  invalid: number;
  seconds: number;
  byType: Record<string, number>;
}

/** Parses the replay command line (argv after "replay"). */
export function parseReplayArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ReplayOptions {
  const { values } = parseArgs({
    args,
    options: {
      source: { type: 'string' },
      file: { type: 'string' },
      to: { type: 'string', default: 'stdout' },
      rate: { type: 'string' },
      topic: { type: 'string', default: DEFAULT_TOPIC },
      'ip-country': { type: 'string' },
      'label-delay-days': { type: 'string', default: '30' },
      'in-flight': { type: 'string', default: '4' },
      acks: { type: 'string', default: '1' },
      events: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const source = values.source as ReplaySource;
  if (!REPLAY_SOURCES.includes(source)) throw new UsageError(`replay: --source must be one of ${REPLAY_SOURCES.join(', ')}${values.source ? `, got "${values.source}"` : ''}`);
  if (source !== 'simulate' && !values.file) throw new UsageError(`replay: --file PATH is required for --source ${source}${source === 'ndjson' ? ' (- for stdin)' : ''}`);
  if (values['ip-country'] && source !== 'fraud-ecommerce') throw new UsageError('replay: --ip-country applies to --source fraud-ecommerce only');
  const to = values.to;
  if (to !== 'kafka' && to !== 'stdout') throw new UsageError(`replay: --to must be kafka or stdout, got "${to}"`);
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (to === 'kafka' && brokers.length === 0) throw new UsageError('replay: --to kafka needs KAFKA_BROKERS (host:port[,host:port...]) in the environment');
  if (source === 'simulate' && values.rate !== undefined && Number(values.rate) > MAX_RATE) {
    throw new UsageError(`replay: --source simulate runs at most --rate ${MAX_RATE} (its memory grows with the rate); for more, write its events to a file and replay that with --source ndjson`);
  }
  const acks = values.acks === 'all' || values.acks === '-1' ? -1 : values.acks === '1' ? 1 : undefined;
  if (acks === undefined) throw new UsageError(`replay: --acks must be 1 or all (-1), got "${values.acks}"`);
  return {
    source,
    file: values.file,
    to,
    rate: values.rate === undefined ? undefined : positive('--rate', values.rate),
    topic: values.topic!,
    ipCountry: values['ip-country'],
    labelDelayDays: nonNegative('--label-delay-days', values['label-delay-days']!),
    brokers,
    inFlight: Math.floor(positive('--in-flight', values['in-flight']!)),
    acks,
    events: values.events === undefined ? undefined : Math.floor(positive('--events', values.events)),
    seed: Math.floor(nonNegative('--seed', values.seed!)),
  };
}

/** Runs a replay to its end (or until opts.signal aborts); resolves to what it wrote. */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  let invalid = 0;
  const onInvalid = (bad: InvalidLine) => {
    invalid++;
    if (invalid <= 100) log(`${bad.file}:${bad.line}: ${bad.reason}`);
    else if (invalid === 101) log('replay: more invalid lines follow; only their count is reported');
  };
  const size = opts.file && opts.file !== '-' ? safeSize(opts.file) : undefined;
  const bar = progress('replay', size, process.stderr, 'events');
  let bytes = 0;
  const onProgress = (_rows: number, b: number) => {
    bytes = b;
  };

  // Every source as batches of events, with their text when it was read as such.
  let batches: AsyncIterable<{ events: Event[]; texts?: string[] }>;
  switch (opts.source) {
    case 'ndjson':
      batches = (async function* () {
        for await (const b of ndjsonEvents(opts.file!, { onInvalid, signal: opts.signal })) {
          bytes = b.bytesRead;
          yield b;
        }
      })();
      break;
    case 'fraud-ecommerce':
      batches = wrap(fraudEcommerceEvents(opts.file!, { ipRanges: opts.ipCountry ? loadIpRanges(opts.ipCountry) : undefined, labelDelayMs: opts.labelDelayDays * DAY_MS, onProgress }));
      break;
    case 'movielens':
      batches = wrap(movielensEvents(opts.file!, { onProgress }));
      break;
    case 'm4':
      batches = wrap(m4Events(opts.file!, { onProgress }));
      break;
    case 'simulate': {
      const sim = new Simulator({ seed: opts.seed, rate: opts.rate ?? 100, start: Date.now() });
      batches = wrap(fastForward(sim, { limit: opts.events, signal: opts.signal }));
      break;
    }
  }
  if (opts.rate !== undefined) batches = paced(batches, opts.rate, opts.signal);

  const writer = opts.to === 'kafka'
    ? await KafkaEventWriter.open({ brokers: opts.brokers, topic: opts.topic, inFlight: opts.inFlight, acks: opts.acks })
    : null;
  const keys = new PartitionKeys();
  const byType: Record<string, number> = {};
  let count = 0;
  const started = Date.now();
  try {
    for await (const b of batches) {
      if (opts.signal?.aborted) break;
      const values = b.texts ?? b.events.map((e) => JSON.stringify(e));
      for (const e of b.events) byType[e.type] = (byType[e.type] ?? 0) + 1;
      if (writer) await writer.write(b.events.map((e) => keys.key(e)), values);
      else if (!process.stdout.write(values.join('\n') + '\n')) await once(process.stdout, 'drain');
      count += values.length;
      bar.update(count, bytes);
    }
    await writer?.flush();
  } finally {
    bar.done();
    await writer?.close().catch(() => {});
  }
  const seconds = (Date.now() - started) / 1000;
  const types = Object.entries(byType).map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`).join(', ');
  const target = writer ? `kafka topic ${opts.topic} (acks ${opts.acks === -1 ? 'all' : 1})` : 'stdout';
  log(`replay: ${count.toLocaleString('en-US')} events (${types || 'none'}) from ${opts.source}${opts.file ? ` ${opts.file}` : ''} to ${target} in ${seconds.toFixed(2)} s, ${Math.round(count / Math.max(seconds, 1e-3)).toLocaleString('en-US')} events/s${invalid > 0 ? `; ${invalid.toLocaleString('en-US')} invalid lines not sent` : ''}`);
  return { events: count, invalid, seconds, byType };
}

async function* wrap(src: AsyncIterable<Event[]>): AsyncGenerator<{ events: Event[] }> {
  for await (const events of src) yield { events };
}

/** Paces events (and their texts) at rate per second. */
async function* paced(src: AsyncIterable<{ events: Event[]; texts?: string[] }>, rate: number, signal?: AbortSignal): AsyncGenerator<{ events: Event[]; texts?: string[] }> {
  const pairs = (async function* () {
    for await (const b of src) yield b.events.map((e, k) => [e, b.texts?.[k]] as const);
  })();
  for await (const part of atRate(pairs, rate, { signal })) {
    const texts = part[0]?.[1] === undefined ? undefined : part.map((p) => p[1]!);
    yield { events: part.map((p) => p[0]), texts };
  }
}

function safeSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function positive(name: string, v: string): number {
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`replay: ${name} must be a number > 0, got "${v}"`);
  return x;
}

function nonNegative(name: string, v: string): number {
  const x = Number(v);
  if (!(x >= 0) || !Number.isFinite(x)) throw new UsageError(`replay: ${name} must be a number >= 0, got "${v}"`);
  return x;
}
