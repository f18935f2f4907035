// A port of R's nmmin (src/appl/optim.c, the Nelder-Mead of optim()), which
// forecast's ets() calls through etsNelderMead: same simplex construction,
// same moves and the same stopping rule, so that the M4 benchmarks (R forecast
// 8.2's ses()/holt(), docs/FORECASTING.md) land where R lands. Bounds are the
// objective's business: it returns Infinity outside them, which nmmin turns
// into BIG.

/** The objective: parameters at `p` (n f64). */
export type Objective = (p: usize, n: i32) => f64;

const BIG: f64 = 1.0e35;
export const MAX_PARAMS: i32 = 8;

// P is n+1 rows by n+2 columns, row-major (R's P[i][j]).
const P = new StaticArray<f64>((MAX_PARAMS + 1) * (MAX_PARAMS + 2));
let evaluations: i32 = 0;

@inline function pAt(i: i32, j: i32): f64 {
  return unchecked(P[i * (MAX_PARAMS + 2) + j]);
}
@inline function pSet(i: i32, j: i32, v: f64): void {
  unchecked(P[i * (MAX_PARAMS + 2) + j] = v);
}

/** Function evaluations of the last nmmin run. */
export function lastEvaluations(): i32 {
  return evaluations;
}

/**
 * Minimises fn from the start at `b` (n f64, overwritten by the search's
 * scratch points), writing the best point to `x`; returns the best value.
 * Called once per model fit. alpha/beta/gamma: reflection, contraction and
 * expansion (R: 1, 0.5, 2); intol: relative tolerance (R's reltol).
 */
export function nmmin(n: i32, b: usize, x: usize, fn: Objective, abstol: f64, intol: f64, alpha: f64, bet: f64, gamm: f64, maxit: i32): f64 {
  let f = fn(b, n);
  evaluations = 1;
  if (!isFinite(f)) {
    for (let i = 0; i < n; i++) store<f64>(x + (<usize>i << 3), load<f64>(b + (<usize>i << 3)));
    return f;
  }
  const convtol = intol * (Math.abs(f) + intol);
  const n1 = n + 1;
  const C = n + 2;
  pSet(n1 - 1, 0, f);
  for (let i = 0; i < n; i++) pSet(i, 0, load<f64>(b + (<usize>i << 3)));
  let L = 1;
  let size = 0.0;
  let step = 0.0;
  for (let i = 0; i < n; i++) {
    const a = 0.1 * Math.abs(load<f64>(b + (<usize>i << 3)));
    if (a > step) step = a;
  }
  if (step == 0.0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) pSet(i, j - 1, load<f64>(b + (<usize>i << 3)));
    let trystep = step;
    const bj = load<f64>(b + (<usize>(j - 2) << 3));
    while (pAt(j - 2, j - 1) == bj) {
      pSet(j - 2, j - 1, bj + trystep);
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let VH: f64, VL: f64, VR: f64, H: i32;
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 != L) {
          for (let i = 0; i < n; i++) store<f64>(b + (<usize>i << 3), pAt(i, j));
          f = fn(b, n);
          if (!isFinite(f)) f = BIG;
          evaluations++;
          pSet(n1 - 1, j, f);
        }
      }
      calcvert = false;
    }
    VL = pAt(n1 - 1, L - 1);
    VH = VL;
    H = L;
    for (let j = 1; j <= n1; j++) {
      if (j != L) {
        f = pAt(n1 - 1, j - 1);
        if (f < VL) { L = j; VL = f; }
        if (f > VH) { H = j; VH = f; }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    for (let i = 0; i < n; i++) {
      let temp = -pAt(i, H - 1);
      for (let j = 0; j < n1; j++) temp += pAt(i, j);
      pSet(i, C - 1, temp / n);
    }
    for (let i = 0; i < n; i++) store<f64>(b + (<usize>i << 3), (1.0 + alpha) * pAt(i, C - 1) - alpha * pAt(i, H - 1));
    f = fn(b, n);
    if (!isFinite(f)) f = BIG;
    evaluations++;
    VR = f;
    if (VR < VL) {
      pSet(n1 - 1, C - 1, f);
      for (let i = 0; i < n; i++) {
        const bi = load<f64>(b + (<usize>i << 3));
        f = gamm * bi + (1 - gamm) * pAt(i, C - 1);
        pSet(i, C - 1, bi);
        store<f64>(b + (<usize>i << 3), f);
      }
      f = fn(b, n);
      if (!isFinite(f)) f = BIG;
      evaluations++;
      if (f < VR) {
        for (let i = 0; i < n; i++) pSet(i, H - 1, load<f64>(b + (<usize>i << 3)));
        pSet(n1 - 1, H - 1, f);
      } else {
        for (let i = 0; i < n; i++) pSet(i, H - 1, pAt(i, C - 1));
        pSet(n1 - 1, H - 1, VR);
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) pSet(i, H - 1, load<f64>(b + (<usize>i << 3)));
        pSet(n1 - 1, H - 1, VR);
      }
      for (let i = 0; i < n; i++) store<f64>(b + (<usize>i << 3), (1 - bet) * pAt(i, H - 1) + bet * pAt(i, C - 1));
      f = fn(b, n);
      if (!isFinite(f)) f = BIG;
      evaluations++;
      if (f < pAt(n1 - 1, H - 1)) {
        for (let i = 0; i < n; i++) pSet(i, H - 1, load<f64>(b + (<usize>i << 3)));
        pSet(n1 - 1, H - 1, f);
      } else if (VR >= VH) {
        calcvert = true;
        size = 0.0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 != L) {
            for (let i = 0; i < n; i++) {
              pSet(i, j, bet * (pAt(i, j) - pAt(i, L - 1)) + pAt(i, L - 1));
              size += Math.abs(pAt(i, j) - pAt(i, L - 1));
            }
          }
        }
        if (size < oldsize) oldsize = size;
        else break;
      }
    }
  } while (evaluations <= maxit);
  for (let i = 0; i < n; i++) store<f64>(x + (<usize>i << 3), pAt(i, L - 1));
  return pAt(n1 - 1, L - 1);
}
