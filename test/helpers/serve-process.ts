// Runs `streamscore serve` as a child process, as a user would, and reads
// its port from the start-up line.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { BIN } from './cli.js';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  base: string;
  /** Everything written to stderr so far. */
  log(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts serve; embedded mode unless `env` names Kafka or Redis (the test run's own service addresses are not inherited). */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const inherited = { ...process.env };
  delete inherited.KAFKA_BROKERS;
  delete inherited.REDIS_URL;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...inherited, CI: '1', ...env } });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  child.stdout.resume();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    const check = () => {
      const m = /listening on :(\d+)/.exec(err);
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
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}
