// Event time. The watermark is the newest timestamp seen; an event more than
// the allowed lateness behind it is late: counted, scored against the state
// it finds, and kept out of the state. Idle state is dropped after a horizon:
// window state after 24h plus the lateness (no window can reach it then),
// profile and pair state after the profile horizon (180 days by default).

export const MS_5M: f64 = 300_000;
export const MS_1H: f64 = 3_600_000;
export const MS_24H: f64 = 86_400_000;
export const MAX_LATENESS_MS: f64 = MS_5M; // the rings hold one spare bucket for it
export const DEFAULT_PROFILE_TTL_MS: f64 = 180 * MS_24H;

export class Clock {
  static watermark: f64 = -Infinity;
  static latenessMs: f64 = MAX_LATENESS_MS;
  static profileTtlMs: f64 = DEFAULT_PROFILE_TTL_MS;
  static events: f64 = 0;
  static late: f64 = 0;
  static rows: f64 = 0;

  /** Oldest lastSeen a window record may have and still count. */
  // @ts-ignore: decorator
  @inline static windowCutoff(): f64 {
    return Clock.watermark - (MS_24H + Clock.latenessMs);
  }

  /** Oldest lastSeen a profile or pair record may have and still count. */
  // @ts-ignore: decorator
  @inline static profileCutoff(): f64 {
    return Clock.watermark - Clock.profileTtlMs;
  }
}

/** The 5-minute bucket of a timestamp. */
// @ts-ignore: decorator
@inline export function bucket5(ts: f64): i32 {
  return <i32>Math.floor(ts / MS_5M);
}

/** The hourly bucket of a timestamp. */
// @ts-ignore: decorator
@inline export function bucketHour(ts: f64): i32 {
  return <i32>Math.floor(ts / MS_1H);
}

/** Seconds from t0 to ts, 0 when t0 is later, NaN when t0 is NaN. */
// @ts-ignore: decorator
@inline export function since(ts: f64, t0: f64): f64 {
  return max<f64>(0, (ts - t0) / 1000);
}

/** UTC hour of day, 0..23. */
// @ts-ignore: decorator
@inline export function hourOfDay(ts: f64): f64 {
  if (ts != ts) return NaN;
  // Integer remainders (f64 % is a software fmod in WASM); ts <= MAX_TS (assembly/limits.ts) keeps the hour inside i32.
  const h = <i32>Math.floor(ts / MS_1H) % 24;
  return <f64>(h < 0 ? h + 24 : h);
}

/** UTC weekday, 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday). */
// @ts-ignore: decorator
@inline export function dayOfWeek(ts: f64): f64 {
  if (ts != ts) return NaN;
  const d = (<i32>Math.floor(ts / MS_24H) + 3) % 7;
  return <f64>(d < 0 ? d + 7 : d);
}
