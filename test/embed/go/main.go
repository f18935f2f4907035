// Command score scores rows with build/streamscore.wasm under wazero (pure Go,
// no cgo), to prove the module embeds unchanged outside Node
// (test/embed/embed.test.ts compares the bytes with Node's and Python's).
//
//	score WASM MODEL.ssm INPUT.f64 ROWS RAW OUT.f64
//
// INPUT.f64 / OUT.f64 are little-endian f64, row-major. The module needs no
// imports; we only call the ABI exports of assembly/index.ts (docs/ABI.md).
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "score: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 7 {
		fail("usage: score WASM MODEL.ssm INPUT.f64 ROWS RAW OUT.f64")
	}
	wasmPath, modelPath, inputPath, outPath := os.Args[1], os.Args[2], os.Args[3], os.Args[6]
	rows, err1 := strconv.Atoi(os.Args[4])
	raw, err2 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil {
		fail("ROWS and RAW must be integers")
	}

	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		fail("%v", err)
	}
	mod, err := r.Instantiate(ctx, wasm)
	if err != nil {
		fail("instantiate: %v", err)
	}
	mem := mod.Memory()

	// call returns an export's i32 result sign-extended (statuses are negative).
	call := func(name string, args ...int) int {
		params := make([]uint64, len(args))
		for i, a := range args {
			params[i] = api.EncodeI32(int32(a))
		}
		res, err := mod.ExportedFunction(name).Call(ctx, params...)
		if err != nil {
			fail("%s: %v", name, err)
		}
		return int(api.DecodeI32(res[0]))
	}
	// ptr returns an export's pointer result (u32).
	ptr := func(name string, args ...int) uint32 { return uint32(call(name, args...)) }
	check := func(name string, status int) int {
		if status < 0 {
			fail("%s failed with status %d", name, status)
		}
		return status
	}
	write := func(at uint32, b []byte) {
		if !mem.Write(at, b) {
			fail("write of %d bytes at %d is out of memory range", len(b), at)
		}
	}

	blob, err := os.ReadFile(modelPath)
	if err != nil {
		fail("%v", err)
	}
	stage := ptr("modelReserve", len(blob))
	if stage == 0 {
		fail("modelReserve returned 0 (out of memory)")
	}
	write(stage, blob)
	h := check("modelLoad", call("modelLoad"))
	cols := check("modelNumFeatures", call("modelNumFeatures", h))
	outs := check("modelNumOutputs", call("modelNumOutputs", h))
	width := outs
	if raw == 0 {
		width = check("modelNumPredictions", call("modelNumPredictions", h))
	}

	data, err := os.ReadFile(inputPath)
	if err != nil {
		fail("%v", err)
	}
	if len(data) != rows*cols*8 {
		fail("%s has %d bytes, want %d*%d*8", inputPath, len(data), rows, cols)
	}
	check("batchReserve", call("batchReserve", rows, cols, outs))
	write(ptr("inputPtr"), data)
	check("score", call("score", h, rows, raw))
	out, ok := mem.Read(ptr("outputPtr"), uint32(rows*width*8)) // re-read after batchReserve/score, per the ABI
	if !ok {
		fail("output is out of memory range")
	}
	if err := os.WriteFile(outPath, out, 0o644); err != nil {
		fail("%v", err)
	}
}
