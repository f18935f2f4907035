// A model that would fail open is refused at load, with what and where: no
// trees, fewer trees than declared, non-finite leaves, thresholds, weights or
// base score (LightGBM text and XGBoost JSON alike); `score` exits 1 on
// them. Fuzz: random edits of real model files (numbers replaced with
// extremes, NaN, 1e999; lines dropped or cut) through the loaders throw
// nothing but a ModelError, and through a serving scorer's reload never
// replace the good model: the new one is refused (the old one keeps
// serving), or it scored every canary row finite, and a purchase it still
// cannot score is reviewed, never allowed.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModel } from '../host/gbt/load.js';
import { ModelError } from '../host/core/errors.js';
import { FraudScorer } from '../host/fraud/scorer.js';
import { ROOT, runCli } from './helpers/cli.js';
import { configureFuzzSeed } from './helpers/fuzz-events.js';

configureFuzzSeed();

const dir = mkdtempSync(join(tmpdir(), 'ss-degenerate-'));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'gbt');
const lgb = readFileSync(join(FIXTURES, 'lgb4_binary', 'model.txt'), 'utf8');
const xgb = readFileSync(join(FIXTURES, 'xgb2_binary_logistic', 'model.json'), 'utf8');
const dart = readFileSync(join(FIXTURES, 'xgb2_dart', 'model.json'), 'utf8');
const shipped = readFileSync(join(ROOT, 'models', 'fraud-ecommerce.txt'), 'utf8');

const parse = (text: string, file = 'm') => parseModel(new TextEncoder().encode(text), file);
function refused(text: string, want: RegExp): void {
  expect(() => parse(text, 'bad-model')).toThrow(ModelError);
  expect(() => parse(text, 'bad-model')).toThrow(want);
}

/** The LightGBM text with the first `key=` line of the first tree edited. */
function lgbEdit(key: string, edit: (values: string[]) => string[]): string {
  const lines = lgb.split('\n');
  const at = lines.findIndex((l, i) => l.startsWith(`${key}=`) && i > lines.indexOf('Tree=0'));
  lines[at] = `${key}=${edit(lines[at]!.slice(key.length + 1).split(' ')).join(' ')}`;
  return lines.join('\n');
}

/** The XGBoost JSON with a bare token replacing tree 0's array `key`, value i. */
function xgbEdit(text: string, key: string, i: number, token: string): string {
  const doc = JSON.parse(text);
  const model = doc.learner.gradient_booster.model ?? doc.learner.gradient_booster.gbtree.model;
  model.trees[0][key][i] = '@@';
  return JSON.stringify(doc).replace('"@@"', token);
}

