// `serve` configuration, defined once: every setting is one entry of
// SETTINGS (environment variable, flag, kind, default, meaning, and whether
// it is a tuning dial). serveConfig reads each the same way (the flag wins
// over the variable, an empty variable is unset), and the README table,
// docs/CONFIGURATION.md, .env.example and `serve --help` are generated from
// the same list (settingsTable, envExample, serveHelp; `npm run
// gen:settings`, checked by test/settings-are-defined-once.test.ts). A bad
// value is a UsageError naming the variable and the flag.

import { UsageError } from '../core/errors.js';

export type SettingKind = 'int' | 'number' | 'bool' | 'string' | 'list' | 'choice' | 'topic';

export interface Setting {
  /** Environment variable. */
  env: string;
  /** Command-line flag, without the dashes. */
  flag: string;
  kind: SettingKind;
  /** The default as the value would be written; undefined: unset. */
  default?: string;
  /** The default in words, where it is not a plain value ("(unset: embedded mode)"). */
  defaultText?: string;
  /** What it does, one line. */
  doc: string;
  /** A tuning dial (docs/CONFIGURATION.md) rather than a setting most users set (README). */
  dial?: boolean;
  /** choice: the values it takes. */
  choices?: readonly string[];
  /** int, number: the range it takes, inclusive. */
  min?: number;
  max?: number;
  /** A valid value other than the default, for the tests and the examples. */
  example: string;
}

