// `serve` configuration: every setting is an environment variable with a
// documented default (.env.example), and also a command-line flag, which
// wins. Bad values are a UsageError naming the setting.

import { UsageError } from '../errors.js';

export interface ServeConfig {
  port: number;
  /** Address the server listens on. */
  bindAddress: string;
  /** simulate | file:PATH | kafka */
  source: string;
  /** Simulated events per second. */
  rate: number;
  /** A file source's pace when --rate / SIM_RATE was given; else as fast as it goes. */
  fileRate: number | null;
  /** A new consumer group starts at the topic's beginning (else at its end). */
  kafkaFromBeginning: boolean;
  seed: number;
  kafkaBrokers: string[];
  kafkaGroupId: string;
  kafkaTopic: string;
  redisUrl: string | null;
  apiToken: string | null;
  fraudModel: string;
  reviewThreshold: number;
  blockThreshold: number;
  ipCountry: string | null;
  featureLog: string | null;
  deadLetterFile: string;
  /** Seconds between checks of the model file for a new version; 0 turns hot reload off. */
  modelPollSeconds: number;
  /** Inventory: sales summed per hour | day | week; default lead time and reorder point; refit schedule (periods). */
  inventoryPeriod: 'hour' | 'day' | 'week';
  inventoryLeadTimeDays: number;
  inventoryReorderPoint: number;
  inventoryRefitPeriods: number;
  /** Recommendations (host/recs/stage.ts; docs/RECOMMENDATIONS.md). */
  recs: {
    viewWeight: number;
    cartWeight: number;
    purchaseWeight: number;
    sessionGapMs: number;
    neighbours: number;
    maxPairs: number;
    maxHistory: number;
    similarity: 'cosine' | 'jaccard';
    exclude: 'seen' | 'bought' | 'none';
    halfLifeMs: number;
    itemRefreshMs: number;
    userRefreshMs: number;
    /** Longest the user interval stretches to while the job cannot keep up (host/recs/stage.ts). */
    userRefreshMaxMs: number;
    /** Longest mean wait of batches for the recommendations thread before the user interval stretches (ms; 0: not watched). */
    maxWaitMs: number;
    /** Most time (ms) a batch spends on users whose interval has passed, beyond the first few (0: no bound). */
    maxDueMs: number;
    /** Run the job on its own thread (host/recs/worker-stage.ts) instead of serve's main thread. */
    worker: boolean;
    /** The worker thread's nice value (Linux, per thread; 0: as the rest of serve). */
    workerNice: number;
  };
}

