// XGBoost JSON model loader (save_model("*.json") of 1.x, 2.x, 3.x).
//
// Grammar (the parts read; everything else is ignored):
//   {"version": [major, minor, patch],
//    "learner": {
//      "learner_model_param": {"base_score": "5E-1" | "[5E-1,...]",
//                              "num_class": "0", "num_feature": "10", "num_target": "1"},
//      "objective": {"name": "binary:logistic", ...},
//      "feature_names": [...],
//      "gradient_booster": GBTREE | {"name": "dart", "gbtree": GBTREE, "weight_drop": [w...]}}}
//   GBTREE := {"name": "gbtree", "model": {"trees": [TREE...], "tree_info": [group...]}}
//   TREE   := {"left_children", "right_children", "split_indices", "split_conditions",
//              "default_left", "split_type", "categories", "categories_nodes",
//              "categories_segments", "categories_sizes", "tree_param": {"size_leaf_vector"}}
// A node with left child -1 is a leaf; its value is its split_condition.
// Non-finite floats are written as bare NaN / Infinity / -Infinity tokens,
// which JSON.parse rejects; they are quoted before parsing.
// https://github.com/dmlc/xgboost/blob/v2.1.3/src/tree/tree_model.cc (RegTree::LoadModel)
// https://github.com/dmlc/xgboost/blob/v2.1.3/src/gbm/gbtree.cc (Dart::PredictBatchImpl)

import { ModelError } from '../core/errors.js';
import { type Forest, type Tree, type Transform, SplitKind, MissingType, MAX_OUTPUTS, MAX_FEATURES } from './ir.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const f32 = Math.fround;

