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

/**
 * PR-AUC as average precision (scikit-learn's average_precision_score):
 * the precision at each distinct score, weighted by the recall it adds.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length;
  let np = 0;
  for (let i = 0; i < n; i++) if (labels[i]! > 0) np++;
  if (np === 0) return NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < n; ) {
    // All rows with this score enter together.
    const s = scores[order[i]!]!;
    while (i < n && scores[order[i]!]! === s) {
      if (labels[order[i]!]! > 0) tp++;
      seen++;
      i++;
    }
    const recall = tp / np;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

/** Precision and recall of "score >= threshold" as the positive call. */
export function precisionRecallAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const hit = scores[i]! >= threshold;
    if (labels[i]! > 0) hit ? tp++ : fn++;
    else if (hit) fp++;
  }
  return { precision: tp + fp > 0 ? tp / (tp + fp) : NaN, recall: tp + fn > 0 ? tp / (tp + fn) : NaN };
}
