// Writes an M4-format CSV with every value multiplied by (1 + u), u uniform in
// [-1e-6, 1e-6) from a seeded generator: the "jitter by one part in a
// million" check of docs/FORECASTING.md (how much a method's score moves when
// the data move in the last digits).
//
//   node scripts/forecast/jitter-m4.mjs IN.csv OUT.csv SEED
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output, seedArg] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/forecast/jitter-m4.mjs IN.csv OUT.csv [SEED]\n');
  process.exit(2);
}
let x = Number(seedArg ?? 1) * 12345;
const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
const lines = readFileSync(input, 'utf8').split('\n');
const out = lines.map((line, i) => {
  if (i === 0 || line === '') return line;
  return line
    .split(',')
    .map((cell, j) => {
      const v = cell.replace(/"/g, '');
      if (j === 0 || v === '') return cell;
      return String(Number(v) * (1 + (rand() - 0.5) * 2e-6));
    })
    .join(',');
});
writeFileSync(output, out.join('\n'));
