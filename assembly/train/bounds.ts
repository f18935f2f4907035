// Bin bounds from a feature's distinct values and their counts, as
// LightGBM's BinMapper finds them: negatives and positives binned apart
// with zero alone between them, one bin per value when they fit, else
// greedy bins of about equal counts (a value holding a bin's worth alone),
// at least min_data_in_bin rows a bin, each bound the next double above the
// midpoint between neighbouring values.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/bin.cpp (GreedyFindBin, FindBinWithZeroAsOneBin)

import { realloc } from "./dataset";

/** LightGBM's kZeroThreshold (1e-35f): |x| at or below it is zero. */
export const ZERO: f64 = <f64>(<f32>1e-35);
const MAX_BOUNDS: i32 = 256;

/** The distinct values (ascending) and their row counts; bins.ts fills them. */
export let distinct: usize = 0; // f64[rows + 2]
export let counts: usize = 0; // i32[rows + 2]
let isBig: usize = 0; // u8[rows + 2]
let capacity: i32 = 0;
const upperTmp = new StaticArray<f64>(MAX_BOUNDS);
const lowerTmp = new StaticArray<f64>(MAX_BOUNDS);

/** Room for the distinct values of `rows` rows. Called by trainReserve. */
export function reserveBounds(rows: i32): void {
  if (rows <= capacity) return;
  const n = <usize>rows + 2;
  distinct = realloc(distinct, n << 3);
  counts = realloc(counts, n << 2);
  isBig = realloc(isBig, n);
  capacity = rows;
}

/** The next double above x (std::nextafter(x, INFINITY)) for finite x. */
export function nextUp(x: f64): f64 {
  if (x == 0) return reinterpret<f64>(<u64>1);
  const bits = reinterpret<u64>(x);
  return reinterpret<f64>(x > 0 ? bits + 1 : bits - 1);
}

// Common::CheckDoubleEqualOrdered: b is a or the next double above it.
// @ts-ignore: decorator
@inline export function equalOrdered(a: f64, b: f64): bool {
  return b <= nextUp(a);
}

/**
 * FindBinWithZeroAsOneBin over distinct[0, nd): writes at most maxBin bounds
 * to `out` (the last +Infinity) and returns how many. Called once per feature.
 */
export function findBounds(nd: i32, maxBin: i32, total: i32, minDataInBin: i32, out: usize): i32 {
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