/** One setting: its environment variable, flag, default and meaning (README lists them). */
export const SETTINGS = [
  ['PORT', 'port', '8000', 'HTTP and WebSocket port (start-up fails if it is in use)'],
  ['BIND_ADDRESS', 'bind', '0.0.0.0', 'address the HTTP and WebSocket server listens on (0.0.0.0: every interface; 127.0.0.1: this machine only)'],
  ['SOURCE', 'source', 'simulate, or kafka when KAFKA_BROKERS is set', 'where events come from: simulate | file:PATH | kafka'],
  ['SIM_RATE', 'rate', '200', 'simulated events per second'],
  ['SIM_SEED', 'seed', '1', 'seed of the simulated stream'],
  ['KAFKA_BROKERS', 'kafka-brokers', '(unset: embedded mode)', 'comma-separated Kafka brokers'],
  ['KAFKA_GROUP_ID', 'kafka-group', 'streamscore', 'consumer group (processes in one group split the partitions)'],
  ['KAFKA_TOPIC_EVENTS', 'kafka-topic', 'streamscore.events', 'topic the events come from'],
  ['KAFKA_FROM_BEGINNING', 'kafka-from-beginning', 'false', 'a new consumer group reads the topic from its beginning (true) or only new events'],
  ['REDIS_URL', 'redis-url', '(unset: in-memory store)', 'Redis for scores, recommendations and inventory, e.g. redis://127.0.0.1:6379'],
  ['API_TOKEN', 'api-token', '(unset: no auth)', 'bearer token required by every route but /health and /metrics'],
  ['FRAUD_MODEL', 'fraud-model', 'models/fraud-ecommerce.txt', 'fraud model file (LightGBM text, XGBoost JSON or .ssm over the 85 fraud features)'],
  ['FRAUD_REVIEW_THRESHOLD', 'review-threshold', '0.5', 'score at or above which a purchase is reviewed'],
  ['FRAUD_BLOCK_THRESHOLD', 'block-threshold', '0.9', 'score at or above which a purchase is blocked'],
  ['IP_COUNTRY_FILE', 'ip-country', '(unset)', 'IPv4 ranges to country CSV for the country features'],
  ['FEATURE_LOG', 'feature-log', '(unset: off)', 'NDJSON file of every scored purchase\'s features and every label (for retraining)'],
  ['DEAD_LETTER_FILE', 'dead-letter-file', 'streamscore-deadletter.ndjson', 'NDJSON file of invalid events in embedded mode (Kafka mode uses a topic)'],
  ['MODEL_POLL_SECONDS', 'model-poll-seconds', '2', 'how often the model file is checked for a new version (0: never)'],
  ['INVENTORY_PERIOD', 'inventory-period', 'day', 'sales are summed per hour | day | week for the demand forecasts'],
  ['INVENTORY_LEAD_TIME_DAYS', 'inventory-lead-time', '7', 'lead time (days) of SKUs whose stock events give none'],
  ['INVENTORY_REORDER_POINT', 'inventory-reorder-point', '0', 'reorder point (units) of SKUs whose stock events give none (0: runout alerts only)'],
  ['INVENTORY_REFIT_PERIODS', 'inventory-refit-periods', '7', 'closed periods between refits of a SKU\'s demand model (sooner when its errors drift)'],
  ['RECS_WEIGHTS', 'recs-weights', '1,2,4', 'interaction weights: view,cart,purchase (a user\'s strength on an item is its strongest)'],
  ['RECS_SESSION_GAP_MINUTES', 'recs-session-gap', '30', 'inactivity (minutes) that closes a user\'s session'],
  ['RECS_NEIGHBOURS', 'recs-neighbours', '100', 'neighbours kept per item (K)'],
  ['RECS_MAX_PAIRS', 'recs-max-pairs', '4000000', 'item pairs held at most (32 bytes each at the cap); the rarest are pruned'],
  ['RECS_MAX_HISTORY', 'recs-max-history', '100', 'distinct items remembered per user (co-occurrence partners, profile, exclusions)'],
  ['RECS_SIMILARITY', 'recs-similarity', 'cosine', 'item similarity: cosine | jaccard'],
  ['RECS_EXCLUDE', 'recs-exclude', 'seen', 'items never recommended to a user: seen | bought | none'],
  ['RECS_HALF_LIFE_HOURS', 'recs-half-life', '0', 'half-life (hours) of co-occurrence counts (0: no decay)'],
  ['RECS_ITEM_REFRESH_SECONDS', 'recs-item-refresh', '60', 'least time between two pushes of one item\'s similar-items list'],
  ['RECS_USER_REFRESH_MS', 'recs-user-refresh-ms', '2000', 'least time (ms) between two pushes of one user\'s list; changes meanwhile are pushed once it has passed (0: every batch)'],
  ['RECS_USER_REFRESH_MAX_MS', 'recs-user-refresh-max-ms', '30000', 'longest (ms) the user interval is stretched to while the recommendations job takes most of a core, so that lists get staler rather than the stream slower (RECS_USER_REFRESH_MS or less: never stretched)'],
  ['RECS_MAX_WAIT_MS', 'recs-max-wait-ms', '50', 'longest mean wait (ms) of a second\'s batches for the recommendations thread before the user interval stretches too (the thread is behind the stream, or the cores are busy with the scores; 0: only its own busy time counts)'],
  ['RECS_DUE_MS', 'recs-due-ms', '5', 'most time (ms) one batch spends on lists of users whose interval has passed (beyond the first 8), and at most half the time since the previous batch: a wave of users falling due together is spread over many batches instead of holding one (0: only the count bound)'],
  ['RECS_WORKER', 'recs-worker', 'true', 'run the recommendations job on its own thread (true) or on serve\'s main thread (false)'],
  ['RECS_WORKER_NICE', 'recs-worker-nice', '10', 'nice value (0-19, Linux) of the recommendations thread alone: when the cores are short, scoring runs first and the lists wait (0: the same priority)'],
] as const;

