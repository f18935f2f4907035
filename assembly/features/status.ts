// Status codes of the feature exports, in their own range so they never clash
// with the scorer's (assembly/status.ts). host/features/status.ts keeps the
// same table. The shared codes E_NO_MEMORY (-10), E_BAD_ARGUMENT (-11) and
// E_NO_BATCH (-13) keep their meaning here.

export const E_BAD_EVENT_TYPE: i32 = -101; // an event type code outside 0..6
export const E_BAD_TIMESTAMP: i32 = -102; // ts not in [0, MAX_TS] (assembly/limits.ts)
export const E_BAD_AMOUNT: i32 = -103; // a negative amount
export const E_BAD_CODE: i32 = -104; // a source/browser/sex code outside 0..255
export const E_BAD_RANGES: i32 = -105; // IP ranges unsorted, overlapping, or lo > hi
export const E_BAD_OUTPUT: i32 = -106; // the output rows would run past the end of memory
