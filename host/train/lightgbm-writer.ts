// Writes a trained model as a LightGBM v4 text model, laid out as LightGBM's
// own GBDT::SaveModelToString writes it, so LightGBM and our loader read it:
//
//   tree / version=v4 / num_class=1 / num_tree_per_iteration=1 / label_index=0
//   max_feature_idx / objective / feature_names / feature_infos / tree_sizes
//   Tree=i blocks (sizes in tree_sizes, in bytes: LightGBM seeks by them)
//   end of trees / feature_importances: / parameters: ... end of parameters
//
// The starting score is folded into the first tree's leaves as LightGBM does
// with boost_from_average (Tree::AddBias, which also sets its shrinkage to 1).
// Thresholds, leaf values and leaf weights are written as C's %.17g, as
// LightGBM writes them: 17 significant digits, so every double reads back
// exactly; the informational fields get %g's 6 digits, as in LightGBM.
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/gbdt_model_text.cpp (SaveModelToString)
// https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/tree.cpp (Tree::ToString)

import type { GrownTree } from './wasm.js';
import type { FeatureInfo } from './train.js';
import { ZERO_THRESHOLD } from '../gbt/pack.js';

export interface LightGbmModel {
  objective: 'binary' | 'regression';
  /** Already LightGBM-safe (see lightGbmFeatureNames). */
  featureNames: string[];
  featureInfos: FeatureInfo[];
  initScore: number;
  trees: GrownTree[];
  /** Rows the starting score was computed over (the count of a one-leaf model). */
  numTrainRows: number;
  /** Written to the parameters section as `[key: value]` (numbers as their shortest exact decimal); keys must be LightGBM parameter names, which LightGBM checks. */
  parameters: [string, string | number][];
}

const K_EPSILON = 1e-15;

/**
 * C's printf("%.<precision>g", x), from the double's exact decimal value and
 * rounding half to even as glibc does (JavaScript's toPrecision rounds
 * exact ties up). 17 digits by default: any double reads back exactly.
 */
export function formatDouble(x: number, precision = 17): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  // |x| = digits * 10^-scale exactly.
  scratch.setFloat64(0, Math.abs(x));
  const bits = scratch.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const mantissa = biased === 0 ? bits & 0xfffffffffffffn : (bits & 0xfffffffffffffn) | (1n << 52n);
  const exp2 = biased === 0 ? -1074 : biased - 1075;
  let digits = exp2 >= 0 ? (mantissa << BigInt(exp2)).toString() : (mantissa * 5n ** BigInt(-exp2)).toString();
  const scale = exp2 >= 0 ? 0 : -exp2;
  let exp10 = digits.length - 1 - scale; // the power of ten of the first digit
  if (digits.length > precision) {
    const rest = digits.slice(precision);
    let kept = BigInt(digits.slice(0, precision));
    const tie = rest[0] === '5' && /^50*$/.test(rest);
    if (rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && kept % 2n === 1n)) kept += 1n;
    const s = kept.toString();
    if (s.length > precision) exp10 += 1; // 999.. rounded up to 1000..
    digits = s.slice(0, precision);
  }
  digits = digits.replace(/0+$/, '') || '0';
  if (exp10 < -4 || exp10 >= precision) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
  }
  if (exp10 < 0) return `${sign}0.${'0'.repeat(-exp10 - 1)}${digits}`;
  if (digits.length <= exp10 + 1) return `${sign}${digits}${'0'.repeat(exp10 + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp10 + 1)}.${digits.slice(exp10 + 1)}`;
}

const scratch = new DataView(new ArrayBuffer(8));

// What LightGBM writes with the stream's default precision (split gains,
// internal values and weights, shrinkage): informational, never read back
// for predictions.
const short = (x: number) => formatDouble(x, 6);

/**
 * Feature names LightGBM accepts: no whitespace (it splits the line on
 * spaces) and none of `",:[]{}` (Dataset::set_feature_names rejects them),
 * non-empty and unique.
 */
export function lightGbmFeatureNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    let name = raw.replace(/[\s",:[\]{}]/g, '_');
    if (name === '') name = `Column_${i}`;
    let unique = name;
    for (let k = 2; seen.has(unique); k++) unique = `${name}_${k}`;
    seen.add(unique);
    return unique;
  });
}

