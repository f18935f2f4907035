// The file `streamscore train` writes is a LightGBM v4 text model that our
// LightGBM loader reads back with the same trees and feature names (made
// LightGBM-safe), tree_sizes that match the tree blocks byte for byte, and
// doubles written as C's %.17g; `streamscore score` then scores the same CSV.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from './helpers/random-forest.js';
import { runCli } from './helpers/cli.js';
import { loadModel } from '../host/gbt/load.js';
import { formatDouble, lightGbmFeatureNames } from '../host/train/lightgbm-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-train-rt-'));

describe('the written model file', () => {
  const r = rng(8);
  const lines = ['"purchase value",is fraud,age,"a:b[0]",,age'];
  for (let i = 0; i < 2000; i++) {
    const v = r() * 100;
    const age = Math.floor(18 + r() * 50);
    lines.push(`${v.toFixed(2)},${r() < (v > 70 ? 0.6 : 0.1) ? 1 : 0},${age},${r() < 0.2 ? '' : r().toFixed(4)},${r().toFixed(3)},${age % 7}`);
  }
  const data = join(dir, 'train.csv');
  writeFileSync(data, lines.join('\n') + '\n');
  const out = join(dir, 'model.txt');
  const res = runCli(['train', '--data', data, '--label', 'is fraud', '--out', out, '--trees', '25', '--early-stopping-rounds', '0']);

  it('reads back with the same tree count and safe feature names', () => {
    expect(res.code, res.stderr).toBe(0);
    const kept = Number(/: (\d+) trees kept/.exec(res.stderr)?.[1]);
    expect(kept).toBe(25);
    const loaded = loadModel(out);
    expect(loaded.format).toBe('lightgbm v4');
    expect(loaded.forest!.trees.length).toBe(kept);
    expect(loaded.featureNames).toEqual(['purchase_value', 'age', 'a_b_0_', 'Column_3', 'age_2']);
    expect(loaded.forest!.objective).toBe('binary sigmoid:1');
  });

  it('has tree_sizes equal to the bytes of each tree block', () => {
    const text = readFileSync(out, 'utf8');
    const sizes = /^tree_sizes=(.*)$/m.exec(text)![1]!.split(' ').map(Number);
    const start = text.indexOf('Tree=0');
    const end = text.indexOf('end of trees');
    const blocks = text.slice(start, end).split(/(?=^Tree=)/m);
    expect(blocks.map((b) => Buffer.byteLength(b))).toEqual(sizes);
    expect(text).toMatch(/\nend of trees\n\nfeature_importances:\n[\s\S]*\nparameters:\n\[boosting: gbdt\]\n[\s\S]*end of parameters\n$/);
  });

  it('scores the training CSV by header name with `streamscore score`', () => {
    const scored = runCli(['score', '--model', out, '--input', writeRenamed()]);
    expect(scored.code, scored.stderr).toBe(0);
    const p = scored.stdout.trim().split('\n').map(Number);
    expect(p.length).toBe(2000);
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
  });

  function writeRenamed(): string {
    // Headers as the model names them (the label column is ignored by name).
    const p = join(dir, 'renamed.csv');
    writeFileSync(p, ['purchase_value,label,age,a_b_0_,Column_3,age_2', ...lines.slice(1)].join('\n') + '\n');
    return p;
  }
});

describe('names and numbers', () => {
  it('formats doubles as C\'s %.17g (the values Python prints)', () => {
    expect(formatDouble(0.1)).toBe('0.10000000000000001');
    expect(formatDouble(2.5)).toBe('2.5');
    expect(formatDouble(-1e-35)).toBe('-1e-35');
    expect(formatDouble(Math.PI)).toBe('3.1415926535897931');
    expect(formatDouble(Math.fround(1e-35))).toBe('1.0000000180025095e-35');
    expect(formatDouble(123456789012345680000)).toBe('1.2345678901234568e+20');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(Infinity)).toBe('inf');
    // An exact decimal tie rounds to even, as glibc does (toPrecision would round it up).
    expect(formatDouble(4.65988922119140625)).toBe('4.6598892211914062');
    expect(formatDouble(5e-324)).toBe('4.9406564584124654e-324');
    expect(formatDouble(1e21)).toBe('1e+21');
    expect(formatDouble(0.30000000000000004, 6)).toBe('0.3');
    expect(formatDouble(1234567, 6)).toBe('1.23457e+06');
    for (const x of [Math.PI, -Math.E * 1e-7, 1 / 3, 5e-324, 1.7976931348623157e308]) expect(Number(formatDouble(x))).toBe(x);
  });

  it('makes feature names LightGBM accepts', () => {
    expect(lightGbmFeatureNames(['a b', 'x,y', '', 'q"{}', 'a_b'])).toEqual(['a_b', 'x_y', 'Column_2', 'q___', 'a_b_2']);
  });
});
