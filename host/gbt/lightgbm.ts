// LightGBM text model loader (model files v2, v3, v4).
//
// Grammar (one `key=value` per line; blank lines separate blocks):
//   model    := "tree" NL header trees "end of trees" NL trailer
//   header   := { key "=" value NL | "average_output" NL }
//               keys used: version, num_class, num_tree_per_iteration,
//               max_feature_idx, objective, feature_names
//               (tree_sizes is ignored: it is not trusted)
//   trees    := { "Tree=" int NL { key "=" values NL } }
//               keys used: num_leaves, num_cat, split_feature, threshold,
//               decision_type, left_child, right_child, leaf_value,
//               cat_boundaries, cat_threshold, is_linear, leaf_const,
//               num_features, leaf_features, leaf_coeff
//   trailer  := feature importances, parameters, pandas_categorical (ignored)
// Children < 0 are leaves (~child). decision_type bits: 0 categorical,
// 1 default left, 2-3 missing type (0 None, 1 Zero, 2 NaN).
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/tree.cpp (Tree::Tree(const char*))
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/gbdt_model_text.cpp (LoadModelFromString)

import { ModelError } from '../core/errors.js';
import { type Forest, type Tree, type Transform, type LinearLeaves, SplitKind, MissingType, MAX_OUTPUTS, MAX_FEATURES } from './ir.js';

interface Block {
  values: Map<string, string>;
  lines: Map<string, number>;
  startLine: number;
}

/** Parses a LightGBM text model. `file` names the source in errors. */
export function parseLightGbm(text: string, file = '<model>'): Forest {
  const lines = text.split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== 'tree') {
    throw new ModelError(file, 'not a LightGBM text model (first line is not "tree")', { line: 1 });
  }
  const header: Block = { values: new Map(), lines: new Map(), startLine: 1 };
  const blocks: Block[] = [];
  let current = header;
  let ended = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line === 'end of trees') {
      ended = true;
      break;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      if (current === header) current.values.set(line, '');
      continue;
    }
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'Tree') {
      current = { values: new Map(), lines: new Map(), startLine: i + 1 };
      blocks.push(current);
      continue;
    }
    if (key === 'feature_importances' || key === 'parameters') break;
    current.values.set(key, value);
    current.lines.set(key, i + 1);
  }
  if (!ended) throw new ModelError(file, 'truncated LightGBM model: no "end of trees" line');

  const int = (b: Block, key: string, fallback?: number): number => {
    const v = b.values.get(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ModelError(file, `missing "${key}"`, { line: b.startLine });
    }
    const n = Number(v);
    if (!Number.isInteger(n)) throw new ModelError(file, `"${key}" is not an integer: ${v}`, { line: b.lines.get(key) });
    return n;
  };

  const numClass = int(header, 'num_class', 1);
  const perIteration = int(header, 'num_tree_per_iteration', numClass);
  const numFeatures = int(header, 'max_feature_idx') + 1;
  if (numClass < 1 || perIteration < 1 || numFeatures < 1 || numClass > MAX_OUTPUTS || perIteration > MAX_OUTPUTS || numFeatures > MAX_FEATURES) {
    throw new ModelError(file, `bad header: num_class=${numClass} num_tree_per_iteration=${perIteration} features=${numFeatures}`);
  }
  const names = header.values.get('feature_names');
  const featureNames = names ? names.split(' ') : null;
  const objective = header.values.get('objective') ?? 'regression';
  const { transform, param } = objectiveTransform(objective, file);
  // tree_sizes lists each tree's bytes: a file cut or edited short of its trees is not a smaller model.
  const sizes = header.values.get('tree_sizes');
  const declared = sizes === undefined ? blocks.length : sizes.trim() === '' ? 0 : sizes.trim().split(/\s+/).length;
  if (declared !== blocks.length) {
    throw new ModelError(file, `tree_sizes declares ${declared} trees but the file holds ${blocks.length}`, { line: header.lines.get('tree_sizes') });
  }
  const trees = blocks.map((b, t) => parseTree(b, t % perIteration, numFeatures, file));
  return {
    format: 'lightgbm',
    formatVersion: header.values.get('version') ?? 'v2',
    numFeatures,
    featureNames: featureNames && featureNames.length === numFeatures ? featureNames : null,
    numOutputs: perIteration,
    baseScore: new Array<number>(perIteration).fill(0),
    objective,
    transform,
    transformParam: param,
    averageOutput: header.values.has('average_output'),
    sumF32: false,
    trees,
  };
}

