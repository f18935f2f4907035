// Status codes returned across the ABI. A throw would trap and poison the
// instance, so everything caused by data returns one of these instead; the
// host maps them to errors (host/engine/status.ts keeps the same table).

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
