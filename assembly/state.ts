// The instance's state image (docs/ABI.md, "State images"): everything an
// instance knows is its linear memory plus its mutable globals, so
// stateSave() copies the globals into a static area of memory, after which
// the memory's bytes are the whole image; stateLoad() reads them back into
// the globals of an instance of the same build whose memory holds an image.
// The two bodies are written at build time by scripts/asc/state-image.js
// (the transform knows every global, including the runtime's).
//
// The same transform makes every write of the module mark its 4 KiB page in
// the dirty map (stateDirty()): a host that keeps its last copy of the
// image copies only the pages marked since, and clears the marks.

/** Bytes kept for the globals, 8 per global (the transform's AREA_BYTES: the build fails if they do not fit). */
const GLOBALS_BYTES = 4096;

const AREA: usize = memory.data(GLOBALS_BYTES, 16);

/** log2 of a dirty-map page: 4 KiB. */
const DIRTY_PAGE_BITS = 12;
/** A byte per page of the largest memory (4 GiB), then 8 bytes the host keeps its copy's stamp in. */
const DIRTY_BYTES: usize = (<usize>1 << (32 - DIRTY_PAGE_BITS)) + 8;

const DIRTY: usize = memory.data(<i32>DIRTY_BYTES, 16);

// @ts-ignore: decorator
@external("streamscore", "markDirty")
declare function markDirty(ptr: usize, offset: usize): usize;

// @ts-ignore: decorator
@external("streamscore", "markDirtyRange")
declare function markDirtyRange(dest: usize, size: usize): usize;

/**
 * The dirty map: byte p is nonzero when the 4 KiB page p of memory has been
 * written since the host last cleared it (the host clears it, and marks the
 * pages it writes itself). The 8 bytes after the map's 2^20 are the host's.
 * Called by hosts that copy images, once per instance.
 */
export function stateDirty(): usize {
  // Keeps the marking functions in the build for the transform to reach (they are called from nowhere else before it runs).
  if (memory.size() == 0) markDirtyRange(markDirty(0, 0), 0);
  return DIRTY;
}

// @ts-ignore: decorator
@external("streamscore", "saveGlobals")
declare function saveGlobals(area: usize): i32;

// @ts-ignore: decorator
@external("streamscore", "loadGlobals")
declare function loadGlobals(area: usize): i32;

/**
 * Makes the memory the instance's whole state image: writes every mutable
 * global into it. Returns the number of globals. Called by the host between
 * batches, just before it copies the memory.
 */
export function stateSave(): i32 {
  return saveGlobals(AREA);
}

/**
 * Takes the state image now in memory (written there by the host, after
 * growing the memory to the image's size): reads every mutable global back.
 * Returns the number of globals. Called once per restore, before any other
 * call on the instance.
 */
export function stateLoad(): i32 {
  return loadGlobals(AREA);
}
