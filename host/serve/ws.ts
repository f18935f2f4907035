// WebSocket /ws: request/response scoring and alert subscriptions.
//
//   -> {"op":"score","id":"r1","events":[...]}       <- {"op":"scores","id":"r1","results":[...]}
//   -> {"op":"subscribe","topics":["alerts.fraud"]}  <- {"op":"subscribed","topics":[...]}
//   -> {"op":"unsubscribe","topics":[...]}           <- {"op":"unsubscribed","topics":[...]}
//   <- {"op":"alert","alert":{...}}   <- {"op":"stats","stats":{...}}
//   <- {"op":"error","id":"r1"|null,"code":"...","error":"..."}
//
// Messages are JSON text, in text or binary frames; bad encoding, nesting or
// JSON is an error answer (host/serve/body.ts) and the connection stays.
//
// Alerts and stats go out through uWS pub/sub topics. Backpressure: a client
// that does not read is closed once more than maxBackpressure bytes wait for
// it (checked before every answer and after every publish), so memory per
// connection is bounded by that plus one message.

import { StreamscoreError } from '../core/errors.js';
import type { TemplatedApp, WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import type { Instrumentation } from '../core/instrumentation.js';
import { writeResults, type ScoreBatcher } from './score-batcher.js';
import { CHALLENGE, type Authorize } from './auth.js';
import { decodeJson } from './body.js';

/** The topics a client may subscribe to. */
export const TOPICS = ['alerts.fraud', 'alerts.stock', 'stats'] as const;
export type Topic = (typeof TOPICS)[number];

export interface WsDeps {
  batcher: ScoreBatcher;
  authorize: Authorize;
  maxPayloadBytes: number;
  maxEventsPerRequest: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
  instrumentation: Instrumentation;
}

interface Client {
  closed: boolean;
}

export interface WsRoute {
  /** Publishes to a topic's subscribers, then drops those it left too far behind. */
  publish(topic: Topic, text: string): void;
  /** Closes every open WebSocket. Called by Server.close. */
  closeAll(): void;
  /** Open connections. */
  readonly size: number;
}

type Id = string | number | null;

function requestId(v: unknown): Id {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
}

/** Registers /ws on `app`. Called once by createServer. */
export function registerWs(app: TemplatedApp, deps: WsDeps): WsRoute {
  const { instrumentation } = deps;
  const open = new Set<WebSocket<Client>>();
  const subscribers = new Map<Topic, Set<WebSocket<Client>>>(TOPICS.map((t) => [t, new Set()]));
  const limit = deps.maxBackpressureBytes;

  const drop = (ws: WebSocket<Client>) => {
    const client = ws.getUserData();
    if (client.closed) return;
    instrumentation.emit('ws.backpressure.drop', { bufferedBytes: ws.getBufferedAmount() });
    // close(), not end(): a close frame would only queue behind what it does not read.
    ws.close();
  };

  /** Sends unless the client is too far behind, in which case it is dropped. */
  const sendNow = (ws: WebSocket<Client>, text: string | Uint8Array): void => {
    if (ws.getUserData().closed) return;
    if (ws.getBufferedAmount() > limit) return drop(ws);
    if (ws.send(text) === 2) drop(ws);
  };

  // Answers given after a uWS callback (the batcher's, at the end of the
  // turn) wait here, per connection in order, and go out together once the
  // batcher is done: one corked write per connection a turn, not one per
  // answer.
  // (A closed WebSocket may not be touched: its Client says whether it is.)
  // A text may be a view of the batcher's answers buffer: it is sent before the next turn's flush reuses it.
  let outbox = new Map<WebSocket<Client>, { client: Client; texts: (string | Uint8Array)[] }>();
  const flushOutbox = (): void => {
    const boxes = outbox;
    outbox = new Map();
    for (const [ws, { client, texts }] of boxes) {
      if (client.closed) continue;
      ws.cork(() => {
        for (const t of texts) sendNow(ws, t);
      });
    }
  };
  const sendLater = (ws: WebSocket<Client>, client: Client, text: string | Uint8Array): void => {
    if (client.closed) return;
    if (outbox.size === 0) queueMicrotask(flushOutbox);
    const box = outbox.get(ws);
    if (box) box.texts.push(text);
    else outbox.set(ws, { client, texts: [text] });
  };

  /** Answers a request: now, or after the scoring requests still queued, so answers keep request order. */
  const send = (ws: WebSocket<Client>, text: string): void => {
    if (!deps.batcher.busy) return sendNow(ws, text);
    const client = ws.getUserData();
    deps.batcher.after(() => sendLater(ws, client, text));
  };

  const error = (ws: WebSocket<Client>, id: Id, code: string, message: string) =>
    send(ws, JSON.stringify({ op: 'error', id, code, error: message }));

  const topicsOf = (ws: WebSocket<Client>, id: Id, v: unknown): Topic[] | null => {
    if (!Array.isArray(v) || v.length === 0) {
      error(ws, id, 'bad_request', `topics must be a non-empty array of ${TOPICS.join(', ')}`);
      return null;
    }
    const bad = v.find((t) => !(TOPICS as readonly unknown[]).includes(t));
    if (bad !== undefined) {
      error(ws, id, 'unknown_topic', `unknown topic ${JSON.stringify(bad)}; topics are ${TOPICS.join(', ')}`);
      return null;
    }
    return v as Topic[];
  };

  const onMessage = (ws: WebSocket<Client>, data: ArrayBuffer) => {
    // Binary frames are read as UTF-8 JSON too: a client whose text may not
    // be valid UTF-8 gets an error answer for it. (A text frame that is not
    // UTF-8 fails the connection: RFC 6455 8.1 requires it, and uWS does it
    // before the message reaches here.)
    const decoded = decodeJson(data, 'message');
    if (!decoded.ok) return error(ws, null, decoded.code, decoded.message);
    const msg = decoded.value as { op?: unknown; id?: unknown; events?: unknown; topics?: unknown };
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return error(ws, null, 'bad_request', 'message must be a JSON object with an "op"');
    const id = requestId(msg.id);
    switch (msg.op) {
      case 'score': {
        const events = msg.events;
        if (!Array.isArray(events)) return error(ws, id, 'bad_request', '"events" must be an array of events');
        if (events.length > deps.maxEventsPerRequest) {
          return error(ws, id, 'too_many_events', `at most ${deps.maxEventsPerRequest} events per request, got ${events.length}`);
        }
        // Scored with the other requests of this turn (ScoreBatcher); the
        // answer goes out after this callback (sendLater), and only if the
        // client is still there.
        const client = ws.getUserData();
        deps.batcher.submit(events, (answer) => {
          if (client.closed) return;
          if (answer instanceof Error) {
            const retry = answer instanceof StreamscoreError && answer.retriable;
            sendLater(ws, client, JSON.stringify({ op: 'error', id, code: retry ? 'unavailable' : 'internal', error: retry ? answer.message : `scoring failed: ${answer.message}` }));
          }
          else {
            const w = deps.batcher.answers;
            const at = w.pos;
            w.ascii('{"op":"scores","id":');
            w.utf8(JSON.stringify(id));
            w.ascii(',"results":');
            writeResults(w, answer);
            w.ascii('}');
            sendLater(ws, client, w.since(at));
          }
        });
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        const topics = topicsOf(ws, id, msg.topics);
        if (topics === null) return;
        for (const t of topics) {
          if (msg.op === 'subscribe') {
            ws.subscribe(t);
            subscribers.get(t)!.add(ws);
          } else {
            ws.unsubscribe(t);
            subscribers.get(t)!.delete(ws);
          }
        }
        return send(ws, JSON.stringify({ op: `${msg.op}d`, id, topics: ws.getTopics() }));
      }
      default:
        return error(ws, id, 'unknown_op', `unknown op ${JSON.stringify(msg.op)}; ops are score, subscribe, unsubscribe`);
    }
  };

  const behavior: WebSocketBehavior<Client> = {
    maxPayloadLength: deps.maxPayloadBytes,
    maxBackpressure: limit,
    // uWS' own check on publish: a subscriber past maxBackpressure is shut down.
    closeOnBackpressureLimit: 1,
    idleTimeout: deps.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      if (!deps.authorize(req.getHeader('authorization'), req.getQuery('access_token'))) {
        res.cork(() => {
          res
            .writeStatus('401 Unauthorized')
            .writeHeader('WWW-Authenticate', CHALLENGE)
            .writeHeader('Content-Type', 'application/json; charset=utf-8')
            .end(JSON.stringify({ error: 'unauthorized', message: 'a valid bearer token is required (Authorization header or access_token query parameter)' }));
        });
        return;
      }
      res.upgrade<Client>(
        { closed: false },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      open.add(ws);
      instrumentation.emit('ws.connection', { open: true });
    },
    message: onMessage,
    close: (ws) => {
      ws.getUserData().closed = true;
      open.delete(ws);
      for (const set of subscribers.values()) set.delete(ws);
      instrumentation.emit('ws.connection', { open: false });
    },
  };
  app.ws<Client>('/ws', behavior);

  // Once a second, drop any client left too far behind (a backstop: sends
  // and publishes check as they go).
  const sweep = setInterval(() => {
    for (const ws of open) if (ws.getBufferedAmount() > limit) drop(ws);
  }, 1000);
  sweep.unref();

  return {
    publish(topic, text) {
      app.publish(topic, text);
      // uWS skips a subscriber past maxBackpressure and, with
      // closeOnBackpressureLimit, shuts it down later; closing it here frees
      // its buffer now and counts the drop. Subscribers are few (dashboards).
      for (const ws of subscribers.get(topic)!) if (ws.getBufferedAmount() > limit) drop(ws);
    },
    closeAll() {
      clearInterval(sweep);
      for (const ws of [...open]) ws.close();
    },
    get size() {
      return open.size;
    },
  };
}
