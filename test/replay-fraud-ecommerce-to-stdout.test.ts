// `replay --source fraud-ecommerce` on a generated Fraud_Data file writes, as
// NDJSON, a signup and a purchase per row and a label per purchase 30 days
// later carrying its class, all schema-valid and in time order.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent, type Event, type LabelEvent, type PurchaseEvent, type SignupEvent } from '../host/core/schema.js';
import { dottedQuad, readFraudData, replayOrder } from '../host/datasets/fraud-data.js';
import { runCli } from './helpers/cli.js';
import { fraudCsv, IP_TABLE } from './helpers/fraud-data.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-replay-fraud-'));
const ROWS = 600;
const data = join(dir, 'fraud.csv');
const ips = join(dir, 'ip_to_country.csv');
writeFileSync(data, fraudCsv(5, ROWS));
writeFileSync(ips, IP_TABLE);
const DAY = 86_400_000;

describe('replay --source fraud-ecommerce --to stdout', () => {
  const r = runCli(['replay', '--source', 'fraud-ecommerce', '--file', data, '--ip-country', ips]);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);

  it('succeeds and says what it sent', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`replay: 1,800 events \\(600 signup, 600 purchase, 600 label\\) from fraud-ecommerce`));
  });

  it('every line is a schema-valid event with a unique id', () => {
    for (const e of events) expect(validateEvent(e).ok, JSON.stringify(e)).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3 * ROWS);
  });

  it('signups and purchases come in the replay order of `features`, labels merged in by time', async () => {
    const d = await readFraudData(data);
    const want = [...replayOrder(d)].map((code) => `fe-${code >>> 1}-${code & 1 ? 'p' : 's'}`);
    expect(events.filter((e) => e.type !== 'label').map((e) => e.eventId)).toEqual(want);
    for (let k = 1; k < events.length; k++) expect(events[k]!.ts).toBeGreaterThanOrEqual(events[k - 1]!.ts);
  });

  it('carries the row: user, device, dotted IP, its country from the table, amount; the label has the class, 30 days on', async () => {
    const d = await readFraudData(data);
    const byId = new Map(events.map((e) => [e.eventId, e]));
    for (let row = 0; row < ROWS; row++) {
      const s = byId.get(`fe-${row}-s`) as SignupEvent;
      const p = byId.get(`fe-${row}-p`) as PurchaseEvent;
      const l = byId.get(`fe-${row}-l`) as LabelEvent;
      expect(s.userId).toBe(d.userId[row]);
      expect(s.ts).toBe(d.signupTs[row]);
      expect(p.ts).toBe(d.purchaseTs[row]);
      expect(p.amount).toBe(d.amount[row]);
      expect(p.deviceId).toBe(d.deviceId[row]);
      expect(s.age).toBe(d.age[row]);
      if (Number.isNaN(d.ipNum[row]!)) expect(p.ip).toBeUndefined();
      else expect(p.ip).toBe(dottedQuad(d.ipNum[row]!));
      expect(l.purchaseEventId).toBe(p.eventId);
      expect(l.fraud).toBe(d.label[row] === 1);
      expect(l.ts - p.ts).toBe(30 * DAY);
    }
    // The generator's IPs start at 16777216 (1.0.0.0), in the table's ranges.
    const countries = new Set(events.map((e) => (e as PurchaseEvent).country).filter(Boolean));
    expect([...countries].sort()).toEqual(expect.arrayContaining(['Australia', 'China']));
  });

  it('--label-delay-days sets the delay; without an IP table there is no country', () => {
    const s = runCli(['replay', '--source', 'fraud-ecommerce', '--file', data, '--label-delay-days', '0.5']);
    const xs = s.stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
    const p = new Map(xs.filter((e) => e.type === 'purchase').map((e) => [e.eventId, e]));
    for (const l of xs.filter((e): e is LabelEvent => e.type === 'label')) expect(l.ts - p.get(l.purchaseEventId)!.ts).toBe(DAY / 2);
    expect(xs.some((e) => 'country' in e)).toBe(false);
    for (let k = 1; k < xs.length; k++) expect(xs[k]!.ts).toBeGreaterThanOrEqual(xs[k - 1]!.ts);
  });

  it('a bad row stops it with file:line (column)', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, fraudCsv(5, 3).replace(/\n([^\n]*\n)$/, '\n1,2/2/2015 1:00,nope,10,D,SEO,Chrome,M,30,1,0\n'));
    const s = runCli(['replay', '--source', 'fraud-ecommerce', '--file', bad]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4 \\(purchase_time\\): not a time`));
  });
});
