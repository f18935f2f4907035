// The model IR: one structure-of-arrays form for every loader (LightGBM,
// XGBoost), keeping each library's own split semantics. pack.ts compiles it
// into the WASM blob; reference.ts interprets it directly.

/**
 * The largest models the loaders take: an output or feature count past these
 * is a broken file (it would only fail later, allocating per output or per
 * feature), refused with what it declares.
 */
export const MAX_OUTPUTS = 1 << 16;
export const MAX_FEATURES = 1 << 24;

/** How a split compares: LightGBM `x <= t` in double, XGBoost `float(x) < t` in float. */
export enum SplitKind {
  LightGbmNumeric = 0,
  XgboostNumeric = 1,
  LightGbmCategorical = 2,
  XgboostCategorical = 3,
}

/** LightGBM's missing types (decision_type bits 2-3); XGBoost nodes are all NaN. */
export enum MissingType {
  None = 0,
  Zero = 1,
  NaN = 2,
}

/** The objective transform, from margins to predictions. */
export type Transform =
  | 'identity'
  | 'sigmoid' // 1 / (1 + exp(-param * x)), double
  | 'softmax' // double (LightGBM)
  | 'ova-sigmoid' // sigmoid per class, double (LightGBM multiclassova)
  | 'exp' // double (LightGBM poisson, gamma, tweedie)
  | 'log1p-exp' // LightGBM cross_entropy_lambda
  | 'signed-square' // LightGBM reg_sqrt
  | 'sigmoid-f32' // XGBoost logistic
  | 'softmax-f32' // XGBoost multi:softprob
  | 'argmax' // XGBoost multi:softmax (one class index per row)
  | 'hinge' // XGBoost binary:hinge
  | 'exp-f32'; // XGBoost poisson, gamma, tweedie, cox

export interface LinearLeaves {
  /** Per leaf: constant, features and coefficients; empty features means constant. */
  constant: Float64Array;
  features: Int32Array[];
  coeffs: Float64Array[];
}

/**
 * One tree. Internal nodes are 0..n-1 with node 0 the root; a child >= 0 is
 * an internal node, a child < 0 is leaf ~child. A tree with no internal
 * nodes is a single leaf (leafValue[0]).
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  kind: Uint8Array; // SplitKind
  missing: Uint8Array; // MissingType
  defaultLeft: Uint8Array; // 0/1
  /** Categorical splits: the bitset of categories (bit c of word c >> 5). */
  categories: (Uint32Array | null)[];
  leafValue: Float64Array;
  /** Training cover of each leaf (hessian sum or row count), for explanations; null when the file has none. */
  leafCover: Float64Array | null;
  linear: LinearLeaves | null;
  /** Output (class) this tree adds to. */
  group: number;
  /** Multiplier of the leaf values (XGBoost DART weight_drop; 1 otherwise). */
  weight: number;
}

export interface Forest {
  format: 'lightgbm' | 'xgboost';
  /** The file's own version string (LightGBM "v4", XGBoost "2.1.3"). */
  formatVersion: string;
  numFeatures: number;
  featureNames: string[] | null;
  /** Margins per row: classes for multiclass, else 1. */
  numOutputs: number;
  /** Initial margin per output (XGBoost base_score after its link; 0 for LightGBM). */
  baseScore: number[];
  /** The library's own objective string, for model cards and errors. */
  objective: string;
  transform: Transform;
  /** Parameter of the transform (sigmoid slope); 1 when unused. */
  transformParam: number;
  /** LightGBM rf: predictions average the trees of each output. */
  averageOutput: boolean;
  /** XGBoost: margins accumulate in float32. */
  sumF32: boolean;
  trees: Tree[];
}

/** Iterations (trees per output) of a forest; the divisor of averageOutput. */
export function numIterations(f: Forest): number {
  return Math.max(1, Math.floor(f.trees.length / f.numOutputs));
}

/** Predictions per row after the transform. */
export function numPredictions(f: Forest): number {
  return f.transform === 'argmax' ? 1 : f.numOutputs;
}

/**
 * Cover-weighted mean leaf value below each internal node: the expected
 * output there, which path attribution (Saabas; XGBoost's approx_contribs)
 * measures each split's change against. Equal weights without covers.
 */
export function nodeMeans(tree: Tree): Float64Array {
  const n = tree.feature.length;
  const mean = new Float64Array(n);
  const cover = new Float64Array(n);
  const leafCover = (l: number) => Math.max(tree.leafCover?.[l] ?? 1, 0);
  // Children come in any order in the IR, so resolve bottom-up by recursion.
  const visit = (c: number): [number, number] => {
    if (c < 0) return [tree.leafValue[~c]!, leafCover(~c)];
    const [lm, lc] = visit(tree.left[c]!);
    const [rm, rc] = visit(tree.right[c]!);
    cover[c] = lc + rc;
    mean[c] = cover[c] > 0 ? (lm * lc + rm * rc) / cover[c] : (lm + rm) / 2;
    return [mean[c], cover[c]];
  };
  if (n > 0) visit(0);
  return mean;
}
