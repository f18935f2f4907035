// The HTTP routes of SPEC.md: health, readiness, metrics, scoring, the
// recommendation and inventory reads, and the dashboard page. Every route but
// /health and /metrics is behind the optional bearer token.

import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { MetricsSource } from './metrics.js';
import type { Instrumentation } from '../core/instrumentation.js';
import type { Readiness, Recommendation, Store } from '../core/ports.js';
import { CHALLENGE, type Authorize } from './auth.js';
import { MAX_DRAIN_BYTES, readBody, Reply } from './respond.js';
import { decodeJson } from './body.js';
import { writeResults, scoreStatus, type ScoreBatcher } from './score-batcher.js';
import { StreamscoreError } from '../core/errors.js';

export interface HttpDeps {
  batcher: ScoreBatcher;
  store: Store;
  readiness: () => Readiness | Promise<Readiness>;
  metrics: MetricsSource;
  authorize: Authorize;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  dashboardHtml: string;
  instrumentation: Instrumentation;
}

const DEFAULT_K = 10;
export const MAX_K = 100;
// The page shows strings from events (user ids, reason texts): it writes them
// as text, and the policy allows only its own inline code and same-origin
// connections, should anything slip through.
const DASHBOARD_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};
const JSON_CONTENT = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/** k from the query string: absent means 10; otherwise an integer in [1, MAX_K], or null. */
export function parseK(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return DEFAULT_K;
  if (!/^\d{1,4}$/.test(raw)) return null;
  const k = Number(raw);
  return k >= 1 && k <= MAX_K ? k : null;
}

function decodeParam(raw: string): string | null {
  try {
    const s = decodeURIComponent(raw);
    return s.length === 0 || s.length > 256 ? null : s;
  } catch {
    return null;
  }
}

