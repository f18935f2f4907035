// AssemblyScript transform for state images (docs/ABI.md, "State images").
//
// 1. Writes the bodies of assembly/state.ts's saveGlobals(area) and
//    loadGlobals(area), declared there as imports, so that the module has
//    none: saveGlobals stores every mutable global of the module (the
//    runtime's too) at area + 8 * i, loadGlobals loads them back. With
//    them, an instance's linear memory is its whole state image.
// 2. Tracks the pages the code writes: every store, memory.fill and
//    memory.copy of the module (the runtime's and the standard library's
//    too) also sets the byte of its 4 KiB page(s) in the dirty map
//    (stateDirty() in assembly/state.ts), so that a host copies only the
//    pages written since its last copy. It runs before the optimiser, which
//    inlines the marking. A write the transform does not know how to mark
//    fails the build.

import { Transform } from 'assemblyscript/transform';

const AREA_BYTES = 4096;
/** log2 of the dirty map's page: 4 KiB (assembly/state.ts DIRTY_PAGE_BITS). */
const PAGE_BITS = 12;
/** Bytes a store may write past its marked page (a v128 store: 16 bytes, 15 past); host/wasm/image.ts copies them. */
const SPILL = 15;
const STACK_POINTER = '~lib/memory/__stack_pointer';

export default class StateImage extends Transform {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const imports = { saveGlobals: null, loadGlobals: null, markDirty: null, markDirtyRange: null };
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const f = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
      if (f.module === 'streamscore' && f.base in imports) imports[f.base] = f.name;
    }
    if (Object.values(imports).some((n) => n === null)) return; // an entry without assembly/state.ts
    const replace = (name, params, result, body) => {
      module.removeFunction(name);
      module.addFunction(name, binaryen.createType(params), result, [], body);
    };
    markWrites(binaryen, module, imports);
    writeDirtyMarkers(binaryen, module, imports, replace);
    writeGlobals(binaryen, module, imports, replace);
  }
}

