// Status codes of the recommendation exports, in their own range (-2xx) so
// they never clash with the scorer's or the features'. host/recs/status.ts
// keeps the same table. E_NO_MEMORY (-10), E_BAD_ARGUMENT (-11) and
// E_NO_BATCH (-13) keep their meaning from assembly/status.ts.

export const E_BAD_INTERACTION: i32 = -201; // an interaction type code outside 0..2
export const E_BAD_TIMESTAMP: i32 = -202; // ts not in [0, MAX_TS] (assembly/limits.ts)
export const E_BAD_ITEM: i32 = -203; // an item index at or beyond recsItemsReserve's
export const E_BAD_USER: i32 = -204; // a user key of 0 (absent)
