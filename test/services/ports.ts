// Free loopback ports for the services the tests start.

import { createServer, type Server } from 'node:net';

/**
 * Returns `count` distinct ports that were free on 127.0.0.1 a moment ago.
 * Called once per service start. All listeners are held open until every
 * port is chosen, so the ports differ from one another; another process can
 * still take one before the service binds it, which the callers survive by
 * failing loudly (the service's log says "Address already in use").
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
