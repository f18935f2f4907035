// Status codes of the forecast exports (beside assembly/status.ts's shared
// ones): data problems return these instead of trapping.

/** The series is too short for the asked model (seasonal models need two full periods). */
export const E_TOO_SHORT: i32 = -40;
/** The model needs strictly positive data (multiplicative error or season). */
export const E_NOT_POSITIVE: i32 = -41;
/** A value is NaN or infinite. */
export const E_NOT_FINITE: i32 = -42;
/** No model record has been fitted or loaded. */
export const E_NO_MODEL: i32 = -43;
/** The fit found no finite criterion anywhere (e.g. a constant zero series under a multiplicative model). */
export const E_NO_FIT: i32 = -44;
