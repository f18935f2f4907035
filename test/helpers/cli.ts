// Runs the built `streamscore` binary as a user would, capturing its output.

import { spawnSync, spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

// This file runs from test/helpers (vitest) or, compiled for the benchmarks
// (bench/e2e.ts uses serve-process.ts), from dist/test/helpers.
const up = join(import.meta.dirname, '..', '..');
export const ROOT = basename(up) === 'dist' ? dirname(up) : up;
export const BIN = join(ROOT, 'dist', 'host', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `streamscore ...args` with optional stdin; waits for it to exit. */
export function runCli(args: string[], stdin?: string): CliResult {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\``);
  const r = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `streamscore ...args` without waiting (for streaming tests). */
export function startCli(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Formats a double so that Number() gives it back exactly (keeps -0). */
export function exact(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}
