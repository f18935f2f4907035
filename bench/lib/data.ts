// The bench models and test rows written by scripts/bench/make_bench_models.py
// into bench/.models/ (gitignored: regenerated, never committed).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repo root, from this file compiled to dist/bench/lib. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MODELS_DIR = join(REPO, 'bench', '.models');
export const SETUP_COMMAND = 'npm run bench:setup';

export interface BenchModel {
  name: string;
  numFeatures: number;
  numRows: number;
  numTrees: number;
  meanLeaves: number;
  categorical: string[];
  onnxOpsets: Record<string, number>;
  /** LightGBM text model. */
  modelPath: string;
  /** TreeEnsembleClassifier: probabilities [N, 2]. */
  onnxPath: string;
  /** TreeEnsembleRegressor over the same trees: raw margins [N, 1]. */
  onnxRawPath: string;
  /** Test rows, row-major. */
  rows: Float64Array;
  /** LightGBM's own raw scores and probabilities for the rows. */
  lgbRaw: Float64Array;
  lgbProb: Float64Array;
}

export interface Manifest {
  versions: Record<string, unknown>;
  models: BenchModel[];
}

function f64(path: string): Float64Array {
  const b = readFileSync(path);
  // Copy so the array is 8-byte aligned whatever Buffer pooling did.
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Reads bench/.models, or returns null when the setup has not been run. */
export function readModels(): Manifest | null {
  const manifestPath = join(MODELS_DIR, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    versions: Record<string, unknown>;
    models: Record<string, Omit<BenchModel, 'name' | 'modelPath' | 'onnxPath' | 'onnxRawPath' | 'rows' | 'lgbRaw' | 'lgbProb'>>;
  };
  const models = Object.entries(m.models).map(([name, info]) => {
    const file = (suffix: string) => join(MODELS_DIR, `${name}.${suffix}`);
    const model: BenchModel = {
      ...info,
      name,
      modelPath: file('txt'),
      onnxPath: file('onnx'),
      onnxRawPath: file('raw.onnx'),
      rows: f64(file('rows.f64')),
      lgbRaw: f64(file('raw.f64')),
      lgbProb: f64(file('prob.f64')),
    };
    if (model.rows.length !== model.numRows * model.numFeatures || model.lgbRaw.length !== model.numRows) {
      throw new Error(`${name}: bench/.models files disagree with manifest.json; rerun \`${SETUP_COMMAND}\``);
    }
    return model;
  });
  return { versions: m.versions, models };
}
