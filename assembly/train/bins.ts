// Feature binning, the way LightGBM's BinMapper does it, so that our bins
// (and so our thresholds) are LightGBM's: distinct values of the training
// rows, zero kept in a bin of its own, greedy equal-count bins of at least
// min_data_in_bin rows, a bound half-way between neighbouring values, and a
// last bin for NaN when the training rows have any.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/bin.cpp (FindBin, GreedyFindBin, FindBinWithZeroAsOneBin)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/include/LightGBM/bin.h (ValueToBin)

import { OK, E_BAD_ARGUMENT } from "../status";
import { numTrain, numRows, numFeatures, column, bins, realloc } from "./dataset";
import { LightRandom, dataSeed, sampleMask } from "./rng";

export const MAX_BIN: i32 = 255;
/** Bounds per feature in featUpper: MAX_BIN + 1, rounded up. */
const UPPER_STRIDE: i32 = 256;
/** LightGBM missing types: NaN never seen in training (NaN reads as 0), or a NaN bin. */
export const MISSING_NONE: i32 = 0;
export const MISSING_NAN: i32 = 2;
/** LightGBM's kZeroThreshold (1e-35f): |x| at or below it is zero. */
export const ZERO: f64 = <f64>(<f32>1e-35);
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
let distinct: usize = 0; // f64[numTrain + 2]
let counts: usize = 0; // i32[numTrain + 2]
let isBig: usize = 0; // u8[numTrain + 2]
let scratchRows: i32 = 0;
let sampleRows: usize = 0; // u8[numTrain]: the rows bins are built from (when numTrain > BIN_SAMPLE_ROWS)
let sampleCap: i32 = 0;
let sampled = false;
let featCapacity: i32 = 0;
const upperTmp = new StaticArray<f64>(UPPER_STRIDE);
const lowerTmp = new StaticArray<f64>(UPPER_STRIDE);
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
    distinct = realloc(distinct, n << 3);
    counts = realloc(counts, n << 2);
    isBig = realloc(isBig, n);
    scratchRows = numTrain;
  }
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

/** The next double above x (std::nextafter(x, INFINITY)) for finite x. */
function nextUp(x: f64): f64 {
  if (x == 0) return reinterpret<f64>(<u64>1);
  const bits = reinterpret<u64>(x);
  return reinterpret<f64>(x > 0 ? bits + 1 : bits - 1);
}

