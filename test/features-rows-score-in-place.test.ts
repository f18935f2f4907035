// Feature rows can be written straight into the scorer's input buffer of the
// same instance and scored there, with no copy, giving the same scores as
// copying the rows in.

import { expect, it } from 'vitest';
import { GbtEngine } from '../host/gbt/engine.js';
import { FeatureEngine } from '../host/fraud/features.js';
import { FEATURE_NAMES } from '../host/fraud/catalog.js';
import { pack } from '../host/gbt/pack.js';
import { randomForest } from './helpers/random-forest.js';
import { randomStream, smallIpTable } from './helpers/event-stream.js';

it('featuresRun into inputPtr() then score() equals scoring a copy', () => {
  const forest = { ...randomForest(3), numFeatures: FEATURE_NAMES.length, featureNames: [...FEATURE_NAMES] };
  const stream = randomStream(9, { events: 2000 });
  const capacity = 128;

  const gbt = new GbtEngine();
  const model = gbt.load(pack(forest));
  const features = new FeatureEngine({ engine: gbt, capacity });
  features.loadIpRanges(smallIpTable());
  const inPlace: number[] = [];
  for (let start = 0; start < stream.length; start += capacity) {
    const batch = stream.slice(start, start + capacity);
    gbt.input(model, capacity); // reserves the scorer's buffers for a full batch
    const cols = features.columns();
    batch.forEach((e, i) => cols.set(i, e));
    const rows = features.run(batch.length, gbt.exports.inputPtr());
    inPlace.push(...gbt.run(model, rows));
  }

  const copy = new FeatureEngine({ capacity });
  copy.loadIpRanges(smallIpTable());
  const rows = copy.process(stream);
  const scorer = new GbtEngine();
  const separate = scorer.score(scorer.load(pack(forest)), rows);
  expect(inPlace.length).toBe(rows.length / FEATURE_NAMES.length);
  expect(inPlace).toEqual(Array.from(separate));
  expect(new Set(inPlace).size).toBeGreaterThan(10); // the model does read the rows
});
