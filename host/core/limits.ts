// The ranges the WASM engines accept (assembly/limits.ts), mirrored for the
// event validator so that an event the validator passes is never one the
// core skips. test/event-limits-agree-with-the-core.test.ts checks both
// sides against each other.

/** Latest event time accepted, epoch ms (year 5138); the earliest is 0. */
export const MAX_TS = 1e14;

/** Whether an event time is one the engines accept. */
export function tsInRange(ts: number): boolean {
  return ts >= 0 && ts <= MAX_TS;
}
