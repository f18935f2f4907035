// Every scored purchase gets a score, a decision from the configured
// thresholds, and its top reasons in plain words; a purchase in the minute of
// signing up from a device other new accounts just used is blocked, an
// ordinary one weeks after signup is allowed.

import { expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import type { Event } from '../host/core/schema.js';

const MODEL = join(ROOT, 'models', 'fraud-ecommerce.txt');
const T0 = Date.UTC(2015, 2, 1, 12);
const DAY = 86_400_000;

it('blocks a signup-and-buy from a shared device and allows an old customer', () => {
  const scorer = new FraudScorer(MODEL, { reviewThreshold: 0.5, blockThreshold: 0.9 });
  const events: Event[] = [
    { eventId: 's-old', type: 'signup', ts: T0 - 40 * DAY, userId: 'old', deviceId: 'dev-old', ip: '10.0.0.1', source: 'SEO', browser: 'Chrome', age: 41, sex: 'F' },
    { eventId: 'p-old', type: 'purchase', ts: T0, userId: 'old', amount: 42, deviceId: 'dev-old', ip: '10.0.0.1', source: 'SEO', browser: 'Chrome' },
  ];
  for (let i = 0; i < 4; i++) {
    events.push({ eventId: `s-bot${i}`, type: 'signup', ts: T0 + i * 1000, userId: `bot${i}`, deviceId: 'farm', ip: '10.9.9.9', source: 'Direct', browser: 'IE', age: 30, sex: 'M' });
    events.push({ eventId: `p-bot${i}`, type: 'purchase', ts: T0 + i * 1000 + 500, userId: `bot${i}`, amount: 40, deviceId: 'farm', ip: '10.9.9.9', source: 'Direct', browser: 'IE' });
  }
  const results = new Map(scorer.process(events).scored.map((r) => [r.eventId, r]));
  expect(results.size).toBe(5);
  const old = results.get('p-old')!;
  expect(old.decision).toBe('allow');
  expect(old.fraudScore).toBeLessThan(0.5);
  const bot = results.get('p-bot3')!;
  expect(bot.decision).toBe('block');
  expect(bot.fraudScore).toBeGreaterThanOrEqual(0.9);
  expect(bot.reasons.length).toBeGreaterThan(0);
  expect(bot.reasons.length).toBeLessThanOrEqual(3);
  for (const r of bot.reasons) {
    expect(r.contribution).toBeGreaterThan(0);
    expect(r.text).toMatch(/: /);
  }
  // Sorted by contribution, and about what makes it suspicious: the shared
  // device's burst of new accounts, or the signup a moment ago.
  expect([...bot.reasons].sort((a, b) => b.contribution - a.contribution)).toEqual(bot.reasons);
  expect(bot.reasons.some((r) => /^device_|^user_seconds_since_signup$/.test(r.feature))).toBe(true);
  const burst = bot.reasons.find((r) => r.feature === 'device_signups_5m');
  if (burst) expect(burst.text).toBe('non-purchase events carrying the device in the current 5-minute window: 4');
});
