// Feature binning, the way LightGBM's BinMapper does it, so that our bins
// (and so our thresholds) are LightGBM's: distinct values of the training
// rows (or of LightGBM's row sample beyond 200,000), bounds from them
// (bounds.ts), a last bin for NaN when the training rows have any, features
// no split could use dropped, the most frequent bin noted, every row binned.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/bin.cpp (FindBin, NeedFilter)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/bin.h (ValueToBin)

import { OK, E_BAD_ARGUMENT } from "../status";
import { numTrain, numRows, numFeatures, column, bins, realloc } from "./dataset";
import { LightRandom, dataSeed, sampleMask } from "./rng";
import { ZERO, distinct, counts, reserveBounds, findBounds, equalOrdered } from "./bounds";

export { ZERO };

export const MAX_BIN: i32 = 255;
/** Bounds per feature in featUpper: MAX_BIN + 1, rounded up. */
const UPPER_STRIDE: i32 = 256;
/** LightGBM missing types: NaN never seen in training (NaN reads as 0), or a NaN bin. */
export const MISSING_NONE: i32 = 0;
export const MISSING_NAN: i32 = 2;
/** LightGBM's bin_construct_sample_cnt: bins come from at most this many training rows. */
export const BIN_SAMPLE_ROWS: i32 = 200000;

export let featNumBins: usize = 0; // i32[F]
export let featMissing: usize = 0; // i32[F]
export let featOffset: usize = 0; // i32[F + 1]: first histogram bin of each feature
export let featUpper: usize = 0; // f64[F * 256]: bin upper bounds (NaN for the NaN bin)
export let featMostFreq: usize = 0; // i32[F]: LightGBM's most_freq_bin
export let featMin: usize = 0; // f64[F]
export let featMax: usize = 0; // f64[F]

let valuesArray = new Float64Array(0); // the non-zero training values, sorted
let values: usize = 0; // valuesArray's data
let scratchRows: i32 = 0;
let sampleRows: usize = 0; // u8[numTrain]: the rows bins are built from (when numTrain > BIN_SAMPLE_ROWS)
let sampleCap: i32 = 0;
let sampled = false;
let featCapacity: i32 = 0;
const binCount = new StaticArray<i32>(UPPER_STRIDE);

/** Sizes the per-feature tables and the sort scratch. Called by trainReserve. */
export function reserveBins(): void {
  if (numFeatures > featCapacity) {
    const f = <usize>numFeatures;
    featNumBins = realloc(featNumBins, f << 2);
    featMissing = realloc(featMissing, f << 2);
    featOffset = realloc(featOffset, (f + 1) << 2);
    featUpper = realloc(featUpper, f * <usize>UPPER_STRIDE << 3);
    featMostFreq = realloc(featMostFreq, f << 2);
    featMin = realloc(featMin, f << 3);
    featMax = realloc(featMax, f << 3);
    featCapacity = numFeatures;
  }
  memory.fill(featNumBins, 0, <usize>numFeatures << 2);
  if (numTrain > scratchRows) {
    const n = <usize>numTrain + 2;
    valuesArray = new Float64Array(<i32>n);
    values = valuesArray.dataStart;
    scratchRows = numTrain;
  }
  reserveBounds(numTrain);
  sampled = false;
}

/**
 * Draws the training rows bins are built from, as LightGBM does with
 * data_random_seed when there are more than bin_construct_sample_cnt.
 * Called by trainConfigure, after the seed is set.
 */
export function sampleBinRows(): void {
  sampled = numTrain > BIN_SAMPLE_ROWS;
  if (!sampled) return;
  if (numTrain > sampleCap) {
    sampleRows = realloc(sampleRows, <usize>numTrain);
    sampleCap = numTrain;
  }
  sampleMask(new LightRandom(dataSeed), numTrain, BIN_SAMPLE_ROWS, sampleRows);
}

/** LightGBM's most_freq_bin of feature f. */
// @ts-ignore: decorator
@inline export function mostFreqOf(f: i32): i32 {
  return load<i32>(featMostFreq + (<usize>f << 2));
}

