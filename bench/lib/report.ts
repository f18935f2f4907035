// Markdown tables for the bench output, so a run pastes into docs/PERFORMANCE.md or a bench/results/ log.

export interface SpeedRow {
  scorer: string;
  batch: number;
  /** Per-batch latency in ms (tinybench statistics). */
  meanMs: number;
  p99Ms: number;
  samples: number;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** 3 significant digits, plain notation down to 0.001. */
export function sig(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  if (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e7) return v.toExponential(2);
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export const rowsPerSecond = (r: SpeedRow) => (r.batch * 1000) / r.meanMs;
/** Per-row latency in µs: per-batch time / batch. */
export const perRowUs = (ms: number, batch: number) => (ms * 1000) / batch;

export function speedTable(rows: SpeedRow[]): string {
  return table(
    ['scorer', 'batch', 'rows/s', 'per-row mean (µs)', 'per-row p99 (µs)', 'samples'],
    rows.map((r) => [r.scorer, r.batch, sig(rowsPerSecond(r)), sig(perRowUs(r.meanMs, r.batch)), sig(perRowUs(r.p99Ms, r.batch)), r.samples]),
  );
}

export interface Exactness {
  scorer: string;
  /** Max |scorer - LightGBM| and rows not bit-identical; null when the scorer cannot give it. */
  prob: { maxAbs: number; differing: number };
  raw: { maxAbs: number; differing: number } | null;
}

export function compare(got: ArrayLike<number>, want: ArrayLike<number>): { maxAbs: number; differing: number } {
  let maxAbs = 0;
  let differing = 0;
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    differing++;
    maxAbs = Math.max(maxAbs, Math.abs(got[i]! - want[i]!));
  }
  return { maxAbs, differing };
}

export function exactnessTable(rows: Exactness[], numRows: number): string {
  const cell = (c: { maxAbs: number; differing: number } | null) => (c === null ? ['n/a', 'n/a'] : [sig(c.maxAbs), `${c.differing} / ${numRows}`]);
  return table(
    ['scorer', 'probability max abs diff', 'probability rows differing', 'raw max abs diff', 'raw rows differing'],
    rows.map((r) => [r.scorer, ...cell(r.prob), ...cell(r.raw)]),
  );
}
