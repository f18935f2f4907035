// The module's status codes are one table (assembly/status.ts) with a range
// per engine, and the host's table (host/wasm/status.ts) has exactly the
// same codes under the same names, each with a message: no two engines share
// a code, and a code the host cannot describe cannot exist.

import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS } from '../host/wasm/status.js';
import { ROOT } from './helpers/cli.js';

const RANGES: [string, number, number][] = [
  ['shared', -99, -1],
  ['features', -199, -101],
  ['recs', -299, -201],
  ['train', -399, -301],
  ['forecast', -499, -401],
];

it('assembly/status.ts and host/wasm/status.ts hold the same codes under the same names', () => {
  const text = readFileSync(join(ROOT, 'assembly', 'status.ts'), 'utf8');
  const core = new Map<number, string>();
  for (const m of text.matchAll(/^export const (E_\w+): i32 = (-\d+);/gm)) {
    const code = Number(m[2]);
    expect(core.has(code), `${m[1]} reuses ${code}`).toBe(false);
    core.set(code, m[1]!);
  }
  expect(core.size).toBeGreaterThan(30);
  const host = new Map(Object.entries(STATUS).map(([code, s]) => [Number(code), s.name]));
  expect([...host].sort()).toEqual([...core].sort());
  for (const s of Object.values(STATUS)) expect(s.message.length).toBeGreaterThan(0);
  // Each engine's codes stay in its range, named with its prefix.
  for (const [code, name] of core) {
    const range = RANGES.find(([, lo, hi]) => code >= lo && code <= hi);
    expect(range, `${name} ${code}`).toBeDefined();
    if (range![0] !== 'shared') expect(name.startsWith(`E_${range![0].toUpperCase()}_`), name).toBe(true);
  }
  // No other file of the module defines a status code of its own.
  for (const f of ['features/abi.ts', 'recs/abi.ts', 'train/abi.ts', 'forecast/abi.ts']) {
    expect(readFileSync(join(ROOT, 'assembly', f), 'utf8')).not.toMatch(/export const E_\w+: i32 = -/);
  }
});