// Tree::MaybeRoundToZero.
const roundToZero = (x: number) => (Math.abs(x) > ZERO_THRESHOLD ? x : 0);

/** The first tree with the starting score folded in (Tree::AddBias). */
function withBias(t: GrownTree, bias: number): GrownTree {
  if (Math.abs(bias) <= K_EPSILON) return t;
  return {
    ...t,
    leafValue: t.leafValue.map((v) => roundToZero(v + bias)),
    internalValue: t.internalValue.map((v) => roundToZero(v + bias)),
    shrinkage: 1,
  };
}

function treeText(t: GrownTree): string {
  const d = (a: ArrayLike<number>) => Array.from(a, (x) => formatDouble(x)).join(' ');
  const g = (a: ArrayLike<number>) => Array.from(a, short).join(' ');
  const i = (a: ArrayLike<number>) => Array.from(a, String).join(' ');
  const one = t.numLeaves === 1;
  return [
    `num_leaves=${t.numLeaves}`,
    'num_cat=0',
    `split_feature=${i(t.feature)}`,
    `split_gain=${g(t.gain)}`,
    `threshold=${d(t.threshold)}`,
    `decision_type=${i(t.decisionType)}`,
    `left_child=${i(t.left)}`,
    `right_child=${i(t.right)}`,
    `leaf_value=${d(t.leafValue)}`,
    `leaf_weight=${one ? '' : d(t.leafWeight)}`,
    `leaf_count=${i(t.leafCount)}`,
    `internal_value=${g(t.internalValue)}`,
    `internal_weight=${g(t.internalWeight)}`,
    `internal_count=${i(t.internalCount)}`,
    'is_linear=0',
    `shrinkage=${short(t.shrinkage)}`,
    '',
    '',
  ].join('\n');
}

/** A one-leaf tree holding `value` (GBDT's constant model when nothing could split). */
function constantTree(value: number, count: number): GrownTree {
  const none = new Int32Array(0);
  const empty = new Float64Array(0);
  return {
    numLeaves: 1, shrinkage: 1, feature: none, thresholdBin: none, threshold: empty, decisionType: none, gain: empty,
    left: none, right: none, internalValue: empty, internalWeight: empty, internalCount: none,
    leafValue: Float64Array.of(value), leafWeight: empty, leafCount: Int32Array.of(count),
  };
}

/** The model as LightGBM v4 text. */
export function lightGbmText(m: LightGbmModel): string {
  const trees = m.trees.length > 0 ? [withBias(m.trees[0]!, m.initScore), ...m.trees.slice(1)] : [constantTree(m.initScore, m.numTrainRows)];
  const blocks = trees.map((t, k) => `Tree=${k}\n${treeText(t)}\n`);
  const sizes = blocks.map((b) => Buffer.byteLength(b, 'utf8'));
  const infos = m.featureInfos.map((f) => (f.bins <= 1 ? 'none' : `[${formatDouble(f.min)}:${formatDouble(f.max)}]`));

  // Split counts per feature, most used first (LightGBM's "split" importance).
  const counts = new Array<number>(m.featureNames.length).fill(0);
  for (const t of trees) for (const f of t.feature) counts[f]!++;
  const importance = counts
    .map((c, f) => [c, f] as const)
    .filter(([c]) => c > 0)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map(([c, f]) => `${m.featureNames[f]}=${c}\n`)
    .join('');

  return [
    'tree\n',
    'version=v4\n',
    'num_class=1\n',
    'num_tree_per_iteration=1\n',
    'label_index=0\n',
    `max_feature_idx=${m.featureNames.length - 1}\n`,
    `objective=${m.objective === 'binary' ? 'binary sigmoid:1' : 'regression'}\n`,
    `feature_names=${m.featureNames.join(' ')}\n`,
    `feature_infos=${infos.join(' ')}\n`,
    `tree_sizes=${sizes.join(' ')}\n`,
    '\n',
    ...blocks,
    'end of trees\n',
    '\nfeature_importances:\n',
    importance,
    '\nparameters:\n',
    ...m.parameters.map(([k, v]) => `[${k}: ${v}]\n`),
    'end of parameters\n',
  ].join('');
}