/** Bins of feature f (0 until it is binned; 1 means it cannot split). */
// @ts-ignore: decorator
@inline export function numBinsOf(f: i32): i32 {
  return load<i32>(featNumBins + (<usize>f << 2));
}

// @ts-ignore: decorator
@inline export function missingOf(f: i32): i32 {
  return load<i32>(featMissing + (<usize>f << 2));
}

// @ts-ignore: decorator
@inline export function upperBound(f: i32, b: i32): f64 {
  return load<f64>(featUpper + ((<usize>f * <usize>UPPER_STRIDE + <usize>b) << 3));
}

/**
 * Bins the host-written column as feature f: bounds from the training rows,
 * then a bin for every row. Returns the feature's bin count or a status.
 * Called by trainBinColumn once per feature.
 */
export function binColumn(f: i32, maxBin: i32, minDataInBin: i32, minDataInLeaf: i32): i32 {
  if (f < 0 || f >= numFeatures || maxBin < 2 || maxBin > MAX_BIN || minDataInBin < 0) return E_BAD_ARGUMENT;
  let n = 0;
  let na = 0;
  const total = sampled ? BIN_SAMPLE_ROWS : numTrain;
  // DatasetLoader: min_data_in_leaf scaled to the sample.
  const filter = sampled ? <i32>(<f64>minDataInLeaf * <f64>total / <f64>numTrain) : minDataInLeaf;
  for (let r = 0; r < numTrain; r++) {
    if (sampled && load<u8>(sampleRows + <usize>r) == 0) continue;
    const x = load<f64>(column + (<usize>r << 3));
    if (x != x) na++;
    else if (abs(x) > ZERO) store<f64>(values + (<usize>(n++) << 3), x);
  }
  const zeroCnt = total - n - na;
  if (n > 1) valuesArray.subarray(0, n).sort();

  // Distinct values with counts, zero placed where it falls.
  let nd = 0;
  if (n == 0 || (load<f64>(values) > 0 && zeroCnt > 0)) nd = push(nd, 0, zeroCnt);
  if (n > 0) nd = push(nd, load<f64>(values), 1);
  for (let i = 1; i < n; i++) {
    const a = load<f64>(values + (<usize>(i - 1) << 3));
    const b = load<f64>(values + (<usize>i << 3));
    if (!equalOrdered(a, b)) {
      if (a < 0 && b > 0) nd = push(nd, 0, zeroCnt);
      nd = push(nd, b, 1);
    } else {
      // Nearly equal values share a bin and keep the larger value.
      store<f64>(distinct + (<usize>(nd - 1) << 3), b);
      store<i32>(counts + (<usize>(nd - 1) << 2), load<i32>(counts + (<usize>(nd - 1) << 2)) + 1);
    }
  }
  if (n > 0 && load<f64>(values + (<usize>(n - 1) << 3)) < 0 && zeroCnt > 0) nd = push(nd, 0, zeroCnt);

  let missing = na > 0 ? MISSING_NAN : MISSING_NONE;
  const out = featUpper + (<usize>f * <usize>UPPER_STRIDE << 3);
  let nb = missing == MISSING_NAN
    ? findBounds(nd, maxBin - 1, total - na, minDataInBin, out)
    : findBounds(nd, maxBin, total, minDataInBin, out);
  if (missing == MISSING_NAN) store<f64>(out + (<usize>(nb++) << 3), NaN);
  countBins(nd, nb, na, out);
  if (nb > 1 && !canSplit(nb, total, filter)) {
    // LightGBM's feature_pre_filter: no split could leave min_data_in_leaf
    // rows on both sides, so the feature is dropped (one bin, never split).
    nb = 1;
    missing = MISSING_NONE;
    store<f64>(out, Infinity);
  }
  store<i32>(featNumBins + (<usize>f << 2), nb);
  store<i32>(featMissing + (<usize>f << 2), missing);
  store<i32>(featMostFreq + (<usize>f << 2), nb > 1 ? mostFreqBin(f, nb, total) : 0);
  store<f64>(featMin + (<usize>f << 3), load<f64>(distinct));
  store<f64>(featMax + (<usize>f << 3), load<f64>(distinct + (<usize>(nd - 1) << 3)));

  const col = bins + <usize>f * <usize>numRows;
  for (let r = 0; r < numRows; r++) {
    store<u8>(col + <usize>r, <u8>valueToBin(f, load<f64>(column + (<usize>r << 3))));
  }
  return nb;
}

