// What a model must be before it may score: checks on the IR that every
// loader produces, run by parseModel before a model is handed out. A model
// that fails them would fail open (a NaN leaf scores NaN, which no threshold
// blocks; no trees scores a constant), so it is refused with what and where.
//
//   - at least one tree, and as many as the file declares (LightGBM
//     tree_sizes, XGBoost num_trees: a cut file is not a smaller model);
//   - every leaf value, linear-leaf constant and coefficient, tree weight
//     (XGBoost DART), base score and transform parameter finite;
//   - no NaN threshold; an infinite one only in LightGBM files, which write
//     `inf` themselves (x <= inf is every non-missing x, as LightGBM
//     decides; test/fixtures/gbt/lgb4_tweedie has one).

import { ModelError } from '../core/errors.js';
import type { Forest } from './ir.js';

/** Throws ModelError unless the forest may score. `declaredTrees`: what the file says it holds, when it says. */
export function checkForest(f: Forest, file: string, declaredTrees?: number): void {
  if (f.trees.length === 0) throw new ModelError(file, 'the model has no trees (it would score a constant for every row)');
  if (declaredTrees !== undefined && declaredTrees !== f.trees.length) {
    throw new ModelError(file, `the model declares ${declaredTrees} trees but holds ${f.trees.length} (cut or edited?)`);
  }
  for (let k = 0; k < f.baseScore.length; k++) {
    if (!Number.isFinite(f.baseScore[k]!)) throw new ModelError(file, `base score ${k} is not finite (${f.baseScore[k]})`);
  }
  if (!Number.isFinite(f.transformParam)) throw new ModelError(file, `the objective's parameter is not finite (${f.transformParam})`);
  for (let t = 0; t < f.trees.length; t++) {
    const tree = f.trees[t]!;
    const at = `tree ${t}`;
    if (!Number.isFinite(tree.weight)) throw new ModelError(file, `${at}: weight ${tree.weight} is not finite`);
    for (let l = 0; l < tree.leafValue.length; l++) {
      if (!Number.isFinite(tree.leafValue[l]!)) throw new ModelError(file, `${at}: leaf ${l} value ${tree.leafValue[l]} is not finite`);
    }
    for (let n = 0; n < tree.threshold.length; n++) {
      const x = tree.threshold[n]!;
      if (Number.isNaN(x) || (!Number.isFinite(x) && f.format !== 'lightgbm')) throw new ModelError(file, `${at}: node ${n} threshold ${x} is not finite`);
    }
    const lin = tree.linear;
    if (lin !== null) {
      for (let l = 0; l < lin.constant.length; l++) {
        if (!Number.isFinite(lin.constant[l]!)) throw new ModelError(file, `${at}: linear leaf ${l} constant ${lin.constant[l]} is not finite`);
        const c = lin.coeffs[l]!;
        for (let j = 0; j < c.length; j++) if (!Number.isFinite(c[j]!)) throw new ModelError(file, `${at}: linear leaf ${l} coefficient ${j} is ${c[j]}`);
      }
    }
  }
}
