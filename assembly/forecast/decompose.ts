// The seasonality test and classical decomposition of the M4 benchmarks
// (https://github.com/M4Competitions/M4-methods, "Benchmarks and
// Evaluation.R"): R's acf() and decompose(), and lsfit() for a line.

/** Autocorrelation at lag k of y[0..n) (R's acf: demeaned, both sums over n). */
export function acf(y: usize, n: i32, k: i32): f64 {
  let mean: f64 = 0;
  for (let i = 0; i < n; i++) mean += load<f64>(y + (<usize>i << 3));
  mean /= n;
  let c0: f64 = 0;
  let ck: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = load<f64>(y + (<usize>i << 3)) - mean;
    c0 += d * d;
    if (i + k < n) ck += d * (load<f64>(y + (<usize>(i + k) << 3)) - mean);
  }
  return c0 == 0 ? 0 : ck / c0;
}

/**
 * The M4 90% seasonality test: |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n),
 * only for series of at least 3 periods.
 */
export function isSeasonal(y: usize, n: i32, m: i32): bool {
  if (m <= 1 || n < 3 * m) return false;
  let sum: f64 = 0;
  for (let k = 1; k < m; k++) {
    const r = acf(y, n, k);
    sum += r * r;
  }
  const limit = 1.645 / Math.sqrt(<f64>n) * Math.sqrt(1 + 2 * sum);
  const rm = acf(y, n, m);
  return Math.abs(rm) > limit;
}

/**
 * R's decompose(): a centred moving average of order m (2 x m when m is even)
 * as the trend, the mean ratio (or difference) to it per position in the
 * period, normalised to mean 1 (or 0). Writes the m indices to fig; position
 * i of the series has index fig[i % m]. Needs n >= 2m. Called per series.
 */
export function decompose(y: usize, n: i32, m: i32, multiplicative: bool, fig: usize): void {
  const even = (m & 1) == 0;
  const half = m >> 1; // R's filter offset: length(filter) %/% 2
  for (let j = 0; j < m; j++) store<f64>(fig + (<usize>j << 3), 0);
  // counts of non-NA ratios per position, kept after the figures
  const counts = new StaticArray<i32>(m);
  for (let i = half; i < n - half; i++) {
    let t: f64 = 0;
    if (even) {
      t = 0.5 * load<f64>(y + (<usize>(i - half) << 3)) + 0.5 * load<f64>(y + (<usize>(i + half) << 3));
      for (let k = i - half + 1; k < i + half; k++) t += load<f64>(y + (<usize>k << 3));
    } else {
      for (let k = i - half; k <= i + half; k++) t += load<f64>(y + (<usize>k << 3));
    }
    t /= m;
    const yi = load<f64>(y + (<usize>i << 3));
    const r = multiplicative ? yi / t : yi - t;
    if (isNaN(r)) continue; // R's mean(na.rm = TRUE)
    const j = i % m;
    store<f64>(fig + (<usize>j << 3), load<f64>(fig + (<usize>j << 3)) + r);
    unchecked(counts[j]++);
  }
  let mean: f64 = 0;
  for (let j = 0; j < m; j++) {
    const v = load<f64>(fig + (<usize>j << 3)) / <f64>unchecked(counts[j]);
    store<f64>(fig + (<usize>j << 3), v);
    mean += v;
  }
  mean /= m;
  for (let j = 0; j < m; j++) {
    const v = load<f64>(fig + (<usize>j << 3));
    store<f64>(fig + (<usize>j << 3), multiplicative ? v / mean : v - mean);
  }
}

export let lineIntercept: f64 = 0;
export let lineSlope: f64 = 0;

/** Least squares line through (x0 + i, y[i]) for i < n (R's lsfit); sets lineIntercept (at x = 0) and lineSlope. */
export function fitLine(y: usize, n: i32, x0: f64): void {
  let mx: f64 = 0;
  let my: f64 = 0;
  for (let i = 0; i < n; i++) {
    mx += x0 + <f64>i;
    my += load<f64>(y + (<usize>i << 3));
  }
  mx /= n;
  my /= n;
  let sxy: f64 = 0;
  let sxx: f64 = 0;
  for (let i = 0; i < n; i++) {
    const dx = x0 + <f64>i - mx;
    sxy += dx * (load<f64>(y + (<usize>i << 3)) - my);
    sxx += dx * dx;
  }
  lineSlope = sxx == 0 ? 0 : sxy / sxx;
  lineIntercept = my - lineSlope * mx;
}
