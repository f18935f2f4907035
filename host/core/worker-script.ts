// Where a worker thread's compiled script is: beside the module that starts
// it in dist, or in dist when that module runs from source (tests).

import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.js';

/** `from`: the starting module's import.meta.url; `distPath`: the script's path under dist/, e.g. 'host/recs/worker.js'. */
export function workerScript(from: string, distPath: string): string {
  for (const rel of [`./${basename(distPath)}`, `../../dist/${distPath}`]) {
    const p = fileURLToPath(new URL(rel, from));
    if (existsSync(p)) return p;
  }
  throw new EngineError(-11, `dist/${distPath} not found: run \`npm run build\``);
}