// ObjectiveFunction::ConvertOutput of each objective, keyed by the first word
// of the objective line ("binary sigmoid:1", "regression sqrt", ...).
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/objective/
function objectiveTransform(objective: string, file: string): { transform: Transform; param: number } {
  const [name = '', ...opts] = objective.split(' ');
  const opt = (key: string): number | undefined => {
    const o = opts.find((s) => s.startsWith(key + ':'));
    return o === undefined ? undefined : Number(o.slice(key.length + 1));
  };
  switch (name) {
    case 'binary':
      return { transform: 'sigmoid', param: opt('sigmoid') ?? 1 };
    case 'multiclass':
    case 'softmax':
      return { transform: 'softmax', param: 1 };
    case 'multiclassova':
    case 'multiclass_ova':
    case 'ova':
    case 'ovr':
      return { transform: 'ova-sigmoid', param: opt('sigmoid') ?? 1 };
    case 'regression':
    case 'regression_l2':
    case 'mean_squared_error':
    case 'mse':
    case 'l2':
    case 'l2_root':
    case 'root_mean_squared_error':
    case 'rmse':
    case 'regression_l1':
    case 'l1':
    case 'mean_absolute_error':
    case 'mae':
    case 'huber':
    case 'fair':
    case 'quantile':
    case 'mape':
    case 'mean_absolute_percentage_error':
      // The regression family shares RegressionL2loss::ConvertOutput (sqrt option).
      return { transform: opts.includes('sqrt') ? 'signed-square' : 'identity', param: 1 };
    case 'poisson':
    case 'gamma':
    case 'tweedie':
      return { transform: 'exp', param: 1 };
    case 'cross_entropy':
    case 'xentropy':
      return { transform: 'sigmoid', param: 1 };
    case 'cross_entropy_lambda':
    case 'xentlambda':
      return { transform: 'log1p-exp', param: 1 };
    case 'lambdarank':
    case 'rank_xendcg':
    case 'xendcg':
    case 'custom':
    case 'none':
    case 'null':
    case 'na':
      return { transform: 'identity', param: 1 };
    default:
      throw new ModelError(file, `unsupported LightGBM objective "${objective}"`);
  }
}

