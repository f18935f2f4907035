// serve's settings are defined once (host/serve/config.ts): the README's
// table, docs/CONFIGURATION.md, .env.example and `serve --help` are made
// from that list and are current; every setting has an effect and has the
// same one given as a flag or as a variable, whatever the others are given
// as (the Kafka and Redis settings once counted only when the brokers and
// Redis came from the environment); every boolean reads 1/0 as true/false;
// a bad value names the variable and the flag.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SETTINGS, serveConfig } from '../host/serve/config.js';
import { generated } from '../host/serve/gen-settings.js';
import { UsageError } from '../host/core/errors.js';
import { ROOT, runCli } from './helpers/cli.js';

// Both service parts on, so that their settings count.
const BASE = { KAFKA_BROKERS: 'k:9092', REDIS_URL: 'redis://r:6379' };

describe('settings', () => {
  it('the README table, docs/CONFIGURATION.md and .env.example are generated from the one list and current', () => {
    for (const [path, text] of Object.entries(generated(ROOT))) expect(readFileSync(path, 'utf8'), `${path}: run npm run gen:settings`).toBe(text);
  });

  it('`serve --help` lists every option with its variable and default', () => {
    const r = runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const s of SETTINGS) {
      expect(r.stdout).toContain(`--${s.flag} `);
      expect(r.stdout).toContain(`${s.env}; default ${s.defaultText ?? s.default}`);
    }
  });

  it.each(SETTINGS.map((s) => [s.env, s] as const))('%s has an effect, the same as a flag or as a variable', (_name, s) => {
    const base = serveConfig({}, BASE);
    const asFlag = serveConfig({ [s.flag]: s.example }, BASE);
    const asEnv = serveConfig({}, { ...BASE, [s.env]: s.example });
    expect(asFlag).toEqual(asEnv);
    expect(asFlag).not.toEqual(base);
    // And with the brokers and Redis as flags instead.
    const flags = { 'kafka-brokers': BASE.KAFKA_BROKERS, 'redis-url': BASE.REDIS_URL };
    if (s.env !== 'KAFKA_BROKERS' && s.env !== 'REDIS_URL') expect(serveConfig(flags, { [s.env]: s.example })).toEqual(asEnv);
  });

  it('with the brokers given as a flag, the Kafka defaults and variables still hold', () => {
    const c = serveConfig({ 'kafka-brokers': 'k:1' }, {});
    expect(c.kafka).toMatchObject({ brokers: ['k:1'], maxSlicesInFlight: 2, maxBatchMessages: 2000, topics: ['streamscore.events'] });
    const d = serveConfig({ 'kafka-brokers': 'k:1' }, { KAFKA_SLICES_IN_FLIGHT: '3', KAFKA_TOPIC_DEADLETTER: 'dl', KAFKA_TOPIC_SCORES: '' });
    expect(d.kafka).toMatchObject({ maxSlicesInFlight: 3, outputs: { deadLetters: 'dl', scores: null } });
    // Fetch sizes in KiB reach kafkajs in bytes; unset, kafkajs keeps its own.
    const f = serveConfig({}, { ...BASE, KAFKA_FETCH_PARTITION_KB: '2048', KAFKA_FETCH_MIN_KB: '64', KAFKA_FETCH_MAX_WAIT_MS: '5' }).kafka!;
    expect(f).toMatchObject({ maxBytesPerPartition: 2048 * 1024, minBytes: 64 * 1024, maxWaitTimeInMs: 5 });
    expect(f.maxBytes).toBeUndefined();
    const e = serveConfig({ 'redis-url': 'redis://r:1' }, { REDIS_KEY_PREFIX: 'shop:', REDIS_TTL_SECONDS: '60' });
    expect(e.redis).toMatchObject({ url: 'redis://r:1', keyPrefix: 'shop:', ttlMs: 60_000 });
  });

  it('every boolean reads 1/0, yes/no and on/off as well as true/false', () => {
    const bools = SETTINGS.filter((x) => x.kind === 'bool');
    expect(bools.map((s) => s.env)).toEqual(['KAFKA_FROM_BEGINNING']);
    for (const s of bools) {
      for (const [v, want] of [['1', true], ['0', false], ['yes', true], ['off', false], ['TRUE', true]] as const) {
        const c = serveConfig({}, { ...BASE, [s.env]: v });
        expect(c.kafka!.fromBeginning, `${s.env}=${v}`).toBe(want);
      }
      expect(() => serveConfig({}, { ...BASE, [s.env]: 'maybe' })).toThrow(new RegExp(`${s.env} / --${s.flag} must be true or false`));
    }
  });

  it('a bad number names the variable and the flag', () => {
    for (const s of SETTINGS.filter((x) => x.kind === 'int' || x.kind === 'number')) {
      for (const v of ['lots', String(s.max! * 2 + 1), String(s.min! - 1)]) {
        const read = () => serveConfig({}, { ...BASE, [s.env]: v });
        expect(read, `${s.env}=${v}`).toThrow(UsageError);
        expect(read).toThrow(`${s.env} / --${s.flag} must be`);
      }
    }
  });
});
