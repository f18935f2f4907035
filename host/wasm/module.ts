// The WASM core's one compiled module per process: every engine (scorer,
// features, recommendations, trainer, forecasts) is an instance of it, and
// worker threads are handed it rather than compiling it again.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../core/errors.js';

/** Where the release build lives, relative to this file in src or dist. */
export function wasmPath(): string {
  for (const rel of ['../../build/streamscore.wasm', '../../../build/streamscore.wasm']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new EngineError(-11, 'build/streamscore.wasm not found: run `npm run build`');
}

let compiled: WebAssembly.Module | null = null;

/** The compiled core, shared by every engine of the process (and handed to worker threads). */
export function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(wasmPath()));
  return compiled;
}