function parseTree(b: Block, group: number, numFeatures: number, file: string): Tree {
  const where = (key: string) => ({ line: b.lines.get(key) ?? b.startLine });
  const nums = (key: string, count: number, required = true): Float64Array => {
    const v = b.values.get(key);
    if (v === undefined) {
      if (!required) return new Float64Array(0);
      throw new ModelError(file, `tree is missing "${key}"`, { line: b.startLine });
    }
    const parts = v.trim() === '' ? [] : v.trim().split(/\s+/);
    if (count >= 0 && parts.length !== count) {
      throw new ModelError(file, `"${key}" has ${parts.length} values, expected ${count}`, where(key));
    }
    const out = new Float64Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const x = parseNumber(parts[i]!);
      if (Number.isNaN(x) && !/^[-+]?nan/i.test(parts[i]!)) {
        throw new ModelError(file, `"${key}" value ${i} is not a number: ${parts[i]}`, where(key));
      }
      out[i] = x;
    }
    return out;
  };
  const ints = (key: string, count: number, required = true): Int32Array => {
    const f = nums(key, count, required);
    const out = new Int32Array(f.length);
    for (let i = 0; i < f.length; i++) {
      if (!Number.isInteger(f[i])) throw new ModelError(file, `"${key}" value ${i} is not an integer`, where(key));
      out[i] = f[i]!;
    }
    return out;
  };

  const numLeaves = Number(b.values.get('num_leaves'));
  if (!Number.isInteger(numLeaves) || numLeaves < 1) {
    throw new ModelError(file, `bad num_leaves "${b.values.get('num_leaves')}"`, where('num_leaves'));
  }
  const n = numLeaves - 1;
  const leafValue = nums('leaf_value', numLeaves);
  const feature = n > 0 ? ints('split_feature', n) : new Int32Array(0);
  const threshold = n > 0 ? nums('threshold', n) : new Float64Array(0);
  const decision = n > 0 ? ints('decision_type', n) : new Int32Array(0);
  const left = n > 0 ? ints('left_child', n) : new Int32Array(0);
  const right = n > 0 ? ints('right_child', n) : new Int32Array(0);
  const numCat = Number(b.values.get('num_cat') ?? '0');
  const catBoundaries = numCat > 0 ? ints('cat_boundaries', numCat + 1) : new Int32Array(0);
  const catThreshold = numCat > 0 ? nums('cat_threshold', -1) : new Float64Array(0);

  const kind = new Uint8Array(n);
  const missing = new Uint8Array(n);
  const defaultLeft = new Uint8Array(n);
  const categories: (Uint32Array | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const f = feature[i]!;
    if (f < 0 || f >= numFeatures) throw new ModelError(file, `split_feature ${f} outside 0..${numFeatures - 1}`, where('split_feature'));
    for (const c of [left[i]!, right[i]!]) {
      if (c >= n || ~c >= numLeaves || c === i) {
        throw new ModelError(file, `child ${c} of node ${i} is outside the tree`, where(c === left[i] ? 'left_child' : 'right_child'));
      }
    }
    const d = decision[i]!;
    defaultLeft[i] = (d >> 1) & 1;
    missing[i] = (d >> 2) & 3;
    if (missing[i]! > MissingType.NaN) throw new ModelError(file, `bad missing type in decision_type ${d}`, where('decision_type'));
    if (d & 1) {
      kind[i] = SplitKind.LightGbmCategorical;
      const ci = threshold[i]!;
      if (!Number.isInteger(ci) || ci < 0 || ci >= numCat) {
        throw new ModelError(file, `categorical split ${i} names bitset ${ci}, but num_cat=${numCat}`, where('threshold'));
      }
      const lo = catBoundaries[ci]!;
      const hi = catBoundaries[ci + 1]!;
      if (!(lo >= 0 && lo <= hi && hi <= catThreshold.length)) {
        throw new ModelError(file, `cat_boundaries ${lo}..${hi} outside cat_threshold`, where('cat_boundaries'));
      }
      categories[i] = Uint32Array.from(catThreshold.subarray(lo, hi), (w) => w >>> 0);
    } else {
      kind[i] = SplitKind.LightGbmNumeric;
    }
  }
  checkReachable(left, right, numLeaves, file, b.startLine);

  let linear: LinearLeaves | null = null;
  if (b.values.get('is_linear') === '1') {
    const constant = nums('leaf_const', numLeaves);
    const counts = ints('num_features', numLeaves);
    const feats = ints('leaf_features', -1, false);
    const coeffs = nums('leaf_coeff', -1, false);
    const total = counts.reduce((s, c) => s + c, 0);
    if (feats.length !== total || coeffs.length !== total) {
      throw new ModelError(file, `linear leaves: num_features sums to ${total}, but leaf_features has ${feats.length} and leaf_coeff ${coeffs.length}`, where('leaf_features'));
    }
    linear = { constant, features: [], coeffs: [] };
    let at = 0;
    for (let l = 0; l < numLeaves; l++) {
      const c = counts[l]!;
      const fs = feats.slice(at, at + c);
      for (const f of fs) if (f < 0 || f >= numFeatures) throw new ModelError(file, `linear feature ${f} out of range`, where('leaf_features'));
      linear.features.push(fs);
      linear.coeffs.push(coeffs.slice(at, at + c));
      at += c;
    }
  }
  // Covers for explanations: hessian sums (leaf_weight) where written, else
  // row counts; single-leaf trees write them empty, and then none is needed.
  const cover = (['leaf_weight', 'leaf_count'] as const)
    .map((key) => (b.values.has(key) ? nums(key, -1) : null))
    .find((c) => c !== null && c.length === numLeaves) ?? null;
  return { feature, threshold, left, right, kind, missing, defaultLeft, categories, leafValue, leafCover: cover, linear, group, weight: 1 };
}

// Every leaf and internal node reached exactly once from the root: a tree,
// not a graph with cycles or orphans.
function checkReachable(left: Int32Array, right: Int32Array, numLeaves: number, file: string, line: number): void {
  const n = left.length;
  if (n === 0) return;
  const seenNode = new Uint8Array(n);
  const seenLeaf = new Uint8Array(numLeaves);
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seenNode[i]) throw new ModelError(file, `node ${i} is reached twice`, { line });
    seenNode[i] = 1;
    for (const c of [left[i]!, right[i]!]) {
      if (c >= 0) stack.push(c);
      else {
        if (seenLeaf[~c]) throw new ModelError(file, `leaf ${~c} is reached twice`, { line });
        seenLeaf[~c] = 1;
      }
    }
  }
  if (seenNode.includes(0) || seenLeaf.includes(0)) throw new ModelError(file, 'tree has unreachable nodes', { line });
}

/** Parses a number as LightGBM writes it (also "inf", "-inf", "nan"). */
export function parseNumber(s: string): number {
  const x = Number(s);
  if (!Number.isNaN(x) || s === 'NaN') return x;
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return NaN;
}
