// Validation metrics over raw scores: ROC-AUC for binary labels (ties count
// one half, as in scikit-learn's roc_auc_score), RMSE for regression.

/** ROC-AUC of raw scores against 0/1 labels; NaN when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let np = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > 0) np++;
  const nn = labels.length - np;
  if (np === 0 || nn === 0) return NaN;
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  for (let i = 0, p = 0, q = 0; i < labels.length; i++) {
    if (labels[i]! > 0) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives below it, plus half of those equal to it.
  let below = 0;
  let equalEnd = 0;
  let sum = 0;
  for (let i = 0; i < np; i++) {
    const s = pos[i]!;
    while (below < nn && neg[below]! < s) below++;
    if (equalEnd < below) equalEnd = below;
    while (equalEnd < nn && neg[equalEnd]! === s) equalEnd++;
    sum += below + (equalEnd - below) / 2;
  }
  return sum / np / nn;
}

/** Root mean squared error. */
export function rmse(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i]! - labels[i]!;
    s += d * d;
  }
  return Math.sqrt(s / labels.length);
}
