// AssemblyScript transform: writes the bodies of assembly/state.ts's
// saveGlobals(area) and loadGlobals(area), declared there as imports, so
// that the module has none: saveGlobals stores every mutable global of the
// module (the runtime's too) at area + 8 * i, loadGlobals loads them back.
// With them, an instance's linear memory is its whole state image
// (docs/ABI.md, "State images").

import { Transform } from 'assemblyscript/transform';

const AREA_BYTES = 4096;

export default class StateGlobals extends Transform {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const imports = { saveGlobals: null, loadGlobals: null };
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const f = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
      if (f.module === 'streamscore' && f.base in imports) imports[f.base] = f.name;
    }
    if (!imports.saveGlobals || !imports.loadGlobals) return; // an entry without assembly/state.ts
    // Only globals some code writes: one that keeps its initial value is the
    // same in every instance of the build, and left out it stays a constant
    // to the optimiser (the release build's scorer switches, say).
    const written = new Set([...module.emitText().matchAll(/\(global\.set \$([^\s()]+)/g)].map((m) => m[1]));
    const globals = [];
    for (let i = 0; i < module.getNumGlobals(); i++) {
      const g = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
      if (g.mutable && !g.module && written.has(g.name)) globals.push(g);
    }
    if (globals.length * 8 > AREA_BYTES) throw new Error(`state-globals: ${globals.length} mutable globals do not fit ${AREA_BYTES} bytes: raise GLOBALS_BYTES in assembly/state.ts and AREA_BYTES here`);
    const area = () => module.local.get(0, binaryen.i32);
    const ops = { [binaryen.i32]: module.i32, [binaryen.i64]: module.i64, [binaryen.f32]: module.f32, [binaryen.f64]: module.f64 };
    const width = { [binaryen.i32]: 4, [binaryen.i64]: 8, [binaryen.f32]: 4, [binaryen.f64]: 8 };
    const save = [];
    const load = [];
    globals.forEach((g, i) => {
      const op = ops[g.type];
      if (!op) throw new Error(`state-globals: global ${g.name} has a type the image cannot hold`);
      save.push(op.store(i * 8, width[g.type], area(), module.global.get(g.name, g.type)));
      load.push(module.global.set(g.name, op.load(i * 8, width[g.type], area())));
    });
    for (const [base, body] of [['saveGlobals', save], ['loadGlobals', load]]) {
      module.removeFunction(imports[base]);
      module.addFunction(imports[base], binaryen.createType([binaryen.i32]), binaryen.i32, [], module.block(null, [...body, module.i32.const(globals.length)], binaryen.i32));
    }
  }
}
