// Allocation with a byte count, so recsStat can report the memory held
// without walking anything.

export class Mem {
  static bytes: f64 = 0;
}

/** Allocates `bytes` (counted). */
export function grab(bytes: usize): usize {
  Mem.bytes += <f64>bytes;
  return heap.alloc(bytes);
}

/** Frees a block of `bytes` from grab (0 is ignored). */
export function drop(ptr: usize, bytes: usize): void {
  if (ptr == 0) return;
  Mem.bytes -= <f64>bytes;
  heap.free(ptr);
}

/** Grows a block from `oldBytes` to `newBytes`, keeping its contents. */
export function regrow(ptr: usize, oldBytes: usize, newBytes: usize): usize {
  const p = grab(newBytes);
  if (ptr != 0) {
    memory.copy(p, ptr, oldBytes);
    drop(ptr, oldBytes);
  }
  return p;
}
