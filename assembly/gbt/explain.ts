// Path attribution (Saabas; XGBoost's approx_contribs): walking a row down a
// tree, each split moves the expected output from the node's mean to the
// child's; that change is credited to the split's feature. Per output the
// credits plus the bias (base score and root means) sum to the margin. Costs
// one extra load per step over scoring, so every scored event can carry its
// reasons.

import { Forest } from "./forest";
import { F_LEAF, F_SPECIAL, FEATURE_MASK, MODEL_SUM_F32 } from "./layout";
import { slowSplit } from "./predict";

/**
 * Writes contributions for rows [0, rows) of `input` to `out`: per row and
 * output, numFeatures + 1 f64 (the last is the bias). Called by explain().
 */
export function explainRows(f: Forest, input: usize, out: usize, rows: i32): void {
  const k = f.numOutputs;
  const width = f.numFeatures + 1;
  const stride = <usize>f.numFeatures << 3;
  const nodes = f.nodes;
  const values = f.nodeValue;
  memory.fill(out, 0, <usize>rows * k * width << 3);
  for (let r = 0; r < rows; r++) {
    const row = input + <usize>r * stride;
    const base = out + (<usize>r * k * width << 3);
    for (let j = 0; j < k; j++) {
      let b = load<f64>(f.baseScore + (<usize>j << 3));
      if (f.flags & MODEL_SUM_F32) b = <f64>(<f32>b);
      store<f64>(base + ((<usize>j * width + f.numFeatures) << 3), b);
    }
    for (let t = 0; t < f.numTrees; t++) {
      let n = load<u32>(f.treeRoot + (<usize>t << 2));
      const group = <usize>load<u32>(f.treeGroup + (<usize>t << 2));
      const w = load<f64>(f.treeWeight + (<usize>t << 3));
      const contrib = base + (group * width << 3);
      const bias = contrib + (<usize>f.numFeatures << 3);
      store<f64>(bias, load<f64>(bias) + w * load<f64>(values + (<usize>n << 3)));
      let node = nodes + (<usize>n << 4);
      let word = load<u32>(node, 8);
      while (!(word & (F_LEAF << 24))) {
        const feat = <usize>(word & FEATURE_MASK);
        const x = load<f64>(row + (feat << 3));
        let right: u32;
        if (word & (F_SPECIAL << 24)) right = slowSplit(node, word >>> 24, x, f.catWords);
        else right = <u32>(x > load<f64>(node)) | (<u32>(x != x) & ((word >>> 25) & 1));
        const next = load<u32>(node, 12) + right;
        const delta = load<f64>(values + (<usize>next << 3)) - load<f64>(values + (<usize>n << 3));
        const c = contrib + (feat << 3);
        store<f64>(c, load<f64>(c) + w * delta);
        n = next;
        node = nodes + (<usize>n << 4);
        word = load<u32>(node, 8);
      }
    }
  }
}
