// The ranges the engines accept, defined once: the features, the
// recommendations and the host's event validator (host/core/limits.ts
// mirrors these; test/event-limits-agree-with-the-core.test.ts holds them
// together) all judge an event's time by the same rule.

/** Latest event time accepted, epoch ms (year 5138): keeps 5-minute and hourly bucket numbers inside i32. */
export const MAX_TS: f64 = 1e14;

/** Whether an event time is accepted: 0 <= ts <= MAX_TS (NaN is not). */
// @ts-ignore: decorator
@inline export function tsInRange(ts: f64): bool {
  return ts >= 0 && ts <= MAX_TS;
}