// Common::CheckDoubleEqualOrdered: b is a or the next double above it.
// @ts-ignore: decorator
@inline function equalOrdered(a: f64, b: f64): bool {
  return b <= nextUp(a);
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
    ? zeroAsOneBin(nd, maxBin - 1, total - na, minDataInBin, out)
    : zeroAsOneBin(nd, maxBin, total, minDataInBin, out);
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

// FindBinWithZeroAsOneBin: negatives and positives binned apart, zero alone
// between them. Writes bounds to `out`; returns how many.
function zeroAsOneBin(nd: i32, maxBin: i32, total: i32, minDataInBin: i32, out: usize): i32 {
  let leftData = 0;
  let zeroData = 0;
  let rightData = 0;
  for (let i = 0; i < nd; i++) {
    const v = load<f64>(distinct + (<usize>i << 3));
    const c = load<i32>(counts + (<usize>i << 2));
    if (v <= -ZERO) leftData += c;
    else if (v > ZERO) rightData += c;
    else zeroData += c;
  }
  let leftCnt = nd;
  for (let i = 0; i < nd; i++) {
    if (load<f64>(distinct + (<usize>i << 3)) > -ZERO) { leftCnt = i; break; }
  }
  let k = 0;
  if (leftCnt > 0 && maxBin > 1) {
    const leftMaxBin = max(1, <i32>(<f64>leftData / <f64>(total - zeroData) * <f64>(maxBin - 1)));
    k = greedy(0, leftCnt, leftMaxBin, leftData, minDataInBin, out);
    if (k > 0) store<f64>(out + (<usize>(k - 1) << 3), -ZERO);
  }
  let rightStart = -1;
  for (let i = leftCnt; i < nd; i++) {
    if (load<f64>(distinct + (<usize>i << 3)) > ZERO) { rightStart = i; break; }
  }
  const rightMaxBin = maxBin - 1 - k;
  if (rightStart >= 0 && rightMaxBin > 0) {
    store<f64>(out + (<usize>(k++) << 3), ZERO);
    k += greedy(rightStart, nd - rightStart, rightMaxBin, rightData, minDataInBin, out + (<usize>k << 3));
  } else {
    store<f64>(out + (<usize>(k++) << 3), Infinity);
  }
  return k;
}

// GreedyFindBin over distinct[start, start + nd): one bin per value when they
// fit, else bins of about equal counts, values holding a bin's worth alone.
function greedy(start: i32, nd: i32, maxBin: i32, total: i32, minDataInBin: i32, out: usize): i32 {
  const dv = distinct + (<usize>start << 3);
  const cv = counts + (<usize>start << 2);
  let k = 0;
  if (nd <= maxBin) {
    let cur = 0;
    for (let i = 0; i < nd - 1; i++) {
      cur += load<i32>(cv + (<usize>i << 2));
      if (cur >= minDataInBin) {
        const val = nextUp((load<f64>(dv + (<usize>i << 3)) + load<f64>(dv + (<usize>(i + 1) << 3))) / 2.0);
        if (k == 0 || !equalOrdered(load<f64>(out + (<usize>(k - 1) << 3)), val)) {
          store<f64>(out + (<usize>(k++) << 3), val);
          cur = 0;
        }
      }
    }
    store<f64>(out + (<usize>(k++) << 3), Infinity);
    return k;
  }
  if (minDataInBin > 0) maxBin = max(1, min(maxBin, total / minDataInBin));
  let meanBinSize = <f64>total / <f64>maxBin;
  let restBinCnt = maxBin;
  let restSampleCnt = total;
  for (let i = 0; i < nd; i++) {
    const c = load<i32>(cv + (<usize>i << 2));
    const big = <f64>c >= meanBinSize;
    store<u8>(isBig + <usize>i, <u8>big);
    if (big) {
      restBinCnt--;
      restSampleCnt -= c;
    }
  }
  meanBinSize = <f64>restSampleCnt / <f64>restBinCnt;
  for (let i = 0; i < maxBin; i++) {
    unchecked(upperTmp[i] = Infinity);
    unchecked(lowerTmp[i] = Infinity);
  }
  let binCnt = 0;
  unchecked(lowerTmp[0] = load<f64>(dv));
  let cur = 0;
  for (let i = 0; i < nd - 1; i++) {
    const c = load<i32>(cv + (<usize>i << 2));
    const big = load<u8>(isBig + <usize>i) != 0;
    if (!big) restSampleCnt -= c;
    cur += c;
    if (big || <f64>cur >= meanBinSize ||
        (load<u8>(isBig + <usize>(i + 1)) != 0 && <f64>cur >= max(1.0, meanBinSize * <f64>(<f32>0.5)))) {
      unchecked(upperTmp[binCnt] = load<f64>(dv + (<usize>i << 3)));
      binCnt++;
      unchecked(lowerTmp[binCnt] = load<f64>(dv + (<usize>(i + 1) << 3)));
      if (binCnt >= maxBin - 1) break;
      cur = 0;
      if (!big) {
        restBinCnt--;
        meanBinSize = <f64>restSampleCnt / <f64>restBinCnt;
      }
    }
  }
  binCnt++;
  for (let i = 0; i < binCnt - 1; i++) {
    const val = nextUp((unchecked(upperTmp[i]) + unchecked(lowerTmp[i + 1])) / 2.0);
    if (k == 0 || !equalOrdered(load<f64>(out + (<usize>(k - 1) << 3)), val)) store<f64>(out + (<usize>(k++) << 3), val);
  }
  store<f64>(out + (<usize>(k++) << 3), Infinity);
  return k;
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
