// onnxruntime-node, loaded from its own package in bench/onnx so the main
// package never depends on it (291 MB of native libraries). Typed here by the
// few members the bench uses, so `npm run build` works without it installed.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './data.js';

export interface OrtTensor {
  readonly data: ArrayLike<number>;
  readonly dims: readonly number[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}

export interface Ort {
  InferenceSession: {
    create(
      path: string,
      options?: { intraOpNumThreads?: number; executionMode?: 'sequential'; logSeverityLevel?: 0 | 1 | 2 | 3 | 4 },
    ): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions: Record<string, string> };
}

const ONNX_DIR = join(REPO, 'bench', 'onnx');

/** The onnxruntime-node module, or null when bench/onnx is not installed. */
export function loadOrt(): Ort | null {
  if (!existsSync(join(ONNX_DIR, 'node_modules', 'onnxruntime-node'))) return null;
  return createRequire(join(ONNX_DIR, 'package.json'))('onnxruntime-node') as Ort;
}
