// The HTTP and WebSocket server (uWebSockets.js): the API of SPEC.md and the
// live dashboard, on one port. `serve` creates one; tests create one on port 0.

import type { MetricsSource } from './metrics.js';
import { createInstrumentation, type Instrumentation } from '../core/instrumentation.js';
import type { Alert, Readiness, Scoring, Store } from '../core/ports.js';
import { alertRecord } from '../core/records.js';
import { StreamscoreError } from '../core/errors.js';
import { ScoreBatcher } from './score-batcher.js';
import { createAuthorize } from './auth.js';
import { loadDashboard } from './dashboard.js';
import { registerHttp } from './http.js';
import { loadUws } from './native.js';
import { registerWs } from './ws.js';

/** uSockets' LIBUS_LISTEN_EXCLUSIVE_PORT. */
const EXCLUSIVE_PORT = 1;

export interface ServerOptions {
  /** Port to listen on; 0 picks a free one (read it back from Server.port). */
  port: number;
  /** Interface to listen on (default: all). */
  host?: string;
  scoring: Scoring;
  store: Store;
  /** What GET /ready reports (default: always ready). */
  readiness?: () => Readiness | Promise<Readiness>;
  /** What GET /metrics serves: a prom-client Registry or createMetrics(). */
  metrics: MetricsSource;
  /** When set, every route but /health and /metrics needs this bearer token. */
  apiToken?: string;
  /** Largest POST /v1/score body and WebSocket message (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most events in one scoring request (default 10,000). */
  maxEventsPerRequest?: number;
  /** Bytes that may wait for one slow WebSocket client before it is dropped (default 1 MiB). */
  maxBackpressureBytes?: number;
  /** Seconds without traffic before a WebSocket is closed; pings keep live ones open (default 120). */
  idleTimeoutSeconds?: number;
  /** Where the server reports requests and WebSocket drops (default: a private one). */
  instrumentation?: Instrumentation;
}

export interface Server {
  /** The port actually listened on. */
  readonly port: number;
  /** Sends an alert to the subscribers of its topic. Called by the pipeline per alert. */
  publish(alert: Alert): void;
  /** Sends live numbers to the "stats" subscribers. Called by `serve` about once a second. */
  publishStats(stats: unknown): void;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Stops listening and closes every connection. */
  close(): void;
}

/** Starts the server. Throws if uWS is not native or the port cannot be bound. */
export async function createServer(options: ServerOptions): Promise<Server> {
  const uws = loadUws();
  const instrumentation = options.instrumentation ?? createInstrumentation();
  const authorize = createAuthorize(options.apiToken);
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const maxEventsPerRequest = options.maxEventsPerRequest ?? 10_000;
  const app = uws.App();
  // One batcher for /ws and POST /v1/score: requests of one event-loop turn share a pipeline call.
  const batcher = new ScoreBatcher(options.scoring);

  // /ws first: the HTTP catch-all below must not see upgrades.
  const ws = registerWs(app, {
    batcher,
    authorize,
    maxPayloadBytes: maxBodyBytes,
    maxEventsPerRequest,
    maxBackpressureBytes: options.maxBackpressureBytes ?? 1 << 20,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 120,
    instrumentation,
  });
  registerHttp(app, {
    batcher,
    store: options.store,
    readiness: options.readiness ?? (() => ({ ready: true, checks: {} })),
    metrics: options.metrics,
    authorize,
    maxBodyBytes,
    maxEventsPerRequest,
    dashboardHtml: loadDashboard(),
    instrumentation,
  });

  const listenSocket = await new Promise<NonNullable<Parameters<typeof uws.us_listen_socket_close>[0]>>((resolve, reject) => {
    const done = (s: unknown) =>
      s ? resolve(s) : reject(new StreamscoreError(`cannot listen on ${options.host ?? '*'}:${options.port} (in use, or not allowed)`, { code: 'LISTEN_FAILED' }));
    // Exclusive: without it uWS sets SO_REUSEPORT and a second serve on the
    // same port would start and silently share the traffic.
    if (options.host === undefined) app.listen(options.port, EXCLUSIVE_PORT, done);
    else (app.listen as unknown as (h: string, p: number, o: number, cb: typeof done) => void)(options.host, options.port, EXCLUSIVE_PORT, done);
  });
  const port = uws.us_socket_local_port(listenSocket as never);
  let closed = false;

  return {
    port,
    publish(alert) {
      ws.publish(alert.topic, `{"op":"alert","alert":${alertRecord(alert)}}`);
    },
    publishStats(stats) {
      ws.publish('stats', JSON.stringify({ op: 'stats', stats }));
    },
    get connections() {
      return ws.size;
    },
    close() {
      if (closed) return;
      closed = true;
      uws.us_listen_socket_close(listenSocket);
      ws.closeAll();
      // Keep-alive HTTP connections too (native App.close, where the build has it).
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}