/** Registers the routes on `app`. Called once by createServer. */
export function registerHttp(app: TemplatedApp, deps: HttpDeps): void {
  const { instrumentation, authorize } = deps;

  /** Wraps a handler: the Reply, then the token check unless the route is public. */
  const route =
    (name: string, method: string, guarded: boolean, handler: (reply: Reply, req: HttpRequest) => void) =>
    (res: HttpResponse, req: HttpRequest) => {
      const reply = new Reply(res, name, method, instrumentation);
      if (guarded && !authorize(req.getHeader('authorization'), req.getQuery('access_token'))) {
        reply.error(401, 'unauthorized', 'a valid bearer token is required (Authorization: Bearer <API_TOKEN>)', { 'WWW-Authenticate': CHALLENGE });
        return;
      }
      handler(reply, req);
    };

  const notAllowed = (name: string, allow: string) =>
    route(name, 'other', false, (reply) => reply.error(405, 'method_not_allowed', `use ${allow}`, { Allow: allow }));

  /** Answers after an async read; errors become a 500 with the message. */
  const later = <T>(reply: Reply, work: Promise<T>, answer: (value: T) => void) => {
    reply.watchAbort();
    work.then(
      (value) => reply.open && answer(value),
      (e: unknown) => {
        // A store that is down for now (Redis unreachable) is a 503 the client may retry; anything else is a 500.
        if (e instanceof StreamscoreError && e.retriable) reply.error(503, 'unavailable', e.message, { 'Retry-After': '1' });
        else reply.error(500, 'internal', e instanceof Error ? e.message : String(e));
      },
    );
  };

  app.get('/health', route('/health', 'GET', false, (reply) => reply.json(200, { status: 'ok' })));

  app.get(
    '/ready',
    route('/ready', 'GET', true, (reply) => {
      later(reply, Promise.resolve().then(deps.readiness), (r) => reply.json(r.ready ? 200 : 503, r));
    }),
  );

  app.get(
    '/metrics',
    route('/metrics', 'GET', false, (reply) => {
      later(reply, deps.metrics.metrics(), (text) => reply.send(200, text, deps.metrics.contentType));
    }),
  );

  app.post(
    '/v1/score',
    route('/v1/score', 'POST', true, (reply, req) => {
      const type = req.getHeader('content-type');
      if (type !== '' && !JSON_CONTENT.test(type)) {
        reply.error(415, 'unsupported_media_type', `Content-Type must be application/json, got ${JSON.stringify(type)}`);
        return;
      }
      const tooLarge = () =>
        reply.error(413, 'payload_too_large', `request body is larger than ${deps.maxBodyBytes} bytes`, undefined, true);
      // A body past the limit is read to its end (and dropped) before the 413,
      // so the client, still sending, can read it; one too large even to
      // drop is answered at once.
      const length = Number(req.getHeader('content-length') || 0);
      if (length > MAX_DRAIN_BYTES) {
        tooLarge();
        return;
      }
      reply.watchAbort();
      readBody(reply, deps.maxBodyBytes, (body) => scoreBody(reply, body), tooLarge);
    }),
  );

  const scoreBody = (reply: Reply, body: Buffer) => {
    const decoded = decodeJson(body, 'request body');
    if (!decoded.ok) {
      reply.error(400, decoded.code, decoded.message);
      return;
    }
    const events = decoded.value;
    if (!Array.isArray(events)) {
      reply.error(400, 'not_an_array', 'request body must be a JSON array of events');
      return;
    }
    if (events.length > deps.maxEventsPerRequest) {
      reply.error(413, 'too_many_events', `at most ${deps.maxEventsPerRequest} events per request, got ${events.length}`);
      return;
    }
    // Scored with the other requests of this turn (ScoreBatcher); Reply corks
    // the late answer and drops it if the client went away.
    deps.batcher.submit(events, (answer) => {
      // A state being restored is a 503 the client may retry; anything else a 500.
      if (answer instanceof StreamscoreError && answer.retriable) reply.error(503, 'unavailable', answer.message, { 'Retry-After': '1' });
      else if (answer instanceof Error) reply.error(500, 'internal', `scoring failed: ${answer.message}`);
      else {
        const w = deps.batcher.answers;
        const at = w.pos;
        writeResults(w, answer);
        reply.send(scoreStatus(answer), w.since(at));
      }
    });
  };

  const listRoute = (pattern: string, read: (id: string, k: number) => Promise<Recommendation[] | null>, what: string) =>
    app.get(
      pattern,
      route(pattern, 'GET', true, (reply, req) => {
        const id = decodeParam(req.getParameter(0));
        const k = parseK(req.getQuery('k'));
        if (id === null) return reply.error(400, 'bad_request', 'the id in the path is empty, too long or badly encoded');
        if (k === null) return reply.error(400, 'bad_k', `k must be an integer from 1 to ${MAX_K}`);
        later(reply, read(id, k), (items) => {
          if (items === null) reply.error(404, 'not_found', `no ${what} for ${JSON.stringify(id)}`);
          else reply.json(200, { id, k, items });
        });
      }),
    );
  listRoute('/v1/recommendations/:userId', (id, k) => deps.store.recommendations(id, k), 'recommendations');
  listRoute('/v1/items/:itemId/similar', (id, k) => deps.store.similarItems(id, k), 'similar items');

  app.get(
    '/v1/inventory/:sku',
    route('/v1/inventory/:sku', 'GET', true, (reply, req) => {
      const sku = decodeParam(req.getParameter(0));
      if (sku === null) return reply.error(400, 'bad_request', 'the SKU in the path is empty, too long or badly encoded');
      later(reply, deps.store.inventory(sku), (state) => {
        if (state === null) reply.error(404, 'not_found', `no inventory state for SKU ${JSON.stringify(sku)}`);
        else reply.json(200, state);
      });
    }),
  );

  // /ws itself is registered by ws.ts; a plain GET (no upgrade) falls through to here.
  app.get('/ws', route('/ws', 'GET', true, (reply) => reply.error(426, 'upgrade_required', 'GET /ws is a WebSocket endpoint: connect with a WebSocket client', { Upgrade: 'websocket' })));

  app.get('/', route('/', 'GET', true, (reply) => reply.send(200, deps.dashboardHtml, 'text/html; charset=utf-8', DASHBOARD_HEADERS)));

  // A known path with the wrong method is a 405 naming the right one.
  for (const [pattern, allow] of [
    ['/health', 'GET'],
    ['/ready', 'GET'],
    ['/metrics', 'GET'],
    ['/v1/score', 'POST'],
    ['/v1/recommendations/:userId', 'GET'],
    ['/v1/items/:itemId/similar', 'GET'],
    ['/v1/inventory/:sku', 'GET'],
    ['/', 'GET'],
  ] as const) {
    app.any(pattern, notAllowed(pattern, allow));
  }
  app.any('/*', route('unknown', 'other', true, (reply) => reply.error(404, 'not_found', 'no such endpoint; see docs/API.md')));
}
