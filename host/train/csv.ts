// Training data from a CSV file.
//
// Grammar:
//   file   := header NL { row NL }
//   header := name { "," name }          (required; one column is the label)
//   row    := field { "," field }        (as many fields as the header)
//   field  := number | missing | '"' ... '"'
//   missing := "" | NA | nan | n/a | null | none   (any case)
// Blank lines are skipped. Every column but the label is a feature; a field
// that is neither a number nor missing is an InputError naming file:line
// and the column (categorical text must be encoded as numbers first). The
// label must be present on every row.

import { InputError } from '../core/errors.js';
import { openInput, readLines } from '../core/lines.js';
import { parseField } from '../gbt/rows.js';
import { splitLine, UNCLOSED_QUOTE } from '../core/csv.js';

export interface TrainingData {
  file: string;
  labelName: string;
  /** The feature columns' header names, in file order. */
  featureNames: string[];
  /** One column per feature, NaN for missing. */
  columns: Float64Array[];
  labels: Float64Array;
  /** 1-based file line of each row, for errors about a row found later. */
  lines: Int32Array;
  numRows: number;
}

class Column {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Reads a training CSV whose header names `labelName`. */
export async function readTrainingCsv(file: string, labelName: string, onProgress?: (rows: number, bytes: number) => void): Promise<TrainingData> {
  let names: string[] | null = null;
  let labelAt = -1;
  let columns: Column[] = [];
  const labels = new Column();
  const lines = new Column();
  let rows = 0;
  for await (const batch of readLines(openInput(file))) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const lineNo = batch.firstLine + i;
      if (text.trim() === '') continue;
      const fields = splitLine(text, ',');
      if (fields === null) throw new InputError(file, lineNo, UNCLOSED_QUOTE);
      if (names === null) {
        names = fields.map((f) => f.trim());
        if (lineNo === 1 && names[0]!.startsWith('\uFEFF')) names[0] = names[0]!.slice(1);
        labelAt = names.indexOf(labelName);
        if (labelAt < 0) {
          const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '');
          throw new InputError(file, lineNo, `no column named "${labelName}" for --label (the header has: ${shown})`);
        }
        if (fields.every((f) => parseField(f) !== undefined)) {
          throw new InputError(file, lineNo, 'the first line must be a header of column names, but it is all numbers');
        }
        if (names.length < 2) throw new InputError(file, lineNo, 'the header names no feature columns besides the label');
        columns = names.map(() => new Column());
        continue;
      }
      if (fields.length !== names.length) {
        throw new InputError(file, lineNo, `row has ${fields.length} fields, the header has ${names.length}`);
      }
      for (let c = 0; c < fields.length; c++) {
        const x = parseField(fields[c]!);
        if (x === undefined) {
          throw new InputError(file, lineNo, `not a number: ${JSON.stringify(fields[c])}${c === labelAt ? '' : ' (encode text columns as numbers)'}`, names[c]);
        }
        if (c === labelAt) {
          if (Number.isNaN(x)) throw new InputError(file, lineNo, 'the label is missing', names[c]);
          labels.push(x);
        } else columns[c]!.push(x);
      }
      lines.push(lineNo);
      rows++;
    }
    onProgress?.(rows, batch.bytesRead);
  }
  if (names === null) throw new InputError(file, 1, 'the file is empty: it needs a header row and data rows');
  if (rows === 0) throw new InputError(file, 2, 'the file has a header but no data rows');
  const featureNames = names.filter((_, c) => c !== labelAt);
  return {
    file,
    labelName,
    featureNames,
    columns: columns.filter((_, c) => c !== labelAt).map((c) => c.done()),
    labels: labels.done(),
    lines: Int32Array.from(lines.done()),
    numRows: rows,
  };
}
