// The WASM core's one compiled module per process: every engine (scorer,
// features, recommendations, trainer, forecasts) is an instance of it, and
// worker threads are handed it rather than compiling it again.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../core/errors.js';

/**
 * The two builds of the core: release (what everything runs) and debug
 * (assembly/debug.ts: the release ABI plus the switches tests and
 * benchmarks use to compare the scorer's walks).
 */
export type Build = 'release' | 'debug';

const FILES: Record<Build, string> = { release: 'build/streamscore.wasm', debug: 'build/debug/streamscore.wasm' };

/** Where a build lives, relative to this file in src or dist. */
export function wasmPath(build: Build = 'release'): string {
  for (const up of ['../../', '../../../']) {
    const p = fileURLToPath(new URL(up + FILES[build], import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new EngineError(-11, `${FILES[build]} not found: run \`npm run build\``);
}

const compiled: Partial<Record<Build, WebAssembly.Module>> = {};

/** The compiled core, shared by every engine of the process (and handed to worker threads). */
export function wasmModule(build: Build = 'release'): WebAssembly.Module {
  return (compiled[build] ??= new WebAssembly.Module(readFileSync(wasmPath(build))));
}