/** Every setting of `serve`, in the order the docs list them. */
export const SETTINGS: readonly Setting[] = [
  { env: 'PORT', flag: 'port', kind: 'int', default: '8000', min: 0, max: 65535, doc: 'HTTP and WebSocket port (start-up fails if it is in use)', example: '8080' },
  { env: 'BIND_ADDRESS', flag: 'bind', kind: 'string', default: '0.0.0.0', doc: 'address the HTTP and WebSocket server listens on (0.0.0.0: every interface; 127.0.0.1: this machine only)', example: '127.0.0.1' },
  { env: 'SOURCE', flag: 'source', kind: 'string', defaultText: 'simulate, or kafka when KAFKA_BROKERS is set', doc: 'where events come from: simulate | file:PATH | kafka', example: 'file:events.ndjson' },
  { env: 'SIM_RATE', flag: 'rate', kind: 'number', default: '200', min: Number.MIN_VALUE, max: 1e7, doc: 'simulated events per second (with a file source: its pace; unset, as fast as it goes)', example: '500' },
  { env: 'KAFKA_BROKERS', flag: 'kafka-brokers', kind: 'list', defaultText: '(unset: embedded mode)', doc: 'comma-separated Kafka brokers (service mode)', example: 'k1:9092,k2:9092' },
  { env: 'KAFKA_GROUP_ID', flag: 'kafka-group', kind: 'string', default: 'streamscore', doc: 'consumer group (processes in one group split the partitions)', example: 'scoring' },
  { env: 'KAFKA_TOPIC_EVENTS', flag: 'kafka-topic', kind: 'list', default: 'streamscore.events', doc: 'topics the events come from (comma-separated)', example: 'shop.events' },
  { env: 'KAFKA_FROM_BEGINNING', flag: 'kafka-from-beginning', kind: 'bool', default: 'false', doc: 'a new consumer group reads the topics from their beginning (true) or only new events', example: 'true' },
  { env: 'REDIS_URL', flag: 'redis-url', kind: 'string', defaultText: '(unset: in-memory store)', doc: 'Redis for scores, recommendations and inventory, e.g. redis://127.0.0.1:6379', example: 'redis://127.0.0.1:6380' },
  { env: 'API_TOKEN', flag: 'api-token', kind: 'string', defaultText: '(unset: no auth)', doc: 'bearer token required by every route but /health and /metrics', example: 's3cret' },
  { env: 'FRAUD_MODEL', flag: 'fraud-model', kind: 'string', default: 'models/fraud-ecommerce.txt', doc: 'fraud model file (LightGBM text, XGBoost JSON or .ssm over the 85 fraud features); reloaded when it changes', example: 'my-model.txt' },
  { env: 'FRAUD_REVIEW_THRESHOLD', flag: 'review-threshold', kind: 'number', default: '0.5', min: 0, max: 1, doc: 'score at or above which a purchase is reviewed', example: '0.4' },
  { env: 'FRAUD_BLOCK_THRESHOLD', flag: 'block-threshold', kind: 'number', default: '0.9', min: 0, max: 1, doc: 'score at or above which a purchase is blocked', example: '0.95' },
  { env: 'IP_COUNTRY_FILE', flag: 'ip-country', kind: 'string', defaultText: '(unset)', doc: 'IPv4 ranges to country CSV for the country features', example: 'ip-country.csv' },
  { env: 'FEATURE_LOG', flag: 'feature-log', kind: 'string', defaultText: '(unset: off)', doc: "NDJSON file of every scored purchase's features and every label (for retraining)", example: 'features.ndjson' },
  { env: 'DEAD_LETTER_FILE', flag: 'dead-letter-file', kind: 'string', default: 'streamscore-deadletter.ndjson', doc: 'NDJSON file of invalid events in embedded mode (service mode uses a topic)', example: 'dead.ndjson' },
  { env: 'STATE_DIR', flag: 'state-dir', kind: 'string', default: './streamscore-state', doc: "directory of the checkpoints: a restart takes up from the newest (docs/STATE.md; --reset-state starts empty; one per process)", example: '/var/lib/streamscore' },
  { env: 'STATE_TOPIC', flag: 'state-topic', kind: 'string', defaultText: '(unset: STATE_DIR)', doc: 'service mode: keep the checkpoints in this Kafka topic instead (compacted, created if missing): another machine can take over (docs/STATE.md)', example: 'streamscore.state' },
  { env: 'CHECKPOINT_INTERVAL', flag: 'checkpoint-interval', kind: 'number', default: '5', min: 0, max: 86400, doc: 'seconds between two checkpoints of the state, and one at a stop (0: none taken, none restored)', example: '30' },

  { env: 'SIM_SEED', flag: 'seed', kind: 'int', default: '1', min: 0, max: Number.MAX_SAFE_INTEGER, dial: true, doc: 'seed of the simulated stream', example: '7' },
  { env: 'MODEL_POLL_SECONDS', flag: 'model-poll-seconds', kind: 'number', default: '2', min: 0, max: 86400, dial: true, doc: 'how often the model file is checked for a new version (0: never)', example: '10' },
  { env: 'SERVE_JOBS', flag: 'jobs', kind: 'list', default: 'inventory,recs', dial: true, doc: 'the jobs beside fraud: inventory, recs (none: fraud alone)', example: 'recs' },
  { env: 'KAFKA_CLIENT_ID', flag: 'kafka-client-id', kind: 'string', default: 'streamscore', dial: true, doc: 'client id sent to the brokers (their logs and quotas)', example: 'scoring-1' },
  { env: 'KAFKA_LOG_LEVEL', flag: 'kafka-log-level', kind: 'choice', choices: ['nothing', 'error', 'warn', 'info', 'debug'], default: 'warn', dial: true, doc: "kafkajs' own log lines at this level and above go to stderr", example: 'error' },
  { env: 'KAFKA_MAX_BATCH', flag: 'kafka-max-batch', kind: 'int', default: '2000', min: 1, max: 1e6, dial: true, doc: 'most messages handed to the pipeline at once (a slice); each slice is committed', example: '500' },
  { env: 'KAFKA_SLICES_IN_FLIGHT', flag: 'kafka-slices-in-flight', kind: 'int', default: '2', min: 1, max: 64, dial: true, doc: "slices of a partition scored before the earlier ones' writes are acknowledged (1: one at a time)", example: '1' },
  { env: 'KAFKA_IDLE_MS', flag: 'kafka-idle-ms', kind: 'int', default: '50', min: 0, max: 60000, dial: true, doc: 'longest wait (ms) for a caught-up partition with nothing fetched before the event-time merge goes on without it (counted; docs/STATE.md)', example: '200' },
  { env: 'KAFKA_FETCH_PARTITION_KB', flag: 'kafka-fetch-partition-kb', kind: 'int', default: '1024', min: 1, max: 1 << 20, dial: true, doc: 'most KiB fetched per partition per request', example: '2048' },
  { env: 'KAFKA_FETCH_MAX_KB', flag: 'kafka-fetch-max-kb', kind: 'int', default: '10240', min: 1, max: 1 << 20, dial: true, doc: 'most KiB per fetch response, all partitions together', example: '8192' },
  { env: 'KAFKA_FETCH_MIN_KB', flag: 'kafka-fetch-min-kb', kind: 'int', defaultText: '(unset: answered as soon as anything is there)', min: 1, max: 1 << 20, dial: true, doc: 'least KiB a fetch waits for (up to KAFKA_FETCH_MAX_WAIT_MS): fewer, larger batches at low rates', example: '64' },
  { env: 'KAFKA_FETCH_MAX_WAIT_MS', flag: 'kafka-fetch-max-wait-ms', kind: 'int', default: '1000', min: 1, max: 60000, dial: true, doc: 'longest a fetch waits at the broker for new messages (also how long a stop may wait for an idle fetch)', example: '100' },
  { env: 'KAFKA_TOPIC_SCORES', flag: 'kafka-topic-scores', kind: 'topic', default: 'streamscore.scores', dial: true, doc: 'output topic of the scores (empty: not written)', example: 'shop.scores' },
  { env: 'KAFKA_TOPIC_ALERTS_FRAUD', flag: 'kafka-topic-alerts-fraud', kind: 'topic', default: 'streamscore.alerts.fraud', dial: true, doc: 'output topic of the fraud alerts (empty: not written)', example: 'shop.alerts.fraud' },
  { env: 'KAFKA_TOPIC_ALERTS_STOCK', flag: 'kafka-topic-alerts-stock', kind: 'topic', default: 'streamscore.alerts.stock', dial: true, doc: 'output topic of the stock alerts (empty: not written)', example: 'shop.alerts.stock' },
  { env: 'KAFKA_TOPIC_FEATURES', flag: 'kafka-topic-features', kind: 'topic', default: 'streamscore.features', dial: true, doc: 'output topic of the feature log and labels (empty: not written)', example: 'shop.features' },
  { env: 'KAFKA_TOPIC_DEADLETTER', flag: 'kafka-topic-deadletter', kind: 'topic', default: 'streamscore.deadletter', dial: true, doc: 'output topic of the dead letters (empty: not written)', example: 'shop.deadletter' },
  { env: 'KAFKA_COMPRESSION', flag: 'kafka-compression', kind: 'choice', choices: ['none', 'gzip'], default: 'none', dial: true, doc: 'compression of the output topics', example: 'gzip' },
  { env: 'REDIS_KEY_PREFIX', flag: 'redis-key-prefix', kind: 'string', default: 'streamscore:', dial: true, doc: 'prefix of every Redis key (docs/REDIS.md)', example: 'shop:' },
  { env: 'REDIS_TTL_SECONDS', flag: 'redis-ttl-seconds', kind: 'int', default: '3600', min: 1, max: 1e9, dial: true, doc: 'time to live of the values in Redis', example: '600' },
  { env: 'REDIS_BUFFER_MAX_ENTRIES', flag: 'redis-buffer-max-entries', kind: 'int', default: '100000', min: 1, max: 1e9, dial: true, doc: 'writes held while Redis is unreachable, at most (then the oldest are dropped and counted)', example: '5000' },
  { env: 'REDIS_BUFFER_MAX_MB', flag: 'redis-buffer-max-mb', kind: 'int', default: '64', min: 1, max: 65536, dial: true, doc: 'MiB of writes held while Redis is unreachable, at most', example: '16' },
  { env: 'INVENTORY_PERIOD', flag: 'inventory-period', kind: 'choice', choices: ['hour', 'day', 'week'], default: 'day', dial: true, doc: 'sales are summed per hour | day | week for the demand forecasts', example: 'week' },
  { env: 'INVENTORY_LEAD_TIME_DAYS', flag: 'inventory-lead-time', kind: 'number', default: '7', min: 0, max: 3650, dial: true, doc: 'lead time (days) of SKUs whose stock events give none', example: '3' },
  { env: 'INVENTORY_REORDER_POINT', flag: 'inventory-reorder-point', kind: 'number', default: '0', min: 0, max: 1e12, dial: true, doc: 'reorder point (units) of SKUs whose stock events give none (0: runout alerts only)', example: '20' },
  { env: 'INVENTORY_REFIT_PERIODS', flag: 'inventory-refit-periods', kind: 'int', default: '7', min: 1, max: 1e6, dial: true, doc: "closed periods between refits of a SKU's demand model (sooner when its errors drift)", example: '14' },
  { env: 'RECS_WEIGHTS', flag: 'recs-weights', kind: 'list', default: '1,2,4', dial: true, doc: "interaction weights: view,cart,purchase (a user's strength on an item is its strongest)", example: '1,1,3' },
  { env: 'RECS_SESSION_GAP_MINUTES', flag: 'recs-session-gap', kind: 'number', default: '30', min: Number.MIN_VALUE, max: 1e6, dial: true, doc: "inactivity (minutes) that closes a user's session", example: '10' },
  { env: 'RECS_NEIGHBOURS', flag: 'recs-neighbours', kind: 'int', default: '100', min: 1, max: 1000, dial: true, doc: 'neighbours kept per item (K)', example: '50' },
  { env: 'RECS_MAX_PAIRS', flag: 'recs-max-pairs', kind: 'int', default: '4000000', min: 1024, max: 1e9, dial: true, doc: 'item pairs held at most (32 bytes each at the cap); the rarest are pruned', example: '100000' },
  { env: 'RECS_MAX_HISTORY', flag: 'recs-max-history', kind: 'int', default: '100', min: 1, max: 10000, dial: true, doc: 'distinct items remembered per user (co-occurrence partners, profile, exclusions)', example: '50' },
  { env: 'RECS_SIMILARITY', flag: 'recs-similarity', kind: 'choice', choices: ['cosine', 'jaccard'], default: 'cosine', dial: true, doc: 'item similarity: cosine | jaccard', example: 'jaccard' },
  { env: 'RECS_EXCLUDE', flag: 'recs-exclude', kind: 'choice', choices: ['seen', 'bought', 'none'], default: 'seen', dial: true, doc: 'items never recommended to a user: seen | bought | none', example: 'bought' },
  { env: 'RECS_HALF_LIFE_HOURS', flag: 'recs-half-life', kind: 'number', default: '0', min: 0, max: 1e9, dial: true, doc: 'half-life (hours) of co-occurrence counts (0: no decay)', example: '48' },
  { env: 'RECS_ITEM_REFRESH_SECONDS', flag: 'recs-item-refresh', kind: 'number', default: '60', min: 0, max: 1e6, dial: true, doc: "least time between two pushes of one item's similar-items list", example: '30' },
  { env: 'RECS_USER_REFRESH_MS', flag: 'recs-user-refresh-ms', kind: 'number', default: '2000', min: 0, max: 3_600_000, dial: true, doc: "least time (ms) between two pushes of one user's list; changes meanwhile are pushed once it has passed (0: every batch)", example: '500' },
];

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logLevel: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  maxBatchMessages: number;
  maxSlicesInFlight: number;
  /** Longest wait (ms) for a caught-up, empty partition before the event-time merge goes on without it. */
  idleMs: number;
  /** Bytes; undefined: kafkajs' own default. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  minBytes?: number;
  maxWaitTimeInMs: number;
  compression: 'none' | 'gzip';
  /** Output topics; null: not written. */
  outputs: { scores: string | null; fraudAlerts: string | null; stockAlerts: string | null; features: string | null; deadLetters: string | null };
}

