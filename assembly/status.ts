// Every status code the module returns, one table with a range per engine.
// A throw would trap and poison the instance, so everything caused by data
// returns one of these instead; the host turns them into errors with the
// messages of host/wasm/status.ts, which mirrors this table
// (test/status-codes-are-one-table.test.ts checks that it does).
//
//   0           OK
//   -1 .. -99   shared: model blobs, handles, memory, arguments, batches
//   -101..-199  fraud features (per event: featuresStatusPtr)
//   -201..-299  recommendations (per row: recsRowStatus)
//   -301..-399  trainer
//   -401..-499  forecasts

export const OK: i32 = 0;

export const E_BAD_MAGIC: i32 = -1;
export const E_BAD_VERSION: i32 = -2;
export const E_TRUNCATED: i32 = -3;
export const E_BAD_NODE: i32 = -4;
export const E_BAD_FEATURE: i32 = -5;
export const E_BAD_CATEGORY: i32 = -6;
export const E_BAD_LINEAR: i32 = -7;
export const E_NO_SLOT: i32 = -8;
export const E_BAD_HANDLE: i32 = -9;
export const E_NO_MEMORY: i32 = -10;
export const E_BAD_ARGUMENT: i32 = -11;
export const E_BAD_OBJECTIVE: i32 = -12;
export const E_NO_BATCH: i32 = -13;

/** An event type code outside 0..6. */
export const E_FEATURES_BAD_TYPE: i32 = -101;
/** ts not in [0, MAX_TS] (assembly/limits.ts). */
export const E_FEATURES_BAD_TIMESTAMP: i32 = -102;
/** A negative amount. */
export const E_FEATURES_BAD_AMOUNT: i32 = -103;
/** A source, browser or sex code outside 0..255. */
export const E_FEATURES_BAD_CODE: i32 = -104;
/** IP ranges unsorted, overlapping, or lo > hi. */
export const E_FEATURES_BAD_RANGES: i32 = -105;
/** The output rows would run past the end of memory. */
export const E_FEATURES_BAD_OUTPUT: i32 = -106;

/** An interaction type code outside 0..2. */
export const E_RECS_BAD_INTERACTION: i32 = -201;
/** ts not in [0, MAX_TS] (assembly/limits.ts). */
export const E_RECS_BAD_TIMESTAMP: i32 = -202;
/** An item index at or beyond recsItemsReserve's. */
export const E_RECS_BAD_ITEM: i32 = -203;
/** A user key of 0 (absent). */
export const E_RECS_BAD_USER: i32 = -204;

/** A binary label that is neither 0 nor 1 (or a NaN label). */
export const E_TRAIN_LABEL: i32 = -301;
/** Exports called out of order (bin before reserve, grow before start...). */
export const E_TRAIN_ORDER: i32 = -302;
/** More trees than trainConfigure reserved room for. */
export const E_TRAIN_FULL: i32 = -303;

/** The series is too short for the asked model (seasonal models need two full periods). */
export const E_FORECAST_TOO_SHORT: i32 = -401;
/** The model needs strictly positive data (multiplicative error or season). */
export const E_FORECAST_NOT_POSITIVE: i32 = -402;
/** A value is NaN or infinite. */
export const E_FORECAST_NOT_FINITE: i32 = -403;
/** No model record has been fitted or loaded. */
export const E_FORECAST_NO_MODEL: i32 = -404;
/** The fit found no finite criterion anywhere (e.g. a constant zero series under a multiplicative model). */
export const E_FORECAST_NO_FIT: i32 = -405;
