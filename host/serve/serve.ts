// `streamscore serve`: wires a source, the pipeline, the sinks and the server.
// Embedded default (no KAFKA_BROKERS, no REDIS_URL): the built-in simulator,
// the in-memory store, dead letters to a file. Service mode: a Kafka consumer
// group in, Kafka output topics and Redis out. Kafka and Redis modules load
// only when used.
//
// State (docs/STATE.md): a checkpointer takes every job's state to
// STATE_DIR (or the Kafka topic STATE_TOPIC) every CHECKPOINT_INTERVAL
// seconds and at a stop; at start the newest checkpoint is restored before
// the source reads on from its position (/ready says "restoring" meanwhile,
// scoring answers 503). With STATE_TOPIC and Kafka in and out, the output
// topics, the offsets and the checkpoints commit together (exactly once).
//
// Lifecycle: SIGTERM/SIGINT stop the source (its current batch finishes and
// commits), then the last checkpoint is taken, then the sinks flush and
// close, then the server closes. The model
// file is polled; a new version is loaded, checked and swapped between
// batches, and a bad one is logged and ignored (the old one keeps serving).

import { statSync } from 'node:fs';
import { createInstrumentation, INSTRUMENTATION } from '../core/instrumentation.js';
import { createMetrics } from './metrics.js';
import { createLiveStats } from './live-stats.js';
import { FraudScorer } from '../fraud/scorer.js';
import { Pipeline, type Stage } from '../core/pipeline.js';
import { InventoryStage } from '../forecast/inventory.js';
import { RecsWorkerStage } from '../recs/worker-stage.js';
import { simulatorSource } from '../simulator/source.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';
import { memoryStoreSink } from './memory-sink.js';
import { featureLogFile } from './feature-log-file.js';
import { DeadLetterFile } from './dead-letter-file.js';
import { fileSource } from './file-source.js';
import { loadIpRanges } from '../datasets/ip-country.js';
import { createServer, type Server } from './server.js';
import type { ServeConfig } from './config.js';
import type { Readiness, Recommendation, Scoring, Sink, Source, SourcePosition, Stateful, Store } from '../core/ports.js';
import { Checkpointer } from '../state/checkpointer.js';
import { StateDir, type CheckpointStore } from '../state/state-dir.js';
import { buildId } from '../wasm/image.js';
import { namesHash } from '../fraud/catalog.js';
import { StreamscoreError } from '../core/errors.js';
import type { FilePosition } from './file-source.js';
import type { SimulatorPosition } from '../simulator/source.js';
import type { KafkaPosition } from './kafka-source.js';
import type { KafkaSink } from './kafka-sink.js';

/**
 * How `serve` schedules the recommendations job, on its own thread at nice
 * 10 (docs/RECOMMENDATIONS.md): a batch spends at most 5 ms on users whose
 * interval has passed, and the user interval stretches up to 30 s while the
 * job takes most of a core or its batches wait over 50 ms on average.
 * Measured defaults (bench/results/2026-11-25-to-12-07-benchmarks-log.md),
 * no longer settings: the adaptive interval does what tuning them did.
 */
const RECS_SCHEDULE = { maxDueMs: 5, userRefreshMaxMs: 30_000, maxWaitMs: 50, nice: 10 };

export interface Running {
  server: Server;
  pipeline: Pipeline;
  fraud: FraudScorer;
  /** Resolves when the source ends (a file source) or the service is stopped. */
  done: Promise<void>;
  /** Rejects if a job fails for good (the recommendations worker died); never resolves. */
  jobsFailed: Promise<never>;
  stop(): Promise<void>;
}

