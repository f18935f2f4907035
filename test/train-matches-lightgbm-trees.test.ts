// "The only correct behaviour is to behave exactly like LightGBM": on the
// fixture data (test/fixtures/train/, made by scripts/train-check/make_fixture.py
// with LightGBM 4.7.0; with and without feature sampling, bagging, depth and
// gain limits), our trainer with the same parameters finds the same
// bins (feature_infos, a constant column dropped) and grows the same trees,
// value for value and character for character: split features, gains,
// thresholds, NaN directions, children, leaf values, weights and counts.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrainingCsv, type TrainingData } from '../host/train/csv.js';
import { train } from '../host/train/train.js';
import { checkParams, type TrainParams } from '../host/train/params.js';
import { modelText } from '../host/train/model.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'train');
const P = JSON.parse(readFileSync(join(FIXTURES, 'params.json'), 'utf8'));

type Block = Map<string, string>;

function parse(text: string): { header: Block; trees: Block[] } {
  const [head, ...rest] = text.split('end of trees')[0]!.split(/^Tree=\d+$/m);
  const block = (s: string) => new Map(s.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
  return { header: block(head!), trees: rest.map(block) };
}

/** The fixture CSV without the other objective's label column. */
async function load(label: string, drop: string): Promise<TrainingData> {
  const d = await readTrainingCsv(join(FIXTURES, 'data.csv'), label);
  const at = d.featureNames.indexOf(drop);
  d.featureNames.splice(at, 1);
  d.columns.splice(at, 1);
  return d;
}

const KEYS = [
  'num_leaves', 'num_cat', 'split_feature', 'split_gain', 'threshold', 'decision_type', 'left_child', 'right_child',
  'leaf_value', 'leaf_weight', 'leaf_count', 'internal_value', 'internal_weight', 'internal_count', 'is_linear', 'shrinkage',
];

// LightGBM parameter names to ours.
const NAMES: Record<string, keyof TrainParams> = {
  objective: 'objective', num_leaves: 'numLeaves', learning_rate: 'learningRate', min_data_in_leaf: 'minDataInLeaf',
  max_bin: 'maxBin', lambda_l2: 'lambdaL2', seed: 'seed', feature_fraction: 'featureFraction', max_depth: 'maxDepth',
  min_gain_to_split: 'minGainToSplit', bagging_fraction: 'baggingFraction',
};

describe.each(Object.entries(P.models as Record<string, Record<string, string | number>>))('%s: the same trees as LightGBM', (name, extra) => {
  it('bins alike and grows every tree alike', async () => {
    const lgb = { ...P, ...extra };
    const params: Partial<TrainParams> = { trees: P.trees, validFraction: 0 };
    for (const [k, v] of Object.entries(lgb)) if (k in NAMES) (params as Record<string, unknown>)[NAMES[k]!] = v;
    const binary = lgb.objective === 'binary';
    const r = train(await load(binary ? 'label' : 'target', binary ? 'target' : 'label'), checkParams(params));
    const ours = parse(modelText(r));
    const theirs = parse(readFileSync(join(FIXTURES, `${name}.txt`), 'utf8'));
    expect(ours.header.get('feature_infos')).toBe(theirs.header.get('feature_infos'));
    expect(ours.header.get('feature_names')).toBe(theirs.header.get('feature_names'));
    expect(ours.trees.length).toBe(theirs.trees.length);
    for (let t = 0; t < theirs.trees.length; t++) {
      for (const key of KEYS) expect(`tree ${t} ${key}=${ours.trees[t]!.get(key)}`).toBe(`tree ${t} ${key}=${theirs.trees[t]!.get(key)}`);
    }
  });
});
