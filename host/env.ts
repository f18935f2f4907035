// Reading settings from environment variables, with errors that name the
// variable and say what it takes.

import { UsageError } from './errors.js';

/** A comma-separated list (spaces allowed around items); unset or empty gives []. */
export function envList(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** A boolean: 1/true/yes/on or 0/false/no/off (any case); unset or empty gives `fallback`. */
export function envFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new UsageError(`${name} must be 1 or 0 (true/false), got ${JSON.stringify(env[name])}`);
}

/** A positive integer; unset or empty gives `fallback`. */
export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(env[name])}`);
  return Number(v);
}
