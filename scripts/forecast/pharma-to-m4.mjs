// Turns the pharmacy sales (salesdaily.csv: datum, 8 drug categories, ...)
// into M4-format train/test files: one series per category, the last H days
// held out. The data stay outside the project; the files go where you say.
//
//   node scripts/forecast/pharma-to-m4.mjs ../shared/data/pharma-sales/salesdaily.csv /tmp/pharma 28

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [file, outDir, hArg] = process.argv.slice(2);
if (!file || !outDir) {
  console.error('usage: pharma-to-m4.mjs salesdaily.csv OUTDIR [H=28]');
  process.exit(2);
}
const H = Number(hArg ?? 28);
const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
const head = lines[0].split(',');
const cats = head.slice(1, 9);
const cols = cats.map(() => []);
for (const [i, l] of lines.slice(1).entries()) {
  const cells = l.split(',');
  cats.forEach((_, c) => {
    const v = Number(cells[c + 1]);
    if (!Number.isFinite(v)) throw new Error(`${file}:${i + 2}: ${cats[c]} is not a number: "${cells[c + 1]}"`);
    cols[c].push(v);
  });
}
const n = cols[0].length;
const q = (v) => `"${v}"`;
const hdr = (k) => Array.from({ length: k }, (_, i) => q(`V${i + 1}`)).join(',');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'train.csv'), [hdr(n - H + 1), ...cats.map((c, i) => [q(c), ...cols[i].slice(0, n - H).map(q)].join(','))].join('\n') + '\n');
writeFileSync(join(outDir, 'test.csv'), [hdr(H + 1), ...cats.map((c, i) => [q(c), ...cols[i].slice(n - H).map(q)].join(','))].join('\n') + '\n');
console.log(`${cats.length} series of ${n - H} days, ${H} held out -> ${outDir}/train.csv, test.csv`);