// @ts-ignore: decorator
@inline function push(nd: i32, v: f64, c: i32): i32 {
  store<f64>(distinct + (<usize>nd << 3), v);
  store<i32>(counts + (<usize>nd << 2), c);
  return nd + 1;
}

// Training rows per bin (BinMapper::FindBin's cnt_in_bin): distinct values
// walked against the bounds, the NaN bin (last) from the NaN count.
function countBins(nd: i32, nb: i32, na: i32, bounds: usize): void {
  for (let b = 0; b < nb; b++) unchecked(binCount[b] = 0);
  let b = 0;
  for (let i = 0; i < nd; i++) {
    const v = load<f64>(distinct + (<usize>i << 3));
    while (b < nb - 1 && v > load<f64>(bounds + (<usize>b << 3))) b++;
    unchecked(binCount[b] += load<i32>(counts + (<usize>i << 2)));
  }
  if (na > 0) unchecked(binCount[nb - 1] = na);
}

// BinMapper's NeedFilter, negated: some bin boundary leaves at least
// `minData` training rows on each side.
function canSplit(nb: i32, total: i32, minData: i32): bool {
  let left = 0;
  for (let b = 0; b < nb - 1; b++) {
    left += unchecked(binCount[b]);
    if (left >= minData && total - left >= minData) return true;
  }
  return false;
}

// The most frequent bin, or the bin of 0 unless the most frequent one holds
// at least kSparseThreshold (70%) of the rows. LightGBM leaves that bin out
// of its histograms and recovers it as the leaf's total less the others,
// which changes the arithmetic (histogram.ts fixBin, split.ts).
function mostFreqBin(f: i32, nb: i32, total: i32): i32 {
  let best = 0;
  for (let b = 1; b < nb; b++) if (unchecked(binCount[b]) > unchecked(binCount[best])) best = b;
  const zero = valueToBin(f, 0);
  if (best != zero && <f64>unchecked(binCount[best]) / <f64>total < 0.7) best = zero;
  return best;
}

/** LightGBM BinMapper::ValueToBin for a binned feature. */
export function valueToBin(f: i32, x: f64): i32 {
  const nb = numBinsOf(f);
  const nan = missingOf(f) == MISSING_NAN;
  if (x != x) {
    if (nan) return nb - 1;
    x = 0;
  }
  let l = 0;
  let r = nan ? nb - 2 : nb - 1;
  while (l < r) {
    const m = (r + l - 1) >> 1;
    if (x <= upperBound(f, m)) r = m;
    else l = m + 1;
  }
  return l;
}

/** Lays out the histogram: each feature's bins after the previous feature's. Called by trainStart. */
export function layoutBins(): i32 {
  let total = 0;
  for (let f = 0; f < numFeatures; f++) {
    const nb = numBinsOf(f);
    if (nb == 0) return E_BAD_ARGUMENT; // a feature was never binned
    store<i32>(featOffset + (<usize>f << 2), total);
    total += nb;
  }
  store<i32>(featOffset + (<usize>numFeatures << 2), total);
  return OK;
}

/** First histogram bin of feature f. */
// @ts-ignore: decorator
@inline export function offsetOf(f: i32): i32 {
  return load<i32>(featOffset + (<usize>f << 2));
}

/** Histogram bins of all features together. */
export function totalBins(): i32 {
  return load<i32>(featOffset + (<usize>numFeatures << 2));
}
