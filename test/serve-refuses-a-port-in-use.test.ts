// Start-up: a second serve on a port already in use exits with an error
// instead of silently sharing the traffic; BIND_ADDRESS picks the address it
// listens on; and the broker probe behind /ready tells a broker that answers
// from one that does not.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { freePorts } from './services/ports.js';
import { startServe } from './helpers/serve-process.js';
import { BIN } from './helpers/cli.js';
import { brokerProbe } from '../host/serve/kafka-client.js';
import { services } from './services/provided.js';

/** A loopback port with nothing listening on it. */
const deadPort = async (): Promise<number> => (await freePorts(1))[0]!;

describe('serve start-up', () => {
  it('refuses a port that another serve listens on', async () => {
    const first = await startServe(['--bind', '127.0.0.1', '--rate', '10']);
    try {
      const env: Record<string, string | undefined> = { ...process.env, CI: '1' };
      delete env.KAFKA_BROKERS;
      delete env.REDIS_URL;
      const second = spawnSync(process.execPath, [BIN, 'serve', '--port', String(first.port), '--bind', '127.0.0.1', '--rate', '10'], { env, encoding: 'utf8', timeout: 30_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${first.port}`);
      // The first still answers.
      expect((await fetch(`${first.base}/health`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it('listens on BIND_ADDRESS', async () => {
    const s = await startServe(['--rate', '10'], { BIND_ADDRESS: '127.0.0.1' });
    try {
      expect(s.log()).toMatch(new RegExp(`listening on 127\\.0\\.0\\.1:${s.port} `));
      expect((await fetch(`${s.base}/health`)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('the broker probe says whether a broker answers', async () => {
    expect(await brokerProbe(services().kafkaBrokers)()).toEqual({ ok: true });
    const dead = `127.0.0.1:${await deadPort()}`;
    expect(await brokerProbe([dead])()).toEqual({ ok: false, detail: `no Kafka broker answers (${dead})` });
  });
});
