// Load generators of the streamscore benchmarks, in Go so that the load
// costs the shared 2 cores as little CPU as it can (the kafkajs and `ws`
// generators in Node cost more CPU per event than the service under test).
//
//	loadgen kafka                  driven by bench/e2e.ts over stdin/stdout (JSON lines; see kafka.go)
//	loadgen ws URL closed|open EVENTS CONNECTIONS PIPELINE|RATE SECONDS WARMUP
//	                               one WebSocket load run for bench/ws-score.ts; prints one JSON line (see ws.go)
//
// Built by `npm run bench:e2e` and `npm run bench:ws` into bench/loadgen/bin/
// (gitignored); dependencies are pinned by go.sum.
package main

import (
	"fmt"
	"os"
	"sort"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen kafka | loadgen ws URL closed|open EVENTS CONNECTIONS PIPELINE|RATE SECONDS WARMUP")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "kafka":
		err = runKafka()
	case "ws":
		err = runWS(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// cpuTimes is this process's user and system CPU so far, in seconds.
func cpuTimes() (user, system float64) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime), tv(ru.Stime)
}

// pct is the nearest-rank percentile of an ascending slice.
func pct(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return sorted[i]
}

func sortFloats(x []float64) []float64 {
	sort.Float64s(x)
	return x
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
