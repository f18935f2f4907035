// Reads M4-format series files.
//
//   file   = header { "\n" row } [ "\n" ]
//   header = "V1","V2",...                       (a first line whose first field is V1)
//   row    = id { "," value } { "," "" }          (values, then empty padding cells)
//   value  = a finite number (quoted or not)
//
// https://github.com/Mcompetitions/M4-methods (Dataset/Train, Dataset/Test)

import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { splitLine } from '../core/csv.js';

export interface M4Series {
  id: string;
  values: Float64Array;
  /** 1-based line in the file, for messages. */
  line: number;
}

/** Parses M4 CSV text; bad rows are an InputError with file:line. */
export function parseM4(text: string, file = '<input>'): M4Series[] {
  const lines = text.split('\n');
  const out: M4Series[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const cells = splitLine(line);
    if (cells === null) throw new InputError(file, i + 1, 'unclosed quote');
    if (i === 0 && cells[0]?.trim() === 'V1') continue;
    const id = cells[0]!.trim();
    if (id === '') throw new InputError(file, i + 1, 'empty series id', 'V1');
    if (seen.has(id)) throw new InputError(file, i + 1, `series ${id} appears twice`, 'V1');
    seen.add(id);
    let n = cells.length;
    while (n > 1 && cells[n - 1]!.trim() === '') n--; // the padding
    const values = new Float64Array(n - 1);
    for (let c = 1; c < n; c++) {
      const cell = cells[c]!.trim();
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw new InputError(file, i + 1, `series ${id}: value ${c} is ${cell === '' ? 'empty (a gap before the padding)' : `not a number: "${cell}"`}`, `V${c + 1}`);
      values[c - 1] = v;
    }
    if (values.length === 0) throw new InputError(file, i + 1, `series ${id} has no values`);
    out.push({ id, values, line: i + 1 });
  }
  return out;
}

/** Reads an M4 CSV file. */
export function readM4(path: string): M4Series[] {
  return parseM4(readFileSync(path, 'utf8'), path);
}
