// A model compiled into its own WebAssembly module (host/gbt/codegen.ts),
// instantiated over a GbtEngine's memory: it reads the rows at inputPtr()
// and writes the margins at outputPtr(), so a caller fills and reads the
// same buffers as with the interpreter.

import { generateModule, unsupportedReason, type CodegenOptions } from './codegen.js';

interface CompiledExports {
  sum(rowsPtr: number, rows: number, outPtr: number): void;
}

export interface CompiledSum {
  /** Writes the raw margins of `rows` rows at rowsPtr to outPtr (both in the engine's memory). */
  sum(rowsPtr: number, rows: number, outPtr: number): void;
  /** Size of the generated module (bytes). */
  readonly codeBytes: number;
  /** Time to generate and compile the module (ms). */
  readonly compileMs: number;
}

/**
 * Compiles `blob` (a blob the engine has already accepted) against `memory`;
 * null when the model has parts the generator leaves to the interpreter
 * (linear leaves).
 */
export function compileSum(blob: Uint8Array, memory: WebAssembly.Memory, opts: CodegenOptions = {}): CompiledSum | null {
  if (unsupportedReason(blob) !== null) return null;
  const t0 = performance.now();
  const bytes = generateModule(blob, opts);
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as CompiledExports;
  return { sum: exports.sum, codeBytes: bytes.byteLength, compileMs: performance.now() - t0 };
}
