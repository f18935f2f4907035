// Status codes of the trainer, in their own range (-201...) so they never
// collide with the scorer's (assembly/status.ts) or the feature code's
// (-101...). host/train/status.ts keeps the same table. Shared failures
// reuse the scorer's codes: -10 out of memory, -11 bad argument.

/** A binary label that is neither 0 nor 1 (or a NaN label). */
export const E_TRAIN_LABEL: i32 = -201;
/** Exports called out of order (bin before reserve, grow before start...). */
export const E_TRAIN_ORDER: i32 = -202;
/** More trees than trainConfigure reserved room for. */
export const E_TRAIN_FULL: i32 = -203;
