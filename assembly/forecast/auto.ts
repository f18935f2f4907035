// Automatic model choice: every model of the family that the data allow,
// fitted by likelihood, the smallest AICc wins (ets()'s default "ZZZ" with
// restrict = TRUE and no multiplicative trend: additive error with additive
// or no season, multiplicative error with any season when the data are
// positive).

import { OK, E_FORECAST_TOO_SHORT } from "../status";
import { fitModel, CRIT_LIK } from "./fit";
import { NONE, ADD, MULT, DAMPED, RECORD_F64, rget, R_AICC, R_M } from "./record";

const trial: usize = heap.alloc(<usize>RECORD_F64 << 3);

/** Allow flags for autoFit. */
export const AUTO_SEASONAL: i32 = 1; // try seasonal models (when m > 1 and n >= 2m)
export const AUTO_MULTIPLICATIVE: i32 = 2; // try multiplicative error and season (when positive)
export const AUTO_TREND: i32 = 4; // try trend models

/** Fits the family to y[0..n) and writes the AICc-best model to r. Called per series refit. */
export function autoFit(y: usize, n: i32, m: i32, flags: i32, maxit: i32, r: usize): i32 {
  let positive = true;
  for (let i = 0; i < n; i++) if (!(load<f64>(y + (<usize>i << 3)) > 0)) { positive = false; break; }
  const seasonal = (flags & AUTO_SEASONAL) != 0 && m > 1 && n >= 2 * m + 4;
  const mult = (flags & AUTO_MULTIPLICATIVE) != 0 && positive;
  let bestAicc = Infinity;
  let found = false;
  let last = OK;
  for (let err = ADD; err <= MULT; err++) {
    if (err == MULT && !mult) continue;
    for (let trend = NONE; trend <= DAMPED; trend++) {
      if (trend != NONE && (flags & AUTO_TREND) == 0) continue;
      for (let season = NONE; season <= MULT; season++) {
        if (season != NONE && !seasonal) continue;
        if (season == MULT && !mult) continue;
        if (err == ADD && season == MULT) continue; // restrict = TRUE: numerically unstable
        const s = fitModel(y, n, err, trend, season, m, CRIT_LIK, maxit, trial);
        if (s != OK) { last = s; continue; }
        const aicc = rget(trial, R_AICC);
        if (!found || aicc < bestAicc) {
          bestAicc = aicc;
          found = true;
          memory.copy(r, trial, <usize>RECORD_F64 << 3);
        }
      }
    }
  }
  if (!found) return last == OK ? E_FORECAST_TOO_SHORT : last;
  return OK;
}
