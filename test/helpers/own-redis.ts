// A redis-server of a test's own, on a fixed free port, that the test can
// stop and start again on that same port (the shared one from
// test/services/ must stay up for the other tests).

import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePorts } from '../services/ports.js';
import { spawnGroup, stopGroup, waitUntil } from '../services/process-group.js';
import { ensureRedisServer } from '../services/redis.js';

export interface OwnRedis {
  url: string;
  port: number;
  /** Starts the server (again), waiting until it answers PING. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM; its data is gone: persistence is off). */
  stop(): Promise<void>;
  /** Stops it and removes its temp dir. */
  dispose(): Promise<void>;
}

export async function ownRedis(): Promise<OwnRedis> {
  const bin = await ensureRedisServer(() => {});
  const port = (await freePorts(1))[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-own-redis-'));
  let child: ChildProcess | null = null;

  const start = async () => {
    const out = openSync(join(dir, 'stdout.log'), 'a');
    const c = spawnGroup(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log'), '--daemonize', 'no'],
      { stdio: ['ignore', out, out] },
      dir,
    );
    closeSync(out);
    child = c;
    await waitUntil('own redis-server', c, () => ping(port), 30_000);
  };
  const stop = async () => {
    if (child) await stopGroup(child);
    child = null;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ping(port: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}
