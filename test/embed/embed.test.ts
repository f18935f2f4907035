// The same build/streamscore.wasm, unchanged, scores bit-identically in Node
// (V8), Python (wasmtime, test/embed/score.py) and Go (wazero, test/embed/go):
// the ABI needs no imports and the core's f64 arithmetic is deterministic, so
// any difference is a bug in the module or in an embedder. Each fixture model
// is compiled to .ssm, scored raw and transformed in all three, and the output
// bytes compared.
//
// Setup is done here when missing, outside the repo: a venv with the pinned
// wasmtime at ~/.cache/streamscore/embed-venv and the Go program built into
// ~/.cache/streamscore/embed-go/. python3 and go must be on PATH; without them
// this FAILS rather than skips, as `npm run test:embed` is a deliberate run.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, inputs, modelPath, type FixtureCase } from '../helpers/fixtures.js';
import { loadModel } from '../../host/gbt/load.js';
import { GbtEngine } from '../../host/gbt/engine.js';
import { wasmPath } from '../../host/wasm/module.js';

const HERE = import.meta.dirname;
const CACHE = join(homedir(), '.cache', 'streamscore');
const VENV = join(CACHE, 'embed-venv');
const PYTHON = join(VENV, 'bin', 'python');
const GO_BIN = join(CACHE, 'embed-go', 'score');

/** Runs a command; throws with its output on failure, and a clear message when the tool is not installed. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', maxBuffer: 64 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${cmd} is not on PATH: npm run test:embed needs python3 (with venv) and go installed`);
  }
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Creates the venv and installs requirements.txt unless the venv already has exactly these requirements. */
function setupPython(): void {
  run('python3', ['--version']);
  const req = join(HERE, 'requirements.txt');
  const stamp = join(VENV, 'streamscore-requirements.txt');
  if (existsSync(PYTHON) && existsSync(stamp) && readFileSync(stamp, 'utf8') === readFileSync(req, 'utf8')) return;
  if (!existsSync(PYTHON)) run('python3', ['-m', 'venv', VENV]);
  run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', req]);
  copyFileSync(req, stamp);
}

/** (Re)builds the Go program; go's own cache makes this quick after the first time. */
function setupGo(): void {
  run('go', ['version']);
  mkdirSync(join(CACHE, 'embed-go'), { recursive: true });
  run('go', ['build', '-o', GO_BIN, '.'], { cwd: join(HERE, 'go'), env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } });
}

/** Up to six fixtures covering the model shapes: [library, base names in order of preference]. */
const WANTED: [FixtureCase['library'], string[]][] = [
  ['lightgbm', ['binary']],
  ['lightgbm', ['multiclass']],
  ['lightgbm', ['categorical']],
  ['lightgbm', ['linear_binary', 'linear_regression']],
  ['xgboost', ['binary_logistic']],
  ['xgboost', ['multi_softmax', 'multi_softprob']],
];

/** The newest library version's case for each wanted shape ("lgb4_binary" has base name "binary"). */
function pick(all: FixtureCase[]): FixtureCase[] {
  const newest = (a: FixtureCase, b: FixtureCase) => b.libraryVersion.localeCompare(a.libraryVersion, undefined, { numeric: true });
  const out: FixtureCase[] = [];
  for (const [library, bases] of WANTED) {
    for (const base of bases) {
      const c = all.filter((c) => c.library === library && c.name.replace(/^[a-z]+\d+_/, '') === base).sort(newest)[0];
      if (c) {
        out.push(c);
        break;
      }
    }
  }
  return out;
}

/** Where two equal-length f64 byte buffers first differ, for the failure message. */
function firstDiff(want: Buffer, got: Buffer): string {
  if (want.length !== got.length) return `length ${got.length} bytes, want ${want.length}`;
  for (let i = 0; i < want.length; i += 8) {
    if (!want.subarray(i, i + 8).equals(got.subarray(i, i + 8))) {
      return `value ${i / 8}: ${got.readDoubleLE(i)}, want ${want.readDoubleLE(i)}`;
    }
  }
  return 'equal';
}

const picked = pick(cases());
let dir = '';
let wasm = '';
let engine: GbtEngine;
let ready = false; // set by the setup test, which runs first: a missing tool fails it and every case

beforeAll(() => {
  // One copy of the module's bytes, so all three runtimes load exactly the same file.
  dir = mkdtempSync(join(tmpdir(), 'streamscore-embed-'));
  wasm = join(dir, 'streamscore.wasm');
  copyFileSync(wasmPath(), wasm);
  engine = new GbtEngine(new WebAssembly.Module(readFileSync(wasm)));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the same .wasm in Node, Python (wasmtime) and Go (wazero)', () => {
  // A test, not a hook, so a missing python3 or go shows as failures rather than skips.
  it('sets up python3 + wasmtime and go + wazero', () => {
    const t0 = performance.now();
    setupPython();
    const t1 = performance.now();
    setupGo();
    const t2 = performance.now();
    console.log(`embed setup: python ${((t1 - t0) / 1000).toFixed(1)} s, go ${((t2 - t1) / 1000).toFixed(1)} s`);
    ready = true;
  }, 900_000);

  it('has fixtures to run', () => {
    expect(picked.length, 'no fixtures under test/fixtures/gbt: run scripts/gbt-fixtures/make_fixtures.py').toBeGreaterThan(0);
  });

  for (const c of picked) {
    for (const raw of [true, false]) {
      it(`${c.name} (${c.library} ${c.libraryVersion}, ${c.objective}) ${raw ? 'raw' : 'transformed'}`, () => {
        expect(ready, 'setup failed: see the first test').toBe(true);
        const ssm = join(dir, `${c.name}.ssm`);
        const input = join(dir, `${c.name}.f64`);
        const { rows, data } = inputs(c);
        if (!existsSync(ssm)) {
          writeFileSync(ssm, loadModel(modelPath(c), { unchecked: true }).blob);
          writeFileSync(input, data);
        }
        const model = engine.load(readFileSync(ssm));
        let node: Buffer;
        try {
          const out = engine.score(model, data, raw);
          expect(out.length).toBe(rows * (raw ? model.numOutputs : model.numPredictions));
          node = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
        } finally {
          engine.free(model);
        }
        const args = [wasm, ssm, input, String(rows), raw ? '1' : '0'];
        const pyOut = join(dir, `${c.name}.${raw}.py.f64`);
        const goOut = join(dir, `${c.name}.${raw}.go.f64`);
        run(PYTHON, [join(HERE, 'score.py'), ...args, pyOut]);
        run(GO_BIN, [...args, goOut]);
        const py = readFileSync(pyOut);
        const go = readFileSync(goOut);
        expect(py.equals(node), `python vs node: ${firstDiff(node, py)}`).toBe(true);
        expect(go.equals(node), `go vs node: ${firstDiff(node, go)}`).toBe(true);
      });
    }
  }
});
