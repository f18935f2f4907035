// The WASM module's status codes (assembly/status.ts) with their names and
// what they mean to a person: one table for every engine, in the same
// ranges (0 OK; -1..-99 shared; -1xx features; -2xx recommendations; -3xx
// trainer; -4xx forecasts). test/status-codes-are-one-table.test.ts checks
// it against the module's table, name by name.

export const STATUS: Readonly<Record<number, { name: string; message: string; field?: string }>> = {
  [-1]: { name: 'E_BAD_MAGIC', message: 'not a streamscore model blob (bad magic)' },
  [-2]: { name: 'E_BAD_VERSION', message: 'model blob version not supported by this core' },
  [-3]: { name: 'E_TRUNCATED', message: 'model blob truncated or its counts are out of range' },
  [-4]: { name: 'E_BAD_NODE', message: 'model blob has a node or tree pointing outside the model' },
  [-5]: { name: 'E_BAD_FEATURE', message: 'model blob splits on a feature outside the row' },
  [-6]: { name: 'E_BAD_CATEGORY', message: 'model blob has a categorical bitset outside its table' },
  [-7]: { name: 'E_BAD_LINEAR', message: 'model blob has a linear leaf outside its table' },
  [-8]: { name: 'E_NO_SLOT', message: 'no free model slot (16 models loaded)' },
  [-9]: { name: 'E_BAD_HANDLE', message: 'no model loaded under that handle' },
  [-10]: { name: 'E_NO_MEMORY', message: 'WASM memory exhausted' },
  [-11]: { name: 'E_BAD_ARGUMENT', message: 'bad argument' },
  [-12]: { name: 'E_BAD_OBJECTIVE', message: 'model blob objective code unknown or inconsistent with its outputs' },
  [-13]: { name: 'E_NO_BATCH', message: 'batch larger than the reserved buffers' },

  [-101]: { name: 'E_FEATURES_BAD_TYPE', message: 'event type code unknown', field: 'type' },
  [-102]: { name: 'E_FEATURES_BAD_TIMESTAMP', message: 'timestamp not finite or out of range', field: 'ts' },
  [-103]: { name: 'E_FEATURES_BAD_AMOUNT', message: 'negative amount', field: 'amount' },
  [-104]: { name: 'E_FEATURES_BAD_CODE', message: 'source, browser or sex code out of range', field: 'source' },
  [-105]: { name: 'E_FEATURES_BAD_RANGES', message: 'IP ranges unsorted, overlapping, or with lower > upper' },
  [-106]: { name: 'E_FEATURES_BAD_OUTPUT', message: 'feature rows would run past the end of WASM memory' },

  [-201]: { name: 'E_RECS_BAD_INTERACTION', message: 'interaction type code unknown (0 view, 1 cart, 2 purchase)', field: 'type' },
  [-202]: { name: 'E_RECS_BAD_TIMESTAMP', message: 'timestamp not finite or out of range', field: 'ts' },
  [-203]: { name: 'E_RECS_BAD_ITEM', message: 'item index beyond the reserved item capacity', field: 'itemId' },
  [-204]: { name: 'E_RECS_BAD_USER', message: 'user id empty', field: 'userId' },

  [-301]: { name: 'E_TRAIN_LABEL', message: 'a binary label is neither 0 nor 1' },
  [-302]: { name: 'E_TRAIN_ORDER', message: 'trainer exports called out of order' },
  [-303]: { name: 'E_TRAIN_FULL', message: 'more trees than the trainer reserved room for' },

  [-401]: { name: 'E_FORECAST_TOO_SHORT', message: 'series too short for the model (a seasonal model needs two full periods)' },
  [-402]: { name: 'E_FORECAST_NOT_POSITIVE', message: 'the model needs strictly positive data' },
  [-403]: { name: 'E_FORECAST_NOT_FINITE', message: 'a value is NaN or infinite' },
  [-404]: { name: 'E_FORECAST_NO_MODEL', message: 'no model in the record' },
  [-405]: { name: 'E_FORECAST_NO_FIT', message: 'no finite fit found' },
};

/** Describes a negative status from any of the module's engines. */
export function statusMessage(status: number): string {
  return STATUS[status]?.message ?? `unknown status ${status}`;
}

/** The event field a per-event status is about ("event" when it names none). */
export function statusField(status: number): string {
  return STATUS[status]?.field ?? 'event';
}
