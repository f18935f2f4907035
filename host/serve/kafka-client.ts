// The kafkajs client the Kafka source and the Kafka sink share: brokers and
// client id from options or the environment, and kafkajs' own log lines
// (JSON, one per line) sent to stderr at a chosen level instead of stdout.

import { connect } from 'node:net';
import { Kafka, logLevel as LEVEL, type LogEntry } from 'kafkajs';
import { UsageError } from '../core/errors.js';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  /** host:port of one or more brokers (the rest are discovered). */
  brokers: string[];
  /** Sent to the brokers with every request; shows in their logs and quotas (default `streamscore`). */
  clientId?: string;
  /** kafkajs' own log lines at this level and above go to `log` (default `warn`; KAFKAJS_LOG_LEVEL overrides, as in kafkajs). */
  logLevel?: KafkaLogLevel;
  /** Where kafkajs' log lines go (default: stderr). */
  log?: (line: string) => void;
}

const LEVELS: Record<KafkaLogLevel, LEVEL> = {
  nothing: LEVEL.NOTHING,
  error: LEVEL.ERROR,
  warn: LEVEL.WARN,
  info: LEVEL.INFO,
  debug: LEVEL.DEBUG,
};

// kafkajs warns about this on every start of an idempotent producer with
// finite retries. The Kafka sink limits them on purpose (a write that keeps
// failing must reach the source, which then re-reads its batch): see
// host/serve/kafka-sink.ts.
const SILENCED = /^Limiting retries for the idempotent producer/;

/** Creates a kafkajs client. Called once per Kafka source or sink. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  if (options.brokers.length === 0) throw new UsageError('no Kafka brokers given (KAFKA_BROKERS=host:port,...)');
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  return new Kafka({
    clientId: options.clientId ?? 'streamscore',
    brokers: options.brokers,
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: (level) => (entry: LogEntry) => {
      if (SILENCED.test(entry.log.message)) return;
      // kafkajs logs every error response of the protocol at ERROR, also the
      // ones it handles itself ("The group is rebalancing, so a rejoin is
      // needed" on each rebalance): shown at debug only. What it cannot
      // handle is logged again by the consumer or producer, or thrown.
      if (entry.namespace === 'Connection' && entry.log.message.startsWith('Response ') && level < LEVEL.DEBUG) return;
      const prefix = entry.namespace ? `[${entry.namespace}] ` : '';
      log(JSON.stringify({ level: entry.label, ...entry.log, message: prefix + entry.log.message }));
    },
  });
}

/**
 * Whether any of the brokers accepts a TCP connection, checked at most once a
 * second (answers in between are the last one's). For /ready: a sink or a
 * source with nothing to write or read would otherwise look healthy while
 * the broker is down.
 */
export function brokerProbe(brokers: readonly string[], timeoutMs = 1000): () => Promise<{ ok: boolean; detail?: string }> {
  let last: { at: number; answer: Promise<{ ok: boolean; detail?: string }> } | null = null;
  const one = (broker: string) =>
    new Promise<boolean>((resolve) => {
      const at = broker.lastIndexOf(':');
      const socket = connect({ host: broker.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(broker.slice(at + 1)) });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  return () => {
    if (last === null || Date.now() - last.at >= 1000) {
      last = {
        at: Date.now(),
        answer: Promise.all(brokers.map(one)).then((up) =>
          up.some(Boolean) ? { ok: true } : { ok: false, detail: `no Kafka broker answers (${brokers.join(', ')})` },
        ),
      };
    }
    return last.answer;
  };
}