/** Parses an XGBoost JSON model. `file` names the source in errors. */
export function parseXgboost(text: string, file = '<model>'): Forest {
  let doc: Json;
  try {
    doc = JSON.parse(quoteNonFinite(text), (_k, v) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v));
  } catch (e) {
    throw new ModelError(file, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const learner = doc?.learner;
  if (typeof learner !== 'object' || learner === null) throw new ModelError(file, 'not an XGBoost JSON model (no "learner")');
  const param = learner.learner_model_param ?? {};
  const numFeatures = Number(param.num_feature);
  if (!Number.isInteger(numFeatures) || numFeatures < 1 || numFeatures > MAX_FEATURES) throw new ModelError(file, `bad learner_model_param.num_feature "${param.num_feature}"`);
  const numClass = Number(param.num_class ?? 0);
  const numTarget = Number(param.num_target ?? 1);
  for (const [name, n] of [['num_class', numClass], ['num_target', numTarget]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_OUTPUTS) throw new ModelError(file, `bad learner_model_param.${name} "${param[name]}"`);
  }
  const numOutputs = Math.max(1, numClass, numTarget);
  const objective = String(learner.objective?.name ?? '');
  const transform = objectiveTransform(objective, file);

  const booster = learner.gradient_booster ?? {};
  let model: Json;
  let weights: number[] | null = null;
  if (booster.name === 'dart') {
    model = booster.gbtree?.model;
    weights = (booster.weight_drop ?? []).map(Number);
  } else if (booster.name === 'gbtree' || booster.name === undefined) {
    model = booster.model;
  } else {
    throw new ModelError(file, `unsupported booster "${booster.name}" (gbtree and dart are supported)`);
  }
  const jsonTrees: Json[] = model?.trees;
  if (!Array.isArray(jsonTrees)) throw new ModelError(file, 'no gradient_booster trees');
  const declared = model.gbtree_model_param?.num_trees;
  if (declared !== undefined && Number(declared) !== jsonTrees.length) {
    throw new ModelError(file, `gbtree_model_param.num_trees declares ${declared} trees but the file holds ${jsonTrees.length}`);
  }
  const info: number[] = model.tree_info ?? [];
  if (weights !== null && weights.length !== jsonTrees.length) {
    throw new ModelError(file, `dart weight_drop has ${weights.length} weights for ${jsonTrees.length} trees`);
  }
  const trees = jsonTrees.map((t, i) => {
    const group = Number(info[i] ?? 0);
    if (!Number.isInteger(group) || group < 0 || group >= numOutputs) throw new ModelError(file, `tree ${i}: tree_info group ${info[i]} outside 0..${numOutputs - 1}`);
    return parseTree(t, i, group, weights === null ? 1 : f32(weights[i]!), numFeatures, file);
  });

  const base = parseBaseScore(param.base_score, numOutputs, file);
  const names = learner.feature_names;
  const version = Array.isArray(doc.version) ? doc.version.join('.') : 'unknown';
  return {
    format: 'xgboost',
    formatVersion: version,
    numFeatures,
    featureNames: Array.isArray(names) && names.length === numFeatures ? names.map(String) : null,
    numOutputs,
    baseScore: base.map((b) => probToMargin(objective, b)),
    objective,
    transform,
    transformParam: 1,
    averageOutput: false,
    sumF32: true,
    trees,
  };
}

const NON_FINITE: Record<string, number> = { '\u0000NaN': NaN, '\u0000Infinity': Infinity, '\u0000-Infinity': -Infinity };

// Quotes bare NaN/Infinity tokens (outside strings) so JSON.parse accepts them;
// the reviver turns the marked strings back into numbers.
function quoteNonFinite(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escape
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += text.slice(last, i) + JSON.stringify('\u0000' + token);
        i += token.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return out + text.slice(last);
}

// base_score: "5E-1" (1.x, 2.x) or "[5E-1]" / "[a,b,c]" (3.x, one per output).
function parseBaseScore(raw: unknown, numOutputs: number, file: string): number[] {
  const s = String(raw ?? '0.5').trim();
  const parts = s.startsWith('[') ? s.slice(1, -1).split(',') : [s];
  const values = parts.map((p) => f32(Number(p.trim())));
  if (values.some((v) => Number.isNaN(v) && !/nan/i.test(s))) throw new ModelError(file, `bad base_score "${s}"`);
  if (values.length === 1) return new Array<number>(numOutputs).fill(values[0]!);
  if (values.length !== numOutputs) throw new ModelError(file, `base_score has ${values.length} values for ${numOutputs} outputs`);
  return values;
}

// ObjFunction::ProbToMargin, in float as XGBoost computes it.
// https://github.com/dmlc/xgboost/blob/v2.1.3/src/objective/regression_loss.h
function probToMargin(objective: string, p: number): number {
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      return f32(-Math.log(f32(f32(1 / p) - 1)));
    // binary:logitraw takes base_score as a margin already (LogisticRaw::ProbToMargin).
    case 'count:poisson':
    case 'reg:gamma':
    case 'reg:tweedie':
    case 'survival:cox':
    case 'survival:aft':
      return f32(Math.log(p));
    default:
      return p;
  }
}

// ObjFunction::PredTransform of each objective.
function objectiveTransform(objective: string, file: string): Transform {
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      return 'sigmoid-f32';
    case 'multi:softprob':
      return 'softmax-f32';
    case 'multi:softmax':
      return 'argmax';
    case 'binary:hinge':
      return 'hinge';
    case 'count:poisson':
    case 'reg:gamma':
    case 'reg:tweedie':
    case 'survival:cox':
      return 'exp-f32';
    case 'binary:logitraw':
    case 'reg:squarederror':
    case 'reg:squaredlogerror':
    case 'reg:pseudohubererror':
    case 'reg:absoluteerror':
    case 'reg:quantileerror':
    case 'reg:linear':
    case 'rank:pairwise':
    case 'rank:ndcg':
    case 'rank:map':
      return 'identity';
    default:
      throw new ModelError(file, `unsupported XGBoost objective "${objective}"`);
  }
}

