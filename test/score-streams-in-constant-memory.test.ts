// `score` streams: a stdin input several times larger than the memory it is
// allowed comes out scored line for line while its resident set stays flat.

import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { startCli } from './helpers/cli.js';
import { cases, modelPath } from './helpers/fixtures.js';

const ROWS = 3_000_000;
const RSS_LIMIT_MB = 120;

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0; // exited
  }
}

it(`scores ${ROWS.toLocaleString('en-US')} piped rows with a resident set under ${RSS_LIMIT_MB} MB`, async () => {
  const model = modelPath(cases().find((c) => c.name === 'lgb4_binary')!);
  const child = startCli(['score', '--model', model, '--input', '-', '--format', 'csv']);
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 20);
  let lines = 0;
  let bytesIn = 0;
  child.stdout.on('data', (b: Buffer) => {
    for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const chunk = 50_000;
  for (let start = 0; start < ROWS; start += chunk) {
    const rows: string[] = [];
    for (let i = start; i < start + chunk; i++) rows.push(`${(i % 97) / 10},${i % 13},${((i * 7) % 101) / 3},3,${(i % 1000) / 7},0.001`);
    const text = rows.join('\n') + '\n';
    bytesIn += text.length;
    if (!child.stdin.write(text)) await once(child.stdin, 'drain');
  }
  child.stdin.end();
  const [code] = await once(child, 'close');
  clearInterval(poll);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(lines).toBe(ROWS);
  expect(bytesIn / 2 ** 20).toBeGreaterThan(RSS_LIMIT_MB); // the input could not have fit
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(RSS_LIMIT_MB);
}, 120_000);
