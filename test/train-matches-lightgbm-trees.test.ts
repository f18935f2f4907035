// "The only correct behaviour is to behave exactly like LightGBM": on the
// fixture data (test/fixtures/train/, made by scripts/train-check/make_fixture.py
// with LightGBM 4.7.0), our trainer with the same parameters finds the same
// bins (feature_infos, a constant column dropped) and grows the same trees,
// value for value and character for character: split features, gains,
// thresholds, NaN directions, children, leaf values, weights and counts.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrainingCsv, type TrainingData } from '../host/train/csv.js';
import { train } from '../host/train/train.js';
import { checkParams } from '../host/train/params.js';
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

describe.each([
  ['binary', 'label', 'target'],
  ['regression', 'target', 'label'],
] as const)('%s: the same trees as LightGBM', (objective, label, drop) => {
  it('bins alike and grows every tree alike', async () => {
    const data = await load(label, drop);
    const r = train(data, checkParams({
      objective, trees: P.trees, numLeaves: P.num_leaves, learningRate: P.learning_rate, minDataInLeaf: P.min_data_in_leaf,
      maxBin: P.max_bin, lambdaL2: P.lambda_l2, validFraction: 0,
    }));
    const ours = parse(modelText(r));
    const theirs = parse(readFileSync(join(FIXTURES, `lightgbm_${objective}.txt`), 'utf8'));
    expect(ours.header.get('feature_infos')).toBe(theirs.header.get('feature_infos'));
    expect(ours.header.get('feature_names')).toBe(theirs.header.get('feature_names'));
    expect(ours.trees.length).toBe(theirs.trees.length);
    for (let t = 0; t < theirs.trees.length; t++) {
      for (const key of KEYS) expect(`tree ${t} ${key}=${ours.trees[t]!.get(key)}`).toBe(`tree ${t} ${key}=${theirs.trees[t]!.get(key)}`);
    }
  });
});