type Key = (typeof SETTINGS)[number][1];

/** Builds the configuration from flags (parsed by the CLI) over environment variables over defaults. */
export function serveConfig(flags: Partial<Record<Key, string>>, env: NodeJS.ProcessEnv = process.env, root = '.'): ServeConfig {
  const get = (key: Key): string | undefined => {
    const setting = SETTINGS.find((s) => s[1] === key)!;
    return flags[key] ?? (env[setting[0]] === '' ? undefined : env[setting[0]]);
  };
  const num = (key: Key, fallback: number, ok: (x: number) => boolean, want: string): number => {
    const v = get(key);
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isFinite(x) || !ok(x)) {
      const s = SETTINGS.find((q) => q[1] === key)!;
      throw new UsageError(`serve: ${s[0]} / --${key} must be ${want}, got "${v}"`);
    }
    return x;
  };
  const bool = (key: Key, fallback: boolean): boolean => {
    const v = get(key);
    if (v === undefined) return fallback;
    if (v !== 'true' && v !== 'false') {
      const s = SETTINGS.find((q) => q[1] === key)!;
      throw new UsageError(`serve: ${s[0]} / --${key} must be true or false, got "${v}"`);
    }
    return v === 'true';
  };
  const brokers = (get('kafka-brokers') ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const source = get('source') ?? (brokers.length > 0 ? 'kafka' : 'simulate');
  if (source !== 'simulate' && source !== 'kafka' && !source.startsWith('file:')) {
    throw new UsageError(`serve: SOURCE / --source must be simulate, file:PATH or kafka, got "${source}"`);
  }
  if (source === 'kafka' && brokers.length === 0) throw new UsageError('serve: --source kafka needs KAFKA_BROKERS / --kafka-brokers');
  const review = num('review-threshold', 0.5, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  const block = num('block-threshold', 0.9, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  if (block < review) throw new UsageError(`serve: the block threshold (${block}) is below the review threshold (${review})`);
  return {
    port: num('port', 8000, (x) => Number.isInteger(x) && x >= 0 && x < 65536, 'a port number'),
    bindAddress: get('bind') ?? '0.0.0.0',
    source,
    rate: num('rate', 200, (x) => x > 0 && x <= 1e7, 'events per second > 0'),
    fileRate: get('rate') === undefined ? null : num('rate', 200, (x) => x > 0, 'events per second > 0'),
    kafkaFromBeginning: (get('kafka-from-beginning') ?? 'false') === 'true',
    seed: num('seed', 1, (x) => Number.isInteger(x) && x >= 0, 'a whole number'),
    kafkaBrokers: brokers,
    kafkaGroupId: get('kafka-group') ?? 'streamscore',
    kafkaTopic: get('kafka-topic') ?? 'streamscore.events',
    redisUrl: get('redis-url') ?? null,
    apiToken: get('api-token') ?? null,
    fraudModel: get('fraud-model') ?? `${root}/models/fraud-ecommerce.txt`,
    reviewThreshold: review,
    blockThreshold: block,
    ipCountry: get('ip-country') ?? null,
    featureLog: get('feature-log') ?? null,
    deadLetterFile: get('dead-letter-file') ?? 'streamscore-deadletter.ndjson',
    modelPollSeconds: num('model-poll-seconds', 2, (x) => x >= 0, 'seconds >= 0'),
    inventoryPeriod: inventoryPeriod(get('inventory-period') ?? 'day'),
    inventoryLeadTimeDays: num('inventory-lead-time', 7, (x) => x >= 0 && x <= 3650, 'days in [0, 3650]'),
    inventoryReorderPoint: num('inventory-reorder-point', 0, (x) => x >= 0, 'units >= 0'),
    inventoryRefitPeriods: num('inventory-refit-periods', 7, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1'),
    recs: recsSettings(get, num, bool),
  };
}

function recsSettings(
  get: (key: Key) => string | undefined,
  num: (key: Key, fallback: number, ok: (x: number) => boolean, want: string) => number,
  bool: (key: Key, fallback: boolean) => boolean,
): ServeConfig['recs'] {
  const weights = (get('recs-weights') ?? '1,2,4').split(',').map((w) => Number(w.trim()));
  if (weights.length !== 3 || weights.some((w) => !(w > 0 && w <= 1e6))) {
    throw new UsageError(`serve: RECS_WEIGHTS / --recs-weights must be three weights > 0 (view,cart,purchase), got "${get('recs-weights')}"`);
  }
  const similarity = get('recs-similarity') ?? 'cosine';
  if (similarity !== 'cosine' && similarity !== 'jaccard') throw new UsageError(`serve: RECS_SIMILARITY / --recs-similarity must be cosine or jaccard, got "${similarity}"`);
  const exclude = get('recs-exclude') ?? 'seen';
  if (exclude !== 'seen' && exclude !== 'bought' && exclude !== 'none') throw new UsageError(`serve: RECS_EXCLUDE / --recs-exclude must be seen, bought or none, got "${exclude}"`);
  const whole = (lo: number, hi: number) => (x: number) => Number.isInteger(x) && x >= lo && x <= hi;
  return {
    viewWeight: weights[0]!,
    cartWeight: weights[1]!,
    purchaseWeight: weights[2]!,
    sessionGapMs: num('recs-session-gap', 30, (x) => x > 0 && x <= 1e6, 'minutes > 0') * 60_000,
    neighbours: num('recs-neighbours', 100, whole(1, 1000), 'a whole number in 1..1000'),
    maxPairs: num('recs-max-pairs', 4_000_000, whole(1024, 1e9), 'a whole number in 1024..1e9'),
    maxHistory: num('recs-max-history', 100, whole(1, 10000), 'a whole number in 1..10000'),
    similarity,
    exclude,
    halfLifeMs: num('recs-half-life', 0, (x) => x >= 0 && x <= 1e9, 'hours >= 0') * 3_600_000,
    itemRefreshMs: num('recs-item-refresh', 60, (x) => x >= 0 && x <= 1e6, 'seconds >= 0') * 1000,
    userRefreshMs: num('recs-user-refresh-ms', 2000, (x) => x >= 0 && x <= 3_600_000, 'milliseconds in [0, 3600000]'),
    userRefreshMaxMs: num('recs-user-refresh-max-ms', 30_000, (x) => x >= 0 && x <= 3_600_000, 'milliseconds in [0, 3600000]'),
    maxWaitMs: num('recs-max-wait-ms', 50, (x) => x >= 0 && x <= 3_600_000, 'milliseconds in [0, 3600000]'),
    maxDueMs: num('recs-due-ms', 5, (x) => x >= 0 && x <= 60_000, 'milliseconds in [0, 60000]'),
    worker: bool('recs-worker', true),
    workerNice: num('recs-worker-nice', 10, whole(0, 19), 'a whole number in 0..19'),
  };
}

function inventoryPeriod(v: string): 'hour' | 'day' | 'week' {
  if (v === 'hour' || v === 'day' || v === 'week') return v;
  throw new UsageError(`serve: INVENTORY_PERIOD / --inventory-period must be hour, day or week, got "${v}"`);
}