export interface RedisSettings {
  url: string;
  keyPrefix: string;
  ttlMs: number;
  maxBufferedEntries: number;
  maxBufferedBytes: number;
}

export interface ServeConfig {
  port: number;
  bindAddress: string;
  /** simulate | file:PATH | kafka */
  source: string;
  /** Simulated events per second. */
  rate: number;
  /** A file source's pace when --rate / SIM_RATE was given; else as fast as it goes. */
  fileRate: number | null;
  seed: number;
  /** Service mode's Kafka, null in embedded mode. */
  kafka: KafkaSettings | null;
  /** Redis, null for the in-memory store. */
  redis: RedisSettings | null;
  apiToken: string | null;
  fraudModel: string;
  reviewThreshold: number;
  blockThreshold: number;
  ipCountry: string | null;
  featureLog: string | null;
  deadLetterFile: string;
  /** Checkpoints (docs/STATE.md): their directory, the seconds between two (0: off), and whether to delete them first (--reset-state). */
  state: { dir: string; topic: string | null; intervalSeconds: number; reset: boolean };
  /** Seconds between checks of the model file for a new version; 0 turns hot reload off. */
  modelPollSeconds: number;
  /** The jobs beside fraud. */
  jobs: { inventory: boolean; recs: boolean };
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
  };
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function setting(flag: string): Setting {
  const s = SETTINGS.find((x) => x.flag === flag);
  if (s === undefined) throw new Error(`no setting --${flag}`);
  return s;
}

