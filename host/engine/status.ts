// The WASM core's status codes (assembly/status.ts) and what they mean.

const MESSAGES: Record<number, string> = {
  [-1]: 'not a streamscore model blob (bad magic)',
  [-2]: 'model blob version not supported by this core',
  [-3]: 'model blob truncated or its counts are out of range',
  [-4]: 'model blob has a node or tree pointing outside the model',
  [-5]: 'model blob splits on a feature outside the row',
  [-6]: 'model blob has a categorical bitset outside its table',
  [-7]: 'model blob has a linear leaf outside its table',
  [-8]: 'no free model slot (16 models loaded)',
  [-9]: 'no model loaded under that handle',
  [-10]: 'WASM memory exhausted',
  [-11]: 'bad argument',
  [-12]: 'model blob objective code unknown or inconsistent with its outputs',
  [-13]: 'batch larger than the reserved buffers',
};

/** Describes a negative status from the core. */
export function statusMessage(status: number): string {
  return MESSAGES[status] ?? `unknown status ${status}`;
}
