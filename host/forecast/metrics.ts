// The M4 accuracy measures (https://github.com/Mcompetitions/M4-methods,
// "Benchmarks and Evaluation.R"; Makridakis et al. 2020): sMAPE in percent,
// MASE scaled by the in-sample mean absolute seasonal difference at lag m,
// and OWA, the mean of a method's sMAPE and MASE each relative to Naive2's,
// both averaged over all series first.

/** sMAPE of one forecast: mean of 200 |y - f| / (|y| + |f|). */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    const d = Math.abs(a) + Math.abs(f);
    s += d === 0 ? 0 : (200 * Math.abs(a - f)) / d;
  }
  return s / actual.length;
}

/** MASE of one forecast: mean |y - f| over the in-sample mean |x_t - x_(t-m)|. */
export function mase(insample: ArrayLike<number>, actual: ArrayLike<number>, forecast: ArrayLike<number>, m: number): number {
  const lag = insample.length > m ? m : 1; // M4: the naive scale when the series is shorter than a period
  let scale = 0;
  for (let t = lag; t < insample.length; t++) scale += Math.abs(insample[t]! - insample[t - lag]!);
  scale /= insample.length - lag;
  let e = 0;
  for (let i = 0; i < actual.length; i++) e += Math.abs(actual[i]! - forecast[i]!);
  return e / actual.length / scale;
}

/** OWA from mean sMAPE and MASE and Naive2's. */
export function owa(meanSmape: number, meanMase: number, naive2Smape: number, naive2Mase: number): number {
  return (meanSmape / naive2Smape + meanMase / naive2Mase) / 2;
}
