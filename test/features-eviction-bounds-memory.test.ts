// State stays bounded on an endless stream of ever-new users, devices and IPs:
// idle entities are evicted after the profile horizon (profiles, pairs) or
// after 24h plus the lateness (windows), so state bytes and WASM memory stop
// growing once the horizon is full. Also reports the bytes per tracked entity.

import { expect, it } from 'vitest';
import { FeatureEngine, STAT } from '../host/fraud/features.js';
import { T0 } from './helpers/event-stream.js';

const EVENTS = 400_000;
const STEP_MS = 60_000; // one new user a minute: 1,440 a day, 277 days in all
const HORIZON_MS = 86_400_000;

it(`state and memory plateau over ${EVENTS.toLocaleString('en-US')} events of ever-new entities`, () => {
  const e = new FeatureEngine({ capacity: 1000, profileTtlMs: HORIZON_MS });
  const samples: { events: number; bytes: number; memory: number; users: number }[] = [];
  for (let start = 0; start < EVENTS; start += e.capacity) {
    const c = e.columns();
    for (let i = 0; i < e.capacity; i++) {
      const n = start + i;
      c.type[i] = 1; // purchase
      c.ts[i] = T0 + n * STEP_MS;
      // Distinct ids per event: (n, kind) as the two hash words.
      c.user[2 * i] = n + 1;
      c.user[2 * i + 1] = 0x1111;
      c.device[2 * i] = n + 1;
      c.device[2 * i + 1] = 0x2222;
      c.ip[2 * i] = n + 1;
      c.ip[2 * i + 1] = 0x3333;
      for (const col of [c.country, c.billing, c.payment]) col[2 * i] = col[2 * i + 1] = 0;
      c.amount[i] = 10;
      c.ipNum[i] = NaN;
      c.source[i] = c.browser[i] = c.sex[i] = 0;
      c.age[i] = NaN;
    }
    e.run(e.capacity);
    if ((start + e.capacity) % 20_000 === 0) {
      samples.push({ events: start + e.capacity, bytes: e.stat(STAT.stateBytes), memory: e.exports.memory.buffer.byteLength, users: e.stat(100) });
    }
  }
  const firstHalf = samples.filter((s) => s.events > 40_000 && s.events <= EVENTS / 2);
  const secondHalf = samples.filter((s) => s.events > EVENTS / 2);
  const peak = (xs: typeof samples, k: 'bytes' | 'memory' | 'users') => Math.max(...xs.map((s) => s[k]));
  expect(peak(secondHalf, 'bytes')).toBeLessThanOrEqual(peak(firstHalf, 'bytes'));
  expect(peak(secondHalf, 'memory')).toBeLessThanOrEqual(peak(firstHalf, 'memory'));
  // Live users: those seen within the horizon (plus what the incremental sweep has not reached yet).
  const perHorizon = HORIZON_MS / STEP_MS;
  expect(peak(secondHalf, 'users')).toBeLessThan(perHorizon * 1.5);
  expect(e.stat(STAT.evictions)).toBeGreaterThan(EVENTS * 8);

  const last = samples.at(-1)!;
  const tables = e.tableStats();
  const live = tables.find((t) => t.name === 'users')!.records;
  console.log(
    `state ${(last.bytes / 2 ** 20).toFixed(2)} MiB for ${live} live users (each with its own device and IP): ` +
      `${Math.round(last.bytes / live)} bytes per user+device+IP, WASM memory ${(last.memory / 2 ** 20).toFixed(1)} MiB\n` +
      tables.map((t) => `  ${t.name}: ${t.records} records, ${t.bytes} bytes (${t.records ? Math.round(t.bytes / t.records) : '-'} per record)`).join('\n'),
  );
});
