#!/usr/bin/env python3
"""Scores rows with build/streamscore.wasm under wasmtime, to prove the module
embeds unchanged outside Node (test/embed/embed.test.ts compares the bytes).

    python score.py WASM MODEL.ssm INPUT.f64 ROWS RAW OUT.f64

INPUT.f64 / OUT.f64 are little-endian f64, row-major. The module needs no
imports; we only call the ABI exports of assembly/index.ts (docs/ABI.md).
"""
import sys

from wasmtime import Engine, Instance, Module, Store


def main(wasm_path, model_path, input_path, rows, raw, out_path):
    rows, raw = int(rows), int(raw)
    store = Store(Engine())
    inst = Instance(store, Module.from_file(store.engine, wasm_path), [])
    ex = inst.exports(store)
    mem = ex["memory"]

    def call(name, *args):
        return ex[name](store, *args)

    def ptr(name, *args):  # i32 results are signed here; pointers are u32
        return call(name, *args) & 0xFFFFFFFF

    def check(name, status):
        if status < 0:
            sys.exit(f"score.py: {name} failed with status {status}")
        return status

    blob = open(model_path, "rb").read()
    stage = ptr("modelReserve", len(blob))
    if stage == 0:
        sys.exit("score.py: modelReserve returned 0 (out of memory)")
    mem.write(store, blob, stage)
    h = check("modelLoad", call("modelLoad"))
    cols = check("modelNumFeatures", call("modelNumFeatures", h))
    outs = check("modelNumOutputs", call("modelNumOutputs", h))
    width = outs if raw else check("modelNumPredictions", call("modelNumPredictions", h))

    data = open(input_path, "rb").read()
    if len(data) != rows * cols * 8:
        sys.exit(f"score.py: {input_path} has {len(data)} bytes, want {rows}*{cols}*8")
    check("batchReserve", call("batchReserve", rows, cols, outs))
    mem.write(store, data, ptr("inputPtr"))
    check("score", call("score", h, rows, raw))
    out = ptr("outputPtr")  # re-read after batchReserve/score, per the ABI
    with open(out_path, "wb") as f:
        f.write(mem.read(store, out, out + rows * width * 8))


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit("usage: score.py WASM MODEL.ssm INPUT.f64 ROWS RAW OUT.f64")
    main(*sys.argv[1:])