function bad(s: Setting, raw: string, want: string): UsageError {
  return new UsageError(`serve: ${s.env} / --${s.flag} must be ${want}, got "${raw}"`);
}

/** What a setting takes, in words (for errors and --help). */
function wants(s: Setting): string {
  switch (s.kind) {
    case 'bool':
      return 'true or false (1/0, yes/no, on/off)';
    case 'choice':
      return `one of ${s.choices!.join(', ')}`;
    case 'int':
      return `a whole number in [${s.min}, ${s.max}]`;
    case 'number':
      return s.min === Number.MIN_VALUE ? `a number > 0 and <= ${s.max}` : `a number in [${s.min}, ${s.max}]`;
    default:
      return 'text';
  }
}

/**
 * Reads settings from flags (parsed by the CLI) over environment variables
 * over defaults. `flags` holds raw strings keyed by flag name.
 */
export class SettingsReader {
  constructor(
    private readonly flags: Readonly<Record<string, string | undefined>>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The raw value given, or undefined (an empty variable is unset, except a topic's, where empty means "not written"). */
  raw(flag: string): string | undefined {
    const s = setting(flag);
    const v = this.flags[flag] ?? this.env[s.env];
    if (v === undefined) return undefined;
    if (v.trim() === '' && s.kind !== 'topic') return undefined;
    return v.trim();
  }

  /** Given explicitly (flag or variable)? */
  given(flag: string): boolean {
    return this.raw(flag) !== undefined;
  }

  private value(flag: string): { s: Setting; v: string | undefined } {
    const s = setting(flag);
    return { s, v: this.raw(flag) ?? s.default };
  }

  num(flag: string): number {
    const { s, v } = this.value(flag);
    if (v === undefined) throw new Error(`--${flag} has no default`);
    return this.parseNum(s, v);
  }

  numOrNull(flag: string): number | null {
    const { s, v } = this.value(flag);
    return v === undefined ? null : this.parseNum(s, v);
  }

  private parseNum(s: Setting, v: string): number {
    const x = Number(v);
    if (v === '' || !Number.isFinite(x) || (s.kind === 'int' && !Number.isInteger(x)) || x < s.min! || x > s.max!) throw bad(s, v, wants(s));
    return x;
  }

  bool(flag: string): boolean {
    const { s, v } = this.value(flag);
    const t = (v ?? 'false').toLowerCase();
    if (TRUE.includes(t)) return true;
    if (FALSE.includes(t)) return false;
    throw bad(s, v!, wants(s));
  }

  str(flag: string): string | null {
    return this.value(flag).v ?? null;
  }

  choice<T extends string>(flag: string): T {
    const { s, v } = this.value(flag);
    if (!s.choices!.includes(v!)) throw bad(s, v!, wants(s));
    return v as T;
  }

  list(flag: string): string[] {
    return (this.value(flag).v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  }

  /** A topic: its name, or null when set empty. */
  topic(flag: string): string | null {
    const v = this.value(flag).v;
    return v === undefined || v === '' ? null : v;
  }
}

/** Builds the configuration from flags over environment variables over defaults. */
export function serveConfig(flags: Readonly<Record<string, string | undefined>>, env: NodeJS.ProcessEnv = process.env, root = '.'): ServeConfig {
  const r = new SettingsReader(flags, env);
  const brokers = r.list('kafka-brokers');
  const source = r.str('source') ?? (brokers.length > 0 ? 'kafka' : 'simulate');
  if (source !== 'simulate' && source !== 'kafka' && !source.startsWith('file:')) {
    throw new UsageError(`serve: SOURCE / --source must be simulate, file:PATH or kafka, got "${source}"`);
  }
  if (source === 'kafka' && brokers.length === 0) throw new UsageError('serve: --source kafka needs KAFKA_BROKERS / --kafka-brokers');
  const review = r.num('review-threshold');
  const block = r.num('block-threshold');
  if (block < review) throw new UsageError(`serve: the block threshold (${block}) is below the review threshold (${review})`);
  const jobs = r.list('jobs');
  for (const j of jobs) if (j !== 'inventory' && j !== 'recs' && j !== 'none') throw bad(setting('jobs'), jobs.join(','), 'a list of inventory, recs, or none');
  const redisUrl = r.str('redis-url');
  return {
    port: r.num('port'),
    bindAddress: r.str('bind')!,
    source,
    rate: r.num('rate'),
    fileRate: r.given('rate') ? r.num('rate') : null,
    seed: r.num('seed'),
    kafka: brokers.length === 0 ? null : kafkaSettings(r, brokers),
    redis:
      redisUrl === null
        ? null
        : {
            url: redisUrl,
            keyPrefix: r.str('redis-key-prefix')!,
            ttlMs: r.num('redis-ttl-seconds') * 1000,
            maxBufferedEntries: r.num('redis-buffer-max-entries'),
            maxBufferedBytes: r.num('redis-buffer-max-mb') * 1024 * 1024,
          },
    apiToken: r.str('api-token'),
    fraudModel: r.given('fraud-model') ? r.str('fraud-model')! : `${root}/${setting('fraud-model').default}`,
    reviewThreshold: review,
    blockThreshold: block,
    ipCountry: r.str('ip-country'),
    featureLog: r.str('feature-log'),
    deadLetterFile: r.str('dead-letter-file')!,
    state: { dir: r.str('state-dir')!, topic: r.str('state-topic'), intervalSeconds: r.num('checkpoint-interval'), reset: flags['reset-state'] === 'true' },
    modelPollSeconds: r.num('model-poll-seconds'),
    jobs: { inventory: jobs.includes('inventory'), recs: jobs.includes('recs') },
    inventoryPeriod: r.choice('inventory-period'),
    inventoryLeadTimeDays: r.num('inventory-lead-time'),
    inventoryReorderPoint: r.num('inventory-reorder-point'),
    inventoryRefitPeriods: r.num('inventory-refit-periods'),
    recs: recsSettings(r),
  };
}

function kafkaSettings(r: SettingsReader, brokers: string[]): KafkaSettings {
  const kb = (flag: string) => {
    const v = r.given(flag) ? r.num(flag) : null;
    return v === null ? undefined : v * 1024;
  };
  return {
    brokers,
    clientId: r.str('kafka-client-id')!,
    logLevel: r.choice('kafka-log-level'),
    groupId: r.str('kafka-group')!,
    topics: r.list('kafka-topic'),
    fromBeginning: r.bool('kafka-from-beginning'),
    maxBatchMessages: r.num('kafka-max-batch'),
    maxSlicesInFlight: r.num('kafka-slices-in-flight'),
    idleMs: r.num('kafka-idle-ms'),
    // Unset: kafkajs' own defaults (the documented ones).
    maxBytesPerPartition: kb('kafka-fetch-partition-kb'),
    maxBytes: kb('kafka-fetch-max-kb'),
    minBytes: kb('kafka-fetch-min-kb'),
    maxWaitTimeInMs: r.num('kafka-fetch-max-wait-ms'),
    compression: r.choice('kafka-compression'),
    outputs: {
      scores: r.topic('kafka-topic-scores'),
      fraudAlerts: r.topic('kafka-topic-alerts-fraud'),
      stockAlerts: r.topic('kafka-topic-alerts-stock'),
      features: r.topic('kafka-topic-features'),
      deadLetters: r.topic('kafka-topic-deadletter'),
    },
  };
}

function recsSettings(r: SettingsReader): ServeConfig['recs'] {
  const raw = r.list('recs-weights');
  const weights = raw.map(Number);
  if (weights.length !== 3 || weights.some((w) => !(w > 0 && w <= 1e6))) {
    throw bad(setting('recs-weights'), raw.join(','), 'three weights > 0 (view,cart,purchase)');
  }
  return {
    viewWeight: weights[0]!,
    cartWeight: weights[1]!,
    purchaseWeight: weights[2]!,
    sessionGapMs: r.num('recs-session-gap') * 60_000,
    neighbours: r.num('recs-neighbours'),
    maxPairs: r.num('recs-max-pairs'),
    maxHistory: r.num('recs-max-history'),
    similarity: r.choice('recs-similarity'),
    exclude: r.choice('recs-exclude'),
    halfLifeMs: r.num('recs-half-life') * 3_600_000,
    itemRefreshMs: r.num('recs-item-refresh') * 1000,
    userRefreshMs: r.num('recs-user-refresh-ms'),
  };
}

const defaultOf = (s: Setting) => s.defaultText ?? s.default ?? '(unset)';
const cell = (t: string) => t.replace(/\|/g, '\\|');

/** Every setting's lines in SETTINGS order, with `dialsHeading` once before the first tuning dial. */
function everySetting(dialsHeading: string[], lines: (s: Setting) => string[]): string[] {
  const out: string[] = [];
  let dials = false;
  for (const s of SETTINGS) {
    if ((s.dial ?? false) && !dials) {
      dials = true;
      out.push(...dialsHeading);
    }
    out.push(...lines(s));
  }
  return out;
}

/** The Markdown table of the user settings (dials: false) or the tuning dials (true). */
export function settingsTable(dials: boolean): string {
  const rows = SETTINGS.filter((s) => (s.dial ?? false) === dials).map((s) => `| \`${s.env}\` | \`--${s.flag}\` | ${cell(defaultOf(s))} | ${cell(s.doc)} |`);
  return ['| variable | flag | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

/** .env.example: every setting with its default, the dials after the user settings. */
export function envExample(): string {
  const out = [
    '# streamscore serve: every setting, with its default (or an example where it has',
    '# none). Copy to .env and set the lines you need, or export them. Flags (--port,',
    '# --source, ...) override these. Generated from host/serve/config.ts (npm run',
    '# gen:settings); the tuning dials are explained in docs/CONFIGURATION.md.',
  ];
  // Commented out: a copy of this file changes nothing until a line is set.
  out.push(...everySetting(['', '# ---- tuning dials ----'], (s) => ['', `# ${s.doc} (--${s.flag}; default ${defaultOf(s)})`, `# ${s.env}=${s.default ?? s.example}`]));
  return out.join('\n') + '\n';
}

/** `serve --help`: every option with its variable and default. */
export function serveHelp(): string {
  const lines = [
    'usage: streamscore serve [options]',
    '',
    'The service: events in (simulator, NDJSON file or Kafka), fraud scores,',
    'recommendations, inventory forecasts and alerts out (Redis or memory, Kafka,',
    'WebSocket), the API and dashboard on PORT. Every option is also an',
    'environment variable; the flag wins. Tuning dials: docs/CONFIGURATION.md.',
    '',
    'options:',
    '  --reset-state',
    '      delete the checkpoints in STATE_DIR and start with empty state (docs/STATE.md)',
  ];
  lines.push(
    ...everySetting(['', 'tuning dials:'], (s) => {
      const arg = s.kind === 'bool' ? 'true|false' : s.kind === 'choice' ? s.choices!.join('|') : s.kind.toUpperCase();
      return [`  --${s.flag} ${arg}`, `      ${s.doc}`, `      ${s.env}; default ${defaultOf(s)}${s.kind === 'int' || s.kind === 'number' ? `; ${wants(s)}` : ''}`];
    }),
  );
  return lines.join('\n') + '\n';
}
