// Every event the simulator produces passes the one validator, with a unique
// eventId, and carries only SPEC fields (the ground truth is kept out of it).

import { expect, test } from 'vitest';
import { EVENT_FIELDS, validateEvent } from '../host/core/schema.js';
import { Simulator } from '../host/simulator/simulator.js';

const SPEC_FIELDS = EVENT_FIELDS;

test('200,000 simulated events of every type are schema-valid, with unique ids and SPEC fields only', () => {
  // A low rate over two days so that labels, stock snapshots and replenishments all occur.
  const sim = new Simulator({ seed: 11, rate: 1, skus: 30, fraud: { 'card-testing': 5, 'account-takeover': 5, 'device-farm': 5, 'velocity-burst': 5 } });
  const ids = new Set<string>();
  const types = new Map<string, number>();
  for (let k = 0; k < 50; k++) {
    for (const e of sim.next(4000)) {
      const v = validateEvent(e);
      if (!v.ok) expect.fail(`${JSON.stringify(e)}: ${v.reason}`);
      if (ids.has(e.eventId)) expect.fail(`duplicate eventId ${e.eventId}`);
      ids.add(e.eventId);
      types.set(e.type, (types.get(e.type) ?? 0) + 1);
      const extra = Object.keys(e).filter((f) => !['eventId', 'type', 'ts', ...SPEC_FIELDS[e.type]!].includes(f));
      if (extra.length > 0) expect.fail(`${e.type} has non-SPEC fields ${extra.join(', ')}`);
      if ('ip' in e && !/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(e.ip!)) expect.fail(`not a dotted IPv4: ${e.ip}`);
      if ('country' in e && !/^[A-Z]{2}$/.test(e.country!)) expect.fail(`not an ISO country code: ${e.country}`);
      if (!Number.isInteger(e.ts)) expect.fail(`ts not epoch ms: ${e.ts}`);
    }
  }
  expect(ids.size).toBe(200_000);
  expect([...types.keys()].sort()).toEqual(['cart', 'label', 'purchase', 'sale', 'signup', 'stock', 'view']);
});
