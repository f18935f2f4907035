// Seeded synthetic training data for trainer tests: a label that depends on
// a few features nonlinearly (an interaction, a step) and on whether one
// feature is missing, plus pure-noise columns.

import { writeFileSync } from 'node:fs';
import { rng } from './random-forest.js';

export interface Synthetic {
  header: string[];
  rows: number[][];
  /** The CSV text (header first; NaN written as an empty field). */
  csv: string;
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * `rows` rows of: label, signal (a strong effect), inter_a and inter_b (their
 * product matters), step (a threshold effect), gap (missing in about 30% of
 * rows; missing raises the label), noise_1, noise_2 (no effect).
 */
export function synthetic(rows: number, seed: number, objective: 'binary' | 'regression' = 'binary'): Synthetic {
  const r = rng(seed);
  const header = ['label', 'signal', 'inter_a', 'inter_b', 'step', 'gap', 'noise_1', 'noise_2'];
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const signal = normal(r);
    const a = normal(r);
    const b = normal(r);
    const step = Math.round(r() * 1000) / 100;
    const missing = r() < 0.3;
    const gap = missing ? NaN : Math.round(normal(r) * 100) / 100;
    const margin = 1.5 * signal + 1.2 * a * b + (step > 6 ? 1 : -0.5) + (missing ? 1.5 : 0) - 0.8;
    const label = objective === 'binary' ? (r() < 1 / (1 + Math.exp(-margin)) ? 1 : 0) : margin + 0.3 * normal(r);
    out.push([label, signal, a, b, step, gap, normal(r), Math.floor(r() * 5)]);
  }
  const csv = [header.join(','), ...out.map((row) => row.map((x) => (Number.isNaN(x) ? '' : String(x))).join(','))].join('\n') + '\n';
  return { header, rows: out, csv };
}

/** Writes `synthetic(...)` to a file; returns it. */
export function writeSynthetic(path: string, rows: number, seed: number, objective: 'binary' | 'regression' = 'binary'): Synthetic {
  const s = synthetic(rows, seed, objective);
  writeFileSync(path, s.csv);
  return s;
}