describe('loading refuses a model that would fail open', () => {
  it('LightGBM: trees declared but missing, no trees at all', () => {
    const head = lgb.slice(0, lgb.indexOf('Tree=0'));
    refused(`${head}end of trees\n`, /tree_sizes declares 15 trees but the file holds 0/);
    refused(`${head.replace(/^tree_sizes=.*\n/m, '')}end of trees\n`, /the model has no trees/);
  });

  it('header counts past any real model (a fuzz find: num_tree_per_iteration=1e308 threw a RangeError)', () => {
    refused(lgb.replace('num_tree_per_iteration=1', 'num_tree_per_iteration=1e308'), /bad header/);
    refused(lgb.replace('max_feature_idx=5', 'max_feature_idx=1e12'), /bad header/);
    refused(xgb.replace('"num_class":"0"', '"num_class":"1e308"'), /bad learner_model_param.num_class/);
    refused(xgb.replace('"num_feature":"6","num_target"', '"num_feature":"1e300","num_target"'), /bad learner_model_param.num_feature/);
  });

  it('LightGBM: NaN or infinite leaves, NaN thresholds', () => {
    refused(lgbEdit('leaf_value', (v) => ['nan', ...v.slice(1)]), /tree 0: leaf 0 value NaN is not finite/);
    refused(lgbEdit('leaf_value', (v) => [...v.slice(0, 2), 'inf', ...v.slice(3)]), /tree 0: leaf 2 value Infinity is not finite/);
    refused(lgbEdit('leaf_value', (v) => ['-1e999', ...v.slice(1)]), /leaf 0 value -Infinity/);
    refused(lgbEdit('threshold', (v) => ['nan', ...v.slice(1)]), /tree 0: node 0 threshold NaN is not finite/);
    // LightGBM itself writes `inf` thresholds (the lgb4_tweedie fixture has one): they are kept.
    expect(() => parse(lgbEdit('threshold', (v) => ['inf', ...v.slice(1)]))).not.toThrow();
  });

  it('XGBoost: 1e999 or NaN thresholds, leaves, base_score and DART weights; trees fewer than declared', () => {
    const splitNode = 0;
    const leaf = JSON.parse(xgb).learner.gradient_booster.model.trees[0].left_children.indexOf(-1);
    refused(xgbEdit(xgb, 'split_conditions', splitNode, '1e999'), /tree 0: node 0 threshold Infinity is not finite/);
    refused(xgbEdit(xgb, 'split_conditions', splitNode, 'NaN'), /threshold NaN is not finite/);
    refused(xgbEdit(xgb, 'split_conditions', leaf, '1e999'), /tree 0: leaf \d+ value Infinity is not finite/);
    refused(xgb.replace(/"base_score":"[^"]*"/, '"base_score":"1e999"'), /base score|base_score/);
    const d = JSON.parse(dart);
    d.learner.gradient_booster.weight_drop[0] = '@@';
    refused(JSON.stringify(d).replace('"@@"', '1e999'), /tree 0: weight Infinity is not finite/);
    const cut = JSON.parse(xgb);
    cut.learner.gradient_booster.model.trees.pop();
    cut.learner.gradient_booster.model.tree_info.pop();
    refused(JSON.stringify(cut), /num_trees declares 12 trees but the file holds 11/);
  });

  it('`score` exits 1 on such a model, naming it, and writes no scores', () => {
    const model = join(dir, 'nan-leaf.txt');
    writeFileSync(model, lgbEdit('leaf_value', (v) => ['nan', ...v.slice(1)]));
    const input = join(dir, 'rows.csv');
    writeFileSync(input, '1,2,3,4,5,6\n');
    const r = runCli(['score', '--model', model, '--input', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(model);
    expect(r.stderr).toMatch(/leaf 0 value NaN is not finite/);
    expect(r.stdout).toBe('');
  });
});

// Number tokens of a model text, as [start, end) offsets.
function numberTokens(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
  for (let m; (m = re.exec(text)) !== null; ) out.push([m.index, m.index + m[0].length]);
  return out;
}

const EXTREMES = ['nan', 'NaN', 'inf', '-inf', 'Infinity', '1e999', '-1e999', '1e308', '-1e308', '0', '-0', '1e-320', '99999999999', '-1', ''];

/** Random edits of a model text: numbers replaced by extremes, a line dropped, the text cut. */
function mutated(text: string): fc.Arbitrary<string> {
  const tokens = numberTokens(text);
  const edit = fc.oneof(
    fc.tuple(fc.constant('number' as const), fc.nat(tokens.length - 1), fc.constantFrom(...EXTREMES)),
    fc.tuple(fc.constant('line' as const), fc.nat(10_000), fc.constant('')),
    fc.tuple(fc.constant('cut' as const), fc.nat(text.length - 1), fc.constant('')),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let out = text;
    // Number edits from the back, so earlier offsets stay right.
    const numbers = edits.filter((e) => e[0] === 'number').sort((a, b) => b[1] - a[1]);
    let last = -1;
    for (const [, k, v] of numbers) {
      if (k === last) continue;
      last = k;
      const [s, e] = tokens[k]!;
      out = out.slice(0, s) + v + out.slice(e);
    }
    for (const [kind, k] of edits) {
      if (kind === 'line') {
        const lines = out.split('\n');
        lines.splice(k % lines.length, 1);
        out = lines.join('\n');
      } else if (kind === 'cut') out = out.slice(0, k % Math.max(1, out.length));
    }
    return out;
  });
}

describe('fuzzed model files', () => {
  it('the loaders throw nothing but a ModelError on edited LightGBM and XGBoost files', () => {
    let tried = 0;
    const property = (base: string) =>
      fc.property(mutated(base), (text) => {
        tried++;
        try {
          parse(text);
        } catch (e) {
          if (!(e instanceof ModelError)) throw e;
        }
      });
    for (const base of [lgb, xgb, dart]) fc.assert(property(base), { numRuns: 300 });
    // Failures found so far, replayed on every run: [base, seed, path].
    const regressions: [string, number, string][] = [[lgb, -1497161641, '71:0']];
    for (const [base, seed, path] of regressions) fc.assert(property(base), { seed, path, endOnFailure: true });
    expect(tried).toBeGreaterThanOrEqual(901);
  });

  it('a hot reload never replaces a good model with a bad one, and no non-finite score is allowed', () => {
    const good = join(dir, 'good.txt');
    writeFileSync(good, shipped);
    const scorer = new FraudScorer(good, { reviewThreshold: 0.5, blockThreshold: 0.9 });
    const purchase = (i: number) => [{ eventId: `p${i}`, type: 'purchase' as const, ts: 1.7e12 + i, userId: `u${i % 3}`, amount: 10 + i }];
    // Recent traffic for the canary.
    for (let i = 0; i < 20; i++) scorer.process(purchase(i));
    const next = join(dir, 'next.txt');
    let refusedCount = 0;
    let taken = 0;
    fc.assert(
      fc.property(mutated(shipped), (text) => {
        writeFileSync(next, text);
        const before = scorer.modelPath;
        try {
          scorer.reload(next);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError);
          expect(scorer.modelPath).toBe(before);
          refusedCount++;
          return;
        }
        taken++;
        // Taken: its canary rows scored finite. A row it still cannot score is reviewed, never allowed.
        const [s] = scorer.process(purchase(taken)).scored;
        if (!Number.isFinite(s!.fraudScore)) expect(s!.decision).toBe('review');
        // Back to the good model for the next case.
        scorer.reload(good);
      }),
      { numRuns: 150 },
    );
    expect(refusedCount).toBeGreaterThan(0);
  });
});
