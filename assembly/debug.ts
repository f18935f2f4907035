// The debug build's entry (build/debug/streamscore.wasm): the release ABI of
// index.ts plus switches that tests and benchmarks use to compare the
// scorer's walks. They are not in the release build, so no embedder can
// leave the scorer in a slower walk by mistake. The bits are the same in
// every walk; tests assert it.

import { setBlockRows as setBlock, setFastLayout, setTableLayout } from "./gbt/predict";

export * from "./index";

/** Sets how many rows share one pass over the trees (1 = row by row; 0 = the default, 512). */
export function setBlockRows(n: i32): void {
  setBlock(n);
}

/** Scores with the fast layout where a model has one (on != 0, the default) or always with the blob's nodes. */
export function useFastLayout(on: i32): void {
  setFastLayout(on != 0);
}

/** Scores and explains models of small trees on their table layout (on != 0, the default) or walks their fast layout. */
export function useTableLayout(on: i32): void {
  setTableLayout(on != 0);
}
