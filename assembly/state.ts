// The instance's state image (docs/ABI.md, "State images"): everything an
// instance knows is its linear memory plus its mutable globals, so
// stateSave() copies the globals into a static area of memory, after which
// the memory's bytes are the whole image; stateLoad() reads them back into
// the globals of an instance of the same build whose memory holds an image.
// The two bodies are written at build time by scripts/asc/state-globals.js
// (the transform knows every global, including the runtime's).

/** Bytes kept for the globals, 8 per global (the transform's AREA_BYTES: the build fails if they do not fit). */
const GLOBALS_BYTES = 4096;

const AREA: usize = memory.data(GLOBALS_BYTES, 16);

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
