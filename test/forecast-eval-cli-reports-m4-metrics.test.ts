// `eval forecast` on small M4-format files written here: a table with one
// row per method, --json with one object per method and the keys method,
// smape, mase, owa, series; Naive2's OWA is 1 by definition; bad rows and
// arguments are clear errors.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { evalCommand } from '../host/cli/eval.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-fc-'));
const P = 4;
const H = 4;
function series(i: number, n: number): number[] {
  return Array.from({ length: n }, (_, t) => 50 + i + 0.5 * t + 8 * [1, -1, 2, -2][t % P]! + ((t * 31 + i * 7) % 5));
}
const rows = Array.from({ length: 6 }, (_, i) => ({ id: `S${i + 1}`, all: series(i, 40 + 4 * i + H) }));
const width = Math.max(...rows.map((r) => r.all.length)) + 1;
const csv = (cells: (string | number)[][]) => cells.map((c) => c.map((v) => `"${v}"`).join(',')).join('\n') + '\n';
const header = Array.from({ length: width }, (_, i) => `V${i + 1}`);
const pad = (c: (string | number)[]) => [...c, ...Array(width - c.length).fill('')];
const train = join(dir, 'train.csv');
const test = join(dir, 'test.csv');
writeFileSync(train, csv([header, ...rows.map((r) => pad([r.id, ...r.all.slice(0, -H)]))]));
writeFileSync(test, csv([header.slice(0, H + 1), ...rows.map((r) => [r.id, ...r.all.slice(-H)])]));

async function run(args: string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c) => chunks.push(c));
  const err = new PassThrough() as unknown as NodeJS.WriteStream;
  const code = await evalCommand(['forecast', ...args], out, err);
  expect(code).toBe(0);
  return Buffer.concat(chunks).toString('utf8');
}

describe('eval forecast', () => {
  it('prints a table of every method', async () => {
    const text = await run(['--train', train, '--test', test, '--horizon', String(H), '--period', String(P)]);
    expect(text).toMatch(/^series\s+6 \(\d seasonal at lag 4\), horizon 4$/m);
    for (const m of ['naive2', 'ses', 'holt', 'damped', 'theta', 'comb', 'auto']) expect(text).toMatch(new RegExp(`^${m}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}$`, 'm'));
    expect(text).toMatch(/^naive2\s+\S+\s+\S+\s+1\.000$/m);
  });

  it('--json writes one object per method with the M4 keys', async () => {
    const lines = (await run(['--train', train, '--test', test, '--horizon', String(H), '--period', String(P), '--method', 'ses', '--json'])).trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!);
    expect(Object.keys(o).sort()).toEqual(['mase', 'method', 'owa', 'series', 'smape']);
    expect(o.method).toBe('ses');
    expect(o.series).toBe(6);
    expect(o.smape).toBeGreaterThan(0);
  });

  it('bad rows and arguments are clear errors', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '"V1","V2","V3"\n"S1","1","2"\n"S2","3","oops"\n');
    await expect(run(['--train', bad, '--test', test, '--horizon', '4', '--period', '4'])).rejects.toThrow(/bad\.csv:3 \(V3\): series S2: value 2 is not a number: "oops"/);
    await expect(run(['--train', train, '--test', test, '--horizon', '0', '--period', '4'])).rejects.toThrow(/--horizon must be a whole number >= 1/);
    await expect(run(['--train', train, '--test', test, '--horizon', '4', '--period', '4', '--method', 'arima'])).rejects.toThrow(/--method must be one of/);
  });
});
