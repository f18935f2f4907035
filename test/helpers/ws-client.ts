// A WebSocket test client (the `ws` package) that queues JSON messages and
// waits for the first one matching a predicate.

import WebSocket from 'ws';

export interface JsonClient {
  socket: WebSocket;
  send(msg: unknown): void;
  /** The next received message (in arrival order) that matches; rejects after timeoutMs. */
  next<T = Record<string, unknown>>(match?: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Opens `url`; rejects with the HTTP status when the upgrade is refused. */
export function connect(url: string, headers: Record<string, string> = {}): Promise<JsonClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const queue: Record<string, unknown>[] = [];
    const waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
    socket.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      const i = waiters.findIndex((w) => w.match(m));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
      else queue.push(m);
    });
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        send: (msg) => socket.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
        next: <T>(match: (m: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000) =>
          new Promise<T>((res, rej) => {
            const i = queue.findIndex(match);
            if (i >= 0) return res(queue.splice(i, 1)[0] as T);
            const timer = setTimeout(() => rej(new Error('no matching message in time')), timeoutMs);
            waiters.push({ match, resolve: (m) => (clearTimeout(timer), res(m as T)) });
          }),
        close: () =>
          new Promise<void>((res) => {
            if (socket.readyState === WebSocket.CLOSED) return res();
            socket.once('close', () => res());
            socket.close();
          }),
      }),
    );
  });
}
