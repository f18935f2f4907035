// Input rows for batch scoring, by file extension:
//   .csv / .tsv      fields separated by "," / TAB, optional header row.
//                    With a header whose names match the model's feature
//                    names, columns are matched by name (others ignored,
//                    absent features missing); otherwise by position.
//                    Empty, NA, nan (any case) are missing.
//   .libsvm / .svm   "label idx:val ..." with 0-based idx; absent = missing.
//   .ndjson / .jsonl one JSON array (by position) or object (by feature
//                    name) per line; null or an absent key is missing.
// Each parser writes a row into a Float64Array slot and throws InputError
// with the file, line and field when a value is not a number.

import { InputError, UsageError } from '../core/errors.js';
import { splitLine, UNCLOSED_QUOTE } from '../core/csv.js';

export type Format = 'csv' | 'tsv' | 'libsvm' | 'ndjson';

/** The input format from a file name; stdin ("-") needs --format. */
export function formatOf(path: string, explicit?: string): Format {
  const name = (explicit ?? path).toLowerCase();
  if (name === 'csv' || name.endsWith('.csv')) return 'csv';
  if (name === 'tsv' || name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name === 'libsvm' || name === 'svm' || name.endsWith('.libsvm') || name.endsWith('.svm')) return 'libsvm';
  if (name === 'ndjson' || name === 'jsonl' || name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  throw new UsageError(
    path === '-' && explicit === undefined
      ? 'reading stdin: say its format with --format csv|tsv|libsvm|ndjson'
      : `cannot tell the input format of "${path}": use .csv, .tsv, .libsvm/.svm or .ndjson/.jsonl, or --format`,
  );
}

/** Parses one line into `out[at .. at + numFeatures)`; returns false for a line that is not a row (blank, header). */
export type RowParser = (line: string, lineNo: number, out: Float64Array, at: number) => boolean;

const MISSING = new Set(['', 'na', 'nan', 'n/a', 'null', 'none']);

/** Parses a field as a number; NaN for a missing token, undefined for garbage. */
export function parseField(s: string): number | undefined {
  const t = s.trim();
  if (MISSING.has(t.toLowerCase())) return NaN;
  const x = Number(t);
  if (!Number.isNaN(x)) return x;
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return undefined;
}

/**
 * A parser for delimited rows. The first non-blank line decides whether
 * there is a header: it is one when any field is neither a number nor a
 * missing token.
 */
export function delimitedParser(file: string, sep: string, numFeatures: number, featureNames: string[] | null): RowParser {
  // columnOf[i] = feature index of field i, or -1 to ignore it. null until the first line.
  let columnOf: Int32Array | null = null;
  let names: string[] | null = null;
  return (line, lineNo, out, at) => {
    // Blank lines are skipped; a TSV row of empty (missing) fields is not blank.
    if (line.trim() === '' && !line.includes(sep)) return false;
    const fields = splitLine(line, sep);
    if (fields === null) throw new InputError(file, lineNo, UNCLOSED_QUOTE);
    if (columnOf === null) {
      const isHeader = fields.some((f) => parseField(f) === undefined);
      if (isHeader) {
        names = fields.map((f) => f.trim());
        columnOf = headerMapping(file, lineNo, names, numFeatures, featureNames);
        return false;
      }
      columnOf = Int32Array.from({ length: numFeatures }, (_, i) => i);
    }
    if (names === null && fields.length !== numFeatures) {
      throw new InputError(file, lineNo, `row has ${fields.length} fields, the model reads ${numFeatures} features (add a header row to match columns by name)`);
    }
    if (names !== null && fields.length !== names.length) {
      throw new InputError(file, lineNo, `row has ${fields.length} fields, the header has ${names.length}`);
    }
    out.fill(NaN, at, at + numFeatures);
    for (let i = 0; i < fields.length; i++) {
      const f = columnOf[i]!;
      if (f < 0) continue;
      const x = parseField(fields[i]!);
      if (x === undefined) {
        throw new InputError(file, lineNo, `not a number: ${JSON.stringify(fields[i])}`, names ? names[i] : `column ${i + 1}`);
      }
      out[at + f] = x;
    }
    return true;
  };
}

function headerMapping(file: string, lineNo: number, names: string[], numFeatures: number, featureNames: string[] | null): Int32Array {
  if (featureNames !== null) {
    const index = new Map(featureNames.map((n, i) => [n, i]));
    const mapping = Int32Array.from(names, (n) => index.get(n) ?? -1);
    if (mapping.some((m) => m >= 0)) return mapping;
  }
  // No names in common: by position, which needs one column per feature.
  if (names.length !== numFeatures) {
    throw new InputError(
      file,
      lineNo,
      `header has ${names.length} columns and none matches the model's feature names${featureNames ? ` (${featureNames.slice(0, 5).join(', ')}${featureNames.length > 5 ? ', ...' : ''})` : ''}; by position the model reads ${numFeatures}`,
    );
  }
  return Int32Array.from({ length: numFeatures }, (_, i) => i);
}

/** A parser for LibSVM rows: "label idx:val ..." (0-based idx); absent features are missing. */
export function libsvmParser(file: string, numFeatures: number): RowParser {
  return (line, lineNo, out, at) => {
    const hash = line.indexOf('#');
    const body = (hash >= 0 ? line.slice(0, hash) : line).trim();
    if (body === '') return false;
    out.fill(NaN, at, at + numFeatures);
    const tokens = body.split(/\s+/);
    // The first token is the label unless it is already idx:val.
    for (let i = tokens[0]!.includes(':') ? 0 : 1; i < tokens.length; i++) {
      const tok = tokens[i]!;
      const colon = tok.indexOf(':');
      if (colon < 0) throw new InputError(file, lineNo, `expected idx:value, got ${JSON.stringify(tok)}`, `token ${i + 1}`);
      const key = tok.slice(0, colon);
      if (key === 'qid') continue;
      const idx = Number(key);
      if (!Number.isInteger(idx) || idx < 0) throw new InputError(file, lineNo, `bad feature index ${JSON.stringify(key)}`, `token ${i + 1}`);
      if (idx >= numFeatures) throw new InputError(file, lineNo, `feature index ${idx} is beyond the model's ${numFeatures} features (indices are 0-based)`, `token ${i + 1}`);
      const x = parseField(tok.slice(colon + 1));
      if (x === undefined) throw new InputError(file, lineNo, `not a number: ${JSON.stringify(tok.slice(colon + 1))}`, `feature ${idx}`);
      out[at + idx] = x;
    }
    return true;
  };
}

/** A parser for NDJSON rows: an array by position, or an object by feature name. */
export function ndjsonParser(file: string, numFeatures: number, featureNames: string[] | null): RowParser {
  const index = new Map<string, number>((featureNames ?? []).map((n, i) => [n, i]));
  const value = (v: unknown, lineNo: number, field: string): number => {
    if (v === null || v === undefined) return NaN;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const x = parseField(v);
      if (x !== undefined) return x;
    }
    throw new InputError(file, lineNo, `not a number: ${JSON.stringify(v)}`, field);
  };
  return (line, lineNo, out, at) => {
    if (line.trim() === '') return false;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(file, lineNo, `not valid JSON: ${(e as Error).message}`);
    }
    out.fill(NaN, at, at + numFeatures);
    if (Array.isArray(v)) {
      if (v.length !== numFeatures) throw new InputError(file, lineNo, `array has ${v.length} values, the model reads ${numFeatures} features`);
      for (let i = 0; i < v.length; i++) out[at + i] = value(v[i], lineNo, `[${i}]`);
      return true;
    }
    if (typeof v !== 'object' || v === null) throw new InputError(file, lineNo, 'expected a JSON array or object');
    for (const [k, x] of Object.entries(v)) {
      let f = index.get(k);
      if (f === undefined && featureNames === null && /^\d+$/.test(k)) f = Number(k);
      if (f === undefined || f >= numFeatures) continue;
      out[at + f] = value(x, lineNo, k);
    }
    return true;
  };
}

/** The row parser for a format. */
export function rowParser(format: Format, file: string, numFeatures: number, featureNames: string[] | null): RowParser {
  switch (format) {
    case 'csv':
      return delimitedParser(file, ',', numFeatures, featureNames);
    case 'tsv':
      return delimitedParser(file, '\t', numFeatures, featureNames);
    case 'libsvm':
      return libsvmParser(file, numFeatures);
    case 'ndjson':
      return ndjsonParser(file, numFeatures, featureNames);
  }
}
