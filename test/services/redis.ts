// A real redis-server (Debian's package) for the integration tests, on a
// free loopback port with persistence off and its own temp dir.

import { existsSync, closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePorts } from './ports.js';
import { run, spawnGroup, stopGroup, waitUntil } from './process-group.js';

/** What to run by hand when redis-server is missing and we are not root. */
export const INSTALL_REDIS = 'sudo apt-get update && sudo apt-get install -y redis-server';

export interface RedisService {
  /** redis://127.0.0.1:<port> */
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Finds redis-server, installing Debian's package first when it is missing
 * and we are root (a fresh machine of this project's kind); otherwise fails
 * with the command to run.
 */
export async function ensureRedisServer(log: (line: string) => void): Promise<string> {
  const found = findRedisServer();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`redis-server is not installed (the integration tests need it). Run:\n  ${INSTALL_REDIS}`);
  }
  log("redis-server is missing: installing Debian's package with apt-get (first run only)");
  const options = {
    timeoutMs: 10 * 60_000,
    ifMissing: `apt-get is not here; install redis-server by hand`,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  // Waits for the dpkg lock rather than failing when another run is installing too.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  await run('apt-get', ['update', ...lock], options);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...lock, 'redis-server'], options);
  const installed = findRedisServer();
  if (!installed) throw new Error('apt-get installed redis-server but it is not on PATH or in /usr/bin');
  return installed;
}

/**
 * Starts redis-server on a free port and waits until it answers PING.
 * Called once per test run by the global setup.
 */
export async function startRedis(log: (line: string) => void): Promise<RedisService> {
  const bin = await ensureRedisServer(log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(bin, log);
    } catch (e) {
      if (attempt >= 3 || !/Address already in use/.test(String(e))) throw e;
    }
  }
}

async function startServer(bin: string, log: (line: string) => void): Promise<RedisService> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-redis-'));
  const port = (await freePorts(1))[0]!;
  const logFile = join(dir, 'redis.log');
  const out = openSync(join(dir, 'stdout.log'), 'a');
  const child = spawnGroup(bin, [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', logFile,
    '--daemonize', 'no',
  ], { stdio: ['ignore', out, out] }, dir);
  closeSync(out);

  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('redis-server', child, () => ping(port), 30_000);
  } catch (e) {
    const logText = await readFile(logFile, 'utf8').catch(() => '(no log)');
    await stop();
    throw new Error(`${String(e)}\n--- ${logFile}\n${logText.split('\n').slice(-20).join('\n')}`);
  }
  log(`redis-server ready on 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, logFile, stop };
}

async function ping(port: number): Promise<void> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
  } finally {
    client.disconnect();
  }
}

function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.filter(Boolean).map((d) => join(d, 'redis-server')).find((p) => existsSync(p));
}
