// Starts the real server on a free loopback port with the stand-in scoring, a
// real in-memory store and real prom-client metrics, for the server's tests.

import { createServer, type Server, type ServerOptions } from '../../host/serve/server.js';
import { createMetrics, type Metrics } from '../../host/serve/metrics.js';
import { createInstrumentation, type Instrumentation } from '../../host/core/instrumentation.js';
import { createMemoryStore, type MemoryStore } from '../../host/serve/memory-store.js';
import { createStandInScoring } from './stand-in-scoring.js';

export interface TestServer {
  server: Server;
  store: MemoryStore;
  metrics: Metrics;
  instrumentation: Instrumentation;
  url: string;
  wsUrl: string;
  close(): void;
}

/** A running server; options override the defaults. Close it in afterAll. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const instrumentation = options.instrumentation ?? createInstrumentation();
  const store = createMemoryStore();
  const metrics = createMetrics(instrumentation);
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    scoring: createStandInScoring(),
    store,
    metrics,
    instrumentation,
    ...options,
  });
  return {
    server,
    store,
    metrics,
    instrumentation,
    url: `http://127.0.0.1:${server.port}`,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    close() {
      server.close();
      store.close();
      metrics.close();
    },
  };
}

/** A valid purchase event. */
export function purchase(eventId: string, amount: number, extra: Record<string, unknown> = {}) {
  return { eventId, type: 'purchase', ts: Date.now(), userId: 'u1', amount, ...extra };
}