function parseTree(t: Json, index: number, group: number, weight: number, numFeatures: number, file: string): Tree {
  const where = `tree ${index}`;
  const arr = (key: string): number[] => {
    const a = t?.[key];
    if (!Array.isArray(a)) throw new ModelError(file, `${where}: missing "${key}"`);
    return a.map(Number);
  };
  if (Number(t?.tree_param?.size_leaf_vector ?? 1) > 1) {
    throw new ModelError(file, `${where}: vector leaves (multi_strategy=multi_output_tree) are not supported`);
  }
  const lc = arr('left_children');
  const rc = arr('right_children');
  const si = arr('split_indices');
  const sc = arr('split_conditions');
  const dl = arr('default_left');
  const st: number[] = Array.isArray(t.split_type) ? t.split_type.map(Number) : new Array(lc.length).fill(0);
  const total = lc.length;
  if (total === 0 || [rc, si, sc, dl, st].some((a) => a.length !== total)) throw new ModelError(file, `${where}: node arrays differ in length`);

  // Renumber: internal nodes 0..n-1 in XGBoost order (root first), leaves ~0..~m-1.
  const internalId = new Int32Array(total).fill(-1);
  const leafId = new Int32Array(total).fill(-1);
  let n = 0;
  let m = 0;
  for (let i = 0; i < total; i++) {
    if (lc[i] === -1) leafId[i] = m++;
    else internalId[i] = n++;
  }
  if (lc[0] !== -1 && internalId[0] !== 0) throw new ModelError(file, `${where}: bad root`);
  const catNodes: number[] = t.categories_nodes ?? [];
  const catSeg: number[] = t.categories_segments ?? [];
  const catSize: number[] = t.categories_sizes ?? [];
  const cats: number[] = t.categories ?? [];
  const catOf = new Map<number, number[]>();
  catNodes.forEach((node, j) => {
    const beg = Number(catSeg[j]);
    const size = Number(catSize[j]);
    if (!(beg >= 0 && size >= 0 && beg + size <= cats.length)) throw new ModelError(file, `${where}: categories of node ${node} outside "categories"`);
    catOf.set(Number(node), cats.slice(beg, beg + size).map(Number));
  });

  const tree: Tree = {
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    kind: new Uint8Array(n),
    missing: new Uint8Array(n).fill(MissingType.NaN),
    defaultLeft: new Uint8Array(n),
    categories: new Array(n).fill(null),
    leafValue: new Float64Array(m),
    leafCover: Array.isArray(t.sum_hessian) && t.sum_hessian.length === total ? new Float64Array(m) : null,
    linear: null,
    group,
    weight,
  };
  const child = (c: number, parent: number): number => {
    if (!Number.isInteger(c) || c <= 0 || c >= total || c === parent) throw new ModelError(file, `${where}: child ${c} of node ${parent} outside the tree`);
    return lc[c] === -1 ? ~leafId[c]! : internalId[c]!;
  };
  for (let i = 0; i < total; i++) {
    if (lc[i] === -1) {
      tree.leafValue[leafId[i]!] = f32(sc[i]!);
      if (tree.leafCover) tree.leafCover[leafId[i]!] = Number(t.sum_hessian[i]);
      continue;
    }
    const j = internalId[i]!;
    const f = si[i]!;
    if (!Number.isInteger(f) || f < 0 || f >= numFeatures) throw new ModelError(file, `${where}: split feature ${f} outside 0..${numFeatures - 1}`);
    tree.feature[j] = f;
    tree.left[j] = child(lc[i]!, i);
    tree.right[j] = child(rc[i]!, i);
    tree.defaultLeft[j] = dl[i] ? 1 : 0;
    if (st[i] === 1) {
      const list = catOf.get(i);
      if (list === undefined) throw new ModelError(file, `${where}: categorical node ${i} has no categories`);
      tree.kind[j] = SplitKind.XgboostCategorical;
      tree.categories[j] = bitset(list, file, where);
    } else {
      tree.kind[j] = SplitKind.XgboostNumeric;
      tree.threshold[j] = f32(sc[i]!);
    }
  }
  return tree;
}

function bitset(categories: number[], file: string, where: string): Uint32Array {
  let max = -1;
  for (const c of categories) {
    if (!Number.isInteger(c) || c < 0 || c >= 1 << 24) throw new ModelError(file, `${where}: bad category ${c}`);
    max = Math.max(max, c);
  }
  const words = new Uint32Array((max >> 5) + 1);
  for (const c of categories) words[c >> 5]! |= 1 << (c & 31);
  return words;
}
