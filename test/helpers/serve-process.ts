// Runs `streamscore serve` as a child process, as a user would, and reads
// its port from the start-up line.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  base: string;
  /** Everything written to stderr so far. */
  log(): string;
  /** SIGTERM (SIGKILL if it has not exited within killAfterMs), then the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeProcessOptions {
  /** Node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  cwd?: string;
  /** Inherited variables to leave out besides KAFKA_BROKERS and REDIS_URL (matched against the name). */
  strip?: RegExp;
  /** How long to wait for "listening on ADDRESS:PORT" (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 20 s). */
  killAfterMs?: number;
}

/**
 * Starts serve; embedded mode unless `env` names Kafka or Redis (the test
 * run's own service addresses are not inherited). Its checkpoints go to a
 * fresh directory unless `env` or `args` name one (STATE_DIR), so no run
 * takes up another's state. Used by the tests and by the end-to-end
 * benchmark (bench/e2e.ts).
 */
export async function startServe(args: string[], env: Record<string, string> = {}, o: ServeProcessOptions = {}): Promise<ServeProcess> {
  const inherited = { ...process.env };
  delete inherited.KAFKA_BROKERS;
  delete inherited.REDIS_URL;
  if (o.strip) for (const k of Object.keys(inherited)) if (o.strip.test(k)) delete inherited[k];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), BIN, 'serve', '--port', '0', ...args], {
    env: { ...inherited, CI: '1', ...(args.includes('--state-dir') ? {} : { STATE_DIR: mkdtempSync(join(tmpdir(), 'ss-state-')) }), ...env },
    ...(o.cwd !== undefined && { cwd: o.cwd }),
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  child.stdout.resume();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), o.startTimeoutMs ?? 30_000);
    const check = () => {
      const m = /listening on [^\s:]*:(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    log: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 20_000);
      const [code] = await once(child, 'exit');
      clearTimeout(timer);
      return code as number | null;
    },
  };
}