/** Starts everything; `log` gets one line per lifecycle step. */
export async function startServe(config: ServeConfig, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<Running> {
  const instrumentation = createInstrumentation();
  const metrics = createMetrics(instrumentation);
  const live = createLiveStats(instrumentation);
  const fraud = new FraudScorer(config.fraudModel, {
    reviewThreshold: config.reviewThreshold,
    blockThreshold: config.blockThreshold,
    ipRanges: config.ipCountry ? loadIpRanges(config.ipCountry) : undefined,
  });
  instrumentation.emit(INSTRUMENTATION.MODEL_LOADED, { model: 'fraud', version: modelVersion(config.fraudModel) });

  const sinks: Sink[] = [];
  let store: Store;
  let memoryStore: MemoryStore | null = null;
  if (config.redis) {
    const { createRedisStore } = await import('./redis-store.js');
    const redis = createRedisStore({ ...config.redis, instrumentation });
    store = redis;
    sinks.push(redis);
  } else {
    const memory = createMemoryStore();
    store = memoryStore = memory;
    sinks.push(memoryStoreSink(memory));
  }
  // Exactly once (docs/STATE.md): a Kafka source and sink with the checkpoints in a state topic commit outputs, offsets and state together.
  const sourceName = config.source === 'simulate' ? 'simulator' : config.source === 'kafka' ? `kafka:${config.kafka!.groupId}:${config.kafka!.topics.join(',')}` : config.source;
  const exactlyOnce = config.source === 'kafka' && config.state.topic !== null && config.state.intervalSeconds > 0;
  let kafkaSink: KafkaSink | null = null;
  if (config.kafka) {
    const { createKafkaSink } = await import('./kafka-sink.js');
    const k = config.kafka;
    const kafka = createKafkaSink({
      brokers: k.brokers, clientId: k.clientId, logLevel: k.logLevel, topics: k.outputs, compression: k.compression, instrumentation, featureNames: fraud.features.names,
      ...(exactlyOnce && {
        transactionalId: `streamscore:${sourceName}`,
        consumerGroupId: k.groupId,
        onFatal: (e: Error) => {
          log(`streamscore: ${e.message}; stopping`);
          failJobs(e);
        },
      }),
    });
    await kafka.connect();
    kafkaSink = kafka;
    sinks.push(kafka);
  } else {
    sinks.push(new DeadLetterFile({ path: config.deadLetterFile, instrumentation }));
  }
  if (config.featureLog) sinks.push(featureLogFile(config.featureLog, fraud.features.names));

  // The other jobs on the stream (recommendations, inventory), after fraud.
  // SERVE_JOBS picks them: the end-to-end benchmark measures serve with and without them.
  // A job that can no longer write (its worker died) ends the service: `serve` exits non-zero, and its uncommitted batches are delivered again to whoever takes over.
  let failJobs: (e: Error) => void = () => {};
  const jobsFailed = new Promise<never>((_, reject) => (failJobs = reject));
  jobsFailed.catch(() => {});
  const stages: Stage[] = [];
  if (config.jobs.inventory) stages.push(new InventoryStage({ period: config.inventoryPeriod, leadTimeDays: config.inventoryLeadTimeDays, reorderPoint: config.inventoryReorderPoint, refitPeriods: config.inventoryRefitPeriods }));
  if (config.jobs.recs) {
    stages.push(
      await RecsWorkerStage.start({
        ...config.recs,
        ...RECS_SCHEDULE,
        onTopItems: (items: Recommendation[]) => live.setTopItems(items),
        onFailure: (e) => {
          log(`streamscore: ${e.message}; no batch can be written past it: stopping`);
          failJobs(e);
        },
      }),
    );
  }
  const pipeline = new Pipeline({ fraud, stages, sinks, instrumentation });
  let sourceReadiness: (() => { ok: boolean; detail?: string }) | null = null;
  // Checkpoints, to STATE_DIR or STATE_TOPIC. A Kafka source's are its group's and topics' (its positions are their offsets).
  let checkpointer: Checkpointer | null = null;
  let stateStore: CheckpointStore | null = null;
  if (config.state.intervalSeconds > 0) {
    let checkpoints: CheckpointStore;
    if (config.state.topic !== null && config.kafka !== null) {
      const { StateTopic } = await import('../state/state-topic.js');
      const k = config.kafka;
      checkpoints = new StateTopic({ brokers: k.brokers, clientId: k.clientId, logLevel: k.logLevel, topic: config.state.topic, name: sourceName, outputs: exactlyOnce ? kafkaSink! : undefined });
    } else {
      checkpoints = new StateDir({ dir: config.state.dir });
    }
    stateStore = checkpoints;
    if (config.state.reset) {
      await checkpoints.reset();
      log(`streamscore: --reset-state: the checkpoints in ${checkpoints.where} are deleted; the state starts empty`);
    }
    const jobs: Record<string, Stateful> = { fraud };
    for (const s of stages) if (isStateful(s)) jobs[s.name] = s;
    checkpointer = new Checkpointer({ store: checkpoints, jobs, outputs: memoryStore ? { store: memoryStore } : {}, sinks, source: sourceName, intervalMs: config.state.intervalSeconds * 1000, build: buildId(), catalogue: namesHash(), instrumentation, log });
  }
  let restoring = checkpointer !== null;
  if (exactlyOnce) log(`streamscore: exactly once: the output topics, the group's offsets and the state commit together in one Kafka transaction per checkpoint (every ${config.state.intervalSeconds} s, in ${config.state.topic})`);
  const scoring: Scoring = {
    score: (events) => {
      if (restoring) throw new StreamscoreError('the state is being restored from a checkpoint; try again shortly', { code: 'RESTORING', retriable: true });
      return pipeline.score(events);
    },
  };
  // Every check that needs the broker says so while it does not answer.
  const broker = config.kafka ? (await import('./kafka-client.js')).brokerProbe(config.kafka.brokers) : null;
  const readiness = async (): Promise<Readiness> => {
    const checks: Readiness['checks'] = { model: { ok: true, detail: fraud.modelPath } };
    if (checkpointer !== null) checks.state = restoring ? { ok: false, detail: 'restoring' } : { ok: true, detail: stateStore!.where };
    for (const s of sinks) checks[s.name] = s.readiness();
    if (sourceReadiness) checks.source = sourceReadiness();
    if (broker !== null) {
      const up = await broker();
      if (!up.ok) for (const name of ['kafka', ...(config.source === 'kafka' ? ['source'] : [])]) if (checks[name]) checks[name] = { ok: false, detail: up.detail };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
  // A start that fails leaves nothing running (the recommendations thread, the sinks' and the state store's connections): the process exits with the error.
  const release = async () => {
    await pipeline.close().catch(() => {});
    for (const s of sinks) await s.close().catch(() => {});
    await stateStore?.close?.().catch(() => {});
    live.close?.();
    metrics.close();
  };
  let server: Server;
  try {
    server = await createServer({ port: config.port, host: config.bindAddress, scoring, store, readiness, metrics, apiToken: config.apiToken ?? undefined, instrumentation });
  } catch (e) {
    await release();
    throw e;
  }
  pipeline.onAlert = (a) => server.publish(a);
  const statsTimer = setInterval(() => server.publishStats(live.snapshot()), 1000);
  log(`streamscore: listening on ${config.bindAddress}:${server.port} (${config.source} -> ${config.redis ? 'redis' : 'memory'}${config.kafka ? ' + kafka' : ''}; fraud model ${config.fraudModel})`);

  // Hot reload: poll the model file's mtime and size.
  let version = modelVersion(config.fraudModel);
  const poll = config.modelPollSeconds > 0
    ? setInterval(() => {
        const v = modelVersion(config.fraudModel);
        if (v === version) return;
        version = v;
        try {
          fraud.reload(config.fraudModel);
          instrumentation.emit(INSTRUMENTATION.MODEL_LOADED, { model: 'fraud', version: v });
          log(`streamscore: fraud model reloaded (${config.fraudModel})`);
        } catch (e) {
          instrumentation.emit(INSTRUMENTATION.MODEL_REJECTED, { model: 'fraud', reason: (e as Error).message });
          log(`streamscore: new fraud model rejected, the previous one keeps serving: ${(e as Error).message}`);
        }
      }, config.modelPollSeconds * 1000)
    : null;

  let from: SourcePosition | undefined;
  if (checkpointer !== null) {
    try {
      from = (await checkpointer.restore())?.position;
    } catch (e) {
      clearInterval(statsTimer);
      if (poll) clearInterval(poll);
      server.close();
      await release();
      throw e;
    }
    restoring = false;
  }

  let source: Source;
  if (config.source === 'simulate') source = simulatorSource({ rate: config.rate, seed: config.seed, from: from as SimulatorPosition | undefined });
  else if (config.source.startsWith('file:')) source = fileSource({ path: config.source.slice('file:'.length), rate: config.fileRate ?? undefined, from: from as FilePosition | undefined });
  else {
    const { createKafkaSource } = await import('./kafka-source.js');
    const { compression: _c, outputs: _o, ...k } = config.kafka!;
    const kafkaSource = createKafkaSource({
      ...k,
      instrumentation,
      log,
      from: from as KafkaPosition | undefined,
      offsetsInTransactions: exactlyOnce,
    });
    source = kafkaSource;
    sourceReadiness = () => kafkaSource.readiness();
  }
  const done = source.run((batch, position) => {
    const written = pipeline.handle(batch);
    checkpointer?.afterBatch(position, written);
    return written;
  }).then(
    () => log(`streamscore: source ${source.name} ended`),
    (e) => {
      log(`streamscore: source ${source.name} failed: ${(e as Error).message}`);
      throw e;
    },
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log('streamscore: stopping: source, then sinks, then server');
      if (poll) clearInterval(poll);
      clearInterval(statsTimer);
      await source.stop();
      await done.catch(() => {});
      await pipeline.drain();
      await checkpointer?.stop().catch((e) => log(`streamscore: the last checkpoint failed: ${(e as Error).message}`));
      await stateStore?.close?.();
      await pipeline.close().catch((e) => log(`streamscore: stopping the jobs: ${(e as Error).message}`));
      for (const s of sinks) await s.close().catch((e) => log(`streamscore: closing ${s.name}: ${(e as Error).message}`));
      server.close();
      live.close?.();
      metrics.close();
      log('streamscore: stopped');
    })());
  return { server, pipeline, fraud, done, jobsFailed, stop };
}

function isStateful(s: object): s is Stateful {
  return typeof (s as Partial<Stateful>).snapshot === 'function' && typeof (s as Partial<Stateful>).restore === 'function';
}

function modelVersion(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}@${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