// saveGlobals/loadGlobals: only globals some code writes. One that keeps its
// initial value is the same in every instance of the build, and left out it
// stays a constant to the optimiser (the release build's scorer switches, say).
function writeGlobals(binaryen, module, imports, replace) {
  const written = new Set([...module.emitText().matchAll(/\(global\.set \$([^\s()]+)/g)].map((m) => m[1]));
  const globals = [];
  for (let i = 0; i < module.getNumGlobals(); i++) {
    const g = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
    if (g.mutable && !g.module && written.has(g.name)) globals.push(g);
  }
  if (globals.length * 8 > AREA_BYTES) throw new Error(`state-image: ${globals.length} mutable globals do not fit ${AREA_BYTES} bytes: raise GLOBALS_BYTES in assembly/state.ts and AREA_BYTES here`);
  const area = () => module.local.get(0, binaryen.i32);
  const ops = { [binaryen.i32]: module.i32, [binaryen.i64]: module.i64, [binaryen.f32]: module.f32, [binaryen.f64]: module.f64 };
  const width = { [binaryen.i32]: 4, [binaryen.i64]: 8, [binaryen.f32]: 4, [binaryen.f64]: 8 };
  const save = [];
  const load = [];
  globals.forEach((g, i) => {
    const op = ops[g.type];
    if (!op) throw new Error(`state-image: global ${g.name} has a type the image cannot hold`);
    save.push(op.store(i * 8, width[g.type], area(), module.global.get(g.name, g.type)));
    load.push(module.global.set(g.name, op.load(i * 8, width[g.type], area())));
  });
  // These stores are written after the module's were marked: the area's pages are marked here.
  save.push(module.drop(module.call(imports.markDirtyRange, [area(), module.i32.const(globals.length * 8)], binaryen.i32)));
  for (const [base, body] of [['saveGlobals', save], ['loadGlobals', load]]) {
    replace(imports[base], [binaryen.i32], binaryen.i32, module.block(null, [...body, module.i32.const(globals.length)], binaryen.i32));
  }
}

// The marking functions' bodies (the map's address is assembly/state.ts's stateDirty()):
//   markDirty(ptr, offset) -> ptr: marks the page of ptr + offset (a store of
//     up to 16 bytes that starts near a page's end spills into the next: the
//     host copies the first SPILL bytes after each marked page too)
//   markDirtyRange(dest, size) -> size: marks the pages of [dest, dest + size)
function writeDirtyMarkers(binaryen, module, imports, replace) {
  const i32 = binaryen.i32;
  const at = dirtyMapAddress(binaryen, module);
  const map = () => module.i32.const(at);
  const page = (addr) => module.i32.shr_u(addr, module.i32.const(PAGE_BITS));
  const get = (i) => module.local.get(i, i32);
  const mark = (addr) => module.i32.store8(0, 1, module.i32.add(map(), page(addr)), module.i32.const(1));
  replace(imports.markDirty, [i32, i32], i32, module.block(null, [mark(module.i32.add(get(0), get(1))), get(0)], i32));
  // fill the map from page(dest) to page(dest + size - 1), when size > 0
  const lastPage = page(module.i32.add(get(0), module.i32.sub(get(1), module.i32.const(1))));
  replace(imports.markDirtyRange, [i32, i32], i32, module.block(null, [
    module.if(get(1), module.memory.fill(module.i32.add(map(), page(get(0))), module.i32.const(1), module.i32.add(module.i32.sub(lastPage, page(get(0))), module.i32.const(1)))),
    get(1),
  ], i32));
}

// The map's address, a constant: what stateDirty() returns (its body ends
// with it). A constant, the marking is small enough for the optimiser to
// inline at every write.
function dirtyMapAddress(binaryen, module) {
  const f = module.getFunction('assembly/state/stateDirty');
  let e = f && binaryen.getFunctionInfo(f).body;
  for (;;) {
    const id = e ? binaryen.getExpressionId(e) : 0;
    if (id === binaryen.BlockId) e = binaryen.getExpressionInfo(e).children.at(-1);
    else if (id === binaryen.ReturnId) e = binaryen.getExpressionInfo(e).value;
    else if (id === binaryen.ConstId) return binaryen.getExpressionInfo(e).value;
    else if (id === binaryen.GlobalGetId) e = binaryen.getGlobalInfo(module.getGlobal(binaryen.getExpressionInfo(e).name)).init;
    else throw new Error('state-image: assembly/state.ts stateDirty() must end by returning the dirty map\'s constant address');
  }
}

// Children of each kind of expression the compiler emits; a kind not named
// here fails the build (it might write memory unmarked).
function childFields(binaryen) {
  const B = binaryen;
  return new Map([
    [B.BlockId, ['children']], [B.IfId, ['condition', 'ifTrue', 'ifFalse']], [B.LoopId, ['body']],
    [B.BreakId, ['condition', 'value']], [B.SwitchId, ['condition', 'value']],
    [B.CallId, ['operands']], [B.CallIndirectId, ['target', 'operands']],
    [B.LocalGetId, []], [B.LocalSetId, ['value']], [B.GlobalGetId, []], [B.GlobalSetId, ['value']],
    [B.LoadId, ['ptr']], [B.StoreId, ['ptr', 'value']], [B.ConstId, []], [B.UnaryId, ['value']],
    [B.BinaryId, ['left', 'right']], [B.SelectId, ['ifTrue', 'ifFalse', 'condition']], [B.DropId, ['value']],
    [B.ReturnId, ['value']], [B.NopId, []], [B.UnreachableId, []], [B.MemorySizeId, []], [B.MemoryGrowId, ['delta']],
    [B.SIMDExtractId, ['vec']], [B.SIMDReplaceId, ['vec', 'value']], [B.SIMDShuffleId, ['left', 'right']],
    [B.SIMDTernaryId, ['a', 'b', 'c']], [B.SIMDShiftId, ['vec', 'shift']], [B.SIMDLoadId, ['ptr']],
    [B.MemoryCopyId, ['dest', 'source', 'size']], [B.MemoryFillId, ['dest', 'value', 'size']],
    [B.RefNullId, []], [B.RefFuncId, []], [B.TupleMakeId, ['operands']], [B.TupleExtractId, ['tuple']],
  ]);
}

// Every write of the module's code, found before any is changed, then each
// made to mark its pages: a store's pointer goes through markDirty; a bulk
// write's destination is kept in a new local of its function and its size
// goes through markDirtyRange(that local, size) (operands are evaluated in
// order: the destination first).
function markWrites(binaryen, module, imports) {
  const fields = childFields(binaryen);
  const ids = Object.fromEntries(Object.entries(binaryen).filter(([k, v]) => k.endsWith('Id') && typeof v === 'number').map(([k, v]) => [v, k]));
  const stores = [];
  const bulk = [];
  let where = '';
  let func = 0;
  const walk = (expr) => {
    if (!expr) return;
    const id = binaryen.getExpressionId(expr);
    const kids = fields.get(id);
    if (kids === undefined) throw new Error(`state-image: ${where} has a ${ids[id] ?? id} expression, which the dirty-page tracking does not know: teach scripts/asc/state-image.js whether it writes memory`);
    if (kids.length === 0) return; // (and binaryen.js has no info for some of these: unreachable)
    const info = binaryen.getExpressionInfo(expr);
    if (info.id === binaryen.StoreId) stores.push({ expr, info });
    else if (info.id === binaryen.MemoryCopyId || info.id === binaryen.MemoryFillId) bulk.push({ expr, info, func });
    for (const k of kids) {
      const v = info[k];
      if (Array.isArray(v)) v.forEach(walk);
      else walk(v);
    }
  };
  for (let i = 0; i < module.getNumFunctions(); i++) {
    func = module.getFunctionByIndex(i);
    const f = binaryen.getFunctionInfo(func);
    if (f.module) continue;
    where = f.name;
    walk(f.body);
  }
  const i32 = binaryen.i32;
  for (const { expr, info } of stores) {
    if (info.bytes > SPILL + 1) throw new Error(`state-image: ${info.bytes}-byte stores spill past the SPILL bytes the host copies`);
    // The shadow stack's slots (AssemblyScript's GC roots) hold nothing between two calls of the host.
    if (binaryen.getExpressionId(info.ptr) === binaryen.GlobalGetId && binaryen.getExpressionInfo(info.ptr).name === STACK_POINTER) continue;
    binaryen.Store.setPtr(expr, module.call(imports.markDirty, [info.ptr, module.i32.const(info.offset)], i32));
  }
  for (const { expr, info, func } of bulk) {
    const dest = binaryen._BinaryenFunctionAddVar(func, i32);
    const K = info.id === binaryen.MemoryCopyId ? binaryen.MemoryCopy : binaryen.MemoryFill;
    K.setDest(expr, module.local.tee(dest, info.dest, i32));
    K.setSize(expr, module.call(imports.markDirtyRange, [module.local.get(dest, i32), info.size], i32));
  }
}
