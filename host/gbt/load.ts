// Model files of any supported format, recognised by their content:
// LightGBM text ("tree" first line), XGBoost JSON ("{"), or our own packed
// blob (.ssm, magic "SSM1", written by `streamscore compile`).

import { readFileSync } from 'node:fs';
import { ModelError } from '../core/errors.js';
import { type Forest } from './ir.js';
import { parseLightGbm } from './lightgbm.js';
import { parseXgboost } from './xgboost.js';
import { pack, MAGIC } from './pack.js';
import { checkForest } from './check.js';

export interface LoadedModel {
  /** The IR, when the file was a library model (not a packed blob). */
  forest: Forest | null;
  /** The packed blob for the WASM core. */
  blob: Uint8Array;
  /** "lightgbm v4", "xgboost 2.1.3", "streamscore blob v1". */
  format: string;
  featureNames: string[] | null;
}

export interface ParseOptions {
  /**
   * Skip checkForest: read a library model exactly as the library would,
   * non-finite values and all. Only for parity tests of hand-edited models;
   * such a model must never serve.
   */
  unchecked?: boolean;
}

/**
 * Parses model bytes of any supported format and checks that the model may
 * score (host/gbt/check.ts). `file` names the source in errors.
 */
export function parseModel(bytes: Uint8Array, file = '<model>', options: ParseOptions = {}): LoadedModel {
  if (bytes.byteLength >= 8 && new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) === MAGIC) {
    return { forest: null, blob: bytes, format: 'streamscore blob v1', featureNames: null };
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  let forest: Forest;
  if (head.startsWith('tree')) forest = parseLightGbm(new TextDecoder().decode(bytes), file);
  else if (head.startsWith('{')) forest = parseXgboost(new TextDecoder().decode(bytes), file);
  else if (bytes.byteLength === 0) throw new ModelError(file, 'the model file is empty');
  else {
    throw new ModelError(file, 'unsupported model format: expected LightGBM text ("tree" first line), XGBoost JSON, or a streamscore .ssm blob');
  }
  if (!options.unchecked) checkForest(forest, file);
  return {
    forest,
    blob: pack(forest),
    format: `${forest.format} ${forest.formatVersion}`,
    featureNames: forest.featureNames,
  };
}

/** Reads, parses and checks a model file. */
export function loadModel(path: string, options: ParseOptions = {}): LoadedModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelError(path, `cannot read the model file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return parseModel(bytes, path, options);
}
