package main

// The WebSocket load generator of bench/ws-score.ts (BENCH_LOADGEN=go, the
// default): the same runs as bench/ws-score-client.ts, printing the same
// JSON line (LoadResult). Several connections to /ws send {"op":"score"}
// requests of EVENTS events:
//
//	closed  each connection keeps PIPELINE requests in flight (max throughput)
//	open    requests fall due on a fixed schedule, start + k / RATE in total,
//	        round robin over the connections, whatever the answers do; a
//	        request's latency counts from when it fell due, not from when it
//	        was written, so a stall of the server (or of this process) is not
//	        hidden (no coordinated omission). One scheduler goroutine, on an
//	        OS thread of its own, sends what is due, then naps NAP µs
//	        (BENCH_WS_NAP_US, default 100, as the Node client's) with nanosleep.
//
// BENCH_WS_DUMP=FILE writes every measured request as a line "due latency"
// (µs since the start, µs; the last run's, when the benchmark repeats), for
// scripts/bench/latency-episodes.py: when the slow requests come, and how
// they bunch.
//
// Answers come in order on a connection, so each connection keeps a FIFO of
// its requests' due times. One answer in 1000 is parsed in full (op
// "scores", one result per event); the others are checked by their first
// bytes.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// napMicros is the open-loop scheduler's nap between rounds of sends.
var napMicros = func() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_WS_NAP_US")); err == nil && v > 0 {
		return v
	}
	return 100
}()

// dumpPath is BENCH_WS_DUMP: where to write every measured request's due time and latency.
var dumpPath = os.Getenv("BENCH_WS_DUMP")

// dumpLatencies writes "due latency" lines (µs since the start, µs), connection by connection.
func dumpLatencies(path string, cs []*wsConn) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	b := bufio.NewWriter(f)
	for _, w := range cs {
		for i := range w.lat {
			fmt.Fprintf(b, "%d %.0f\n", w.dues[i]/1000, w.lat[i])
		}
	}
	if err := b.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type wsResult struct {
	Mode              string             `json:"mode"`
	Events            int                `json:"events"`
	Connections       int                `json:"connections"`
	Pipeline          int                `json:"pipeline,omitempty"`
	OfferedRate       float64            `json:"offeredRate,omitempty"`
	Seconds           float64            `json:"seconds"`
	Requests          int64              `json:"requests"`
	RequestsPerSecond float64            `json:"requestsPerSecond"`
	ScoresPerSecond   float64            `json:"scoresPerSecond"`
	LatencyMs         map[string]float64 `json:"latencyMs"`
	Errors            int64              `json:"errors"`
	ClientCPU         float64            `json:"clientCpu"`
	// Open loop: requests that fell due but were written late by 1 ms or more (this process behind its schedule).
	LateSends int64  `json:"lateSends"`
	Generator string `json:"generator"`
}

type wsConn struct {
	c       *websocket.Conn
	due     chan int64 // due times (ns since start) of the requests in flight, in order
	lat     []float64  // µs, measured window only
	dues    []int64    // ns since the start, with lat (BENCH_WS_DUMP)
	wmu     sync.Mutex
	buf     []byte
	nextID  *atomic.Int64
	prefix  []byte
	tail    []byte
	started time.Time
}

func (w *wsConn) send(dueNs int64) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.due <- dueNs
	w.buf = append(w.buf[:0], w.prefix...)
	w.buf = strconv.AppendInt(w.buf, w.nextID.Add(1), 10)
	w.buf = append(w.buf, w.tail...)
	return w.c.WriteMessage(websocket.TextMessage, w.buf)
}

func requestTail(events int) []byte {
	now := time.Now().UnixMilli()
	type ev struct {
		EventID  string `json:"eventId"`
		Type     string `json:"type"`
		Ts       int64  `json:"ts"`
		UserID   string `json:"userId"`
		Amount   int    `json:"amount"`
		DeviceID string `json:"deviceId"`
		IP       string `json:"ip"`
		Country  string `json:"country"`
	}
	list := make([]ev, events)
	for i := range list {
		list[i] = ev{fmt.Sprintf("bench-%d", i), "purchase", now, fmt.Sprintf("user-%d", i%97), 10 + (i*37)%900, fmt.Sprintf("dev-%d", i%13), "203.0.113.7", "NL"}
	}
	b, _ := json.Marshal(list)
	return append(append([]byte(`,"events":`), b...), '}')
}

func runWS(args []string) error {
	if len(args) != 7 || (args[1] != "closed" && args[1] != "open") {
		return fmt.Errorf("usage: loadgen ws URL closed|open EVENTS CONNECTIONS PIPELINE|RATE SECONDS WARMUP")
	}
	url, mode := args[0], args[1]
	events, _ := strconv.Atoi(args[2])
	conns, _ := strconv.Atoi(args[3])
	load, _ := strconv.ParseFloat(args[4], 64)
	seconds, _ := strconv.ParseFloat(args[5], 64)
	warmup, _ := strconv.ParseFloat(args[6], 64)
	tail := requestTail(events)
	var nextID atomic.Int64
	dialer := websocket.Dialer{ReadBufferSize: 1 << 16, WriteBufferSize: 1 << 16, HandshakeTimeout: 10 * time.Second}
	started := time.Now()
	cs := make([]*wsConn, conns)
	for i := range cs {
		c, _, err := dialer.Dial(url, http.Header{})
		if err != nil {
			return err
		}
		cs[i] = &wsConn{c: c, due: make(chan int64, 1<<20), nextID: &nextID, prefix: []byte(`{"op":"score","id":`), tail: tail, started: started}
	}
	var measuring, done atomic.Bool
	var errs, measured, late atomic.Int64
	var wg sync.WaitGroup
	pipeline := int(load)
	if mode == "closed" {
		for _, w := range cs {
			for k := 0; k < pipeline; k++ {
				if err := w.send(int64(time.Since(started))); err != nil {
					return err
				}
			}
		}
	}
	for _, w := range cs {
		wg.Add(1)
		go func(w *wsConn) {
			defer wg.Done()
			seen := 0
			buf := make([]byte, 0, 1<<16)
			for {
				_, r, err := w.c.NextReader()
				if err != nil {
					return
				}
				buf = buf[:0]
				for {
					if len(buf) == cap(buf) {
						buf = append(buf, 0)[:len(buf)]
					}
					n, err := r.Read(buf[len(buf):cap(buf)])
					buf = buf[:len(buf)+n]
					if err != nil {
						break
					}
				}
				now := int64(time.Since(started))
				due := <-w.due
				seen++
				if seen%1000 == 1 {
					var m struct {
						Op      string            `json:"op"`
						Results []json.RawMessage `json:"results"`
					}
					if json.Unmarshal(buf, &m) != nil || m.Op != "scores" || len(m.Results) != events {
						errs.Add(1)
					}
				} else if len(buf) < 8 || buf[7] != 's' {
					errs.Add(1)
				}
				if measuring.Load() {
					w.lat = append(w.lat, float64(now-due)/1e3)
					if dumpPath != "" {
						w.dues = append(w.dues, due)
					}
					measured.Add(1)
				}
				if mode == "closed" && !done.Load() {
					if w.send(int64(time.Since(started))) != nil {
						return
					}
				}
			}
		}(w)
	}
	if mode == "open" {
		interval := float64(time.Second) / load // ns between requests
		go func() {
			// Go's timers wait at least ~1 ms on Linux (epoll's millisecond
			// timeout), which would send in 1 ms bursts and add up to 1 ms to
			// every measured latency; a raw nanosleep on a thread of its own
			// wakes within tens of µs.
			runtime.LockOSThread()
			nap := syscall.Timespec{Nsec: int64(napMicros) * 1000}
			var sent int64
			for !done.Load() {
				now := int64(time.Since(started))
				due := int64(float64(now) / interval)
				for sent < due {
					at := int64(float64(sent) * interval)
					if now-at >= int64(time.Millisecond) {
						late.Add(1)
					}
					if cs[sent%int64(conns)].send(at) != nil {
						return
					}
					sent++
				}
				_ = syscall.Nanosleep(&nap, nil)
			}
		}()
	}
	time.Sleep(time.Duration(warmup * float64(time.Second)))
	late.Store(0)
	measuring.Store(true)
	u0, s0 := cpuTimes()
	t0 := time.Now()
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	measuring.Store(false)
	elapsed := time.Since(t0).Seconds()
	u1, s1 := cpuTimes()
	lateSends := late.Load()
	done.Store(true)
	time.Sleep(50 * time.Millisecond)
	var all []float64
	for _, w := range cs {
		w.wmu.Lock()
		all = append(all, w.lat...)
		w.wmu.Unlock()
	}
	for _, w := range cs {
		_ = w.c.UnderlyingConn().Close()
	}
	wg.Wait()
	if dumpPath != "" {
		if err := dumpLatencies(dumpPath, cs); err != nil {
			return fmt.Errorf("BENCH_WS_DUMP: %w", err)
		}
	}
	sortFloats(all)
	r3 := func(v float64) float64 { return float64(int64(v+0.5)) / 1000 } // µs -> ms, 3 decimals
	var mx float64
	if len(all) > 0 {
		mx = all[len(all)-1]
	}
	n := measured.Load()
	res := wsResult{
		Mode: mode, Events: events, Connections: conns, Seconds: float64(int64(elapsed*100)) / 100,
		Requests: n, RequestsPerSecond: float64(int64(float64(n)/elapsed + 0.5)), ScoresPerSecond: float64(int64(float64(n)*float64(events)/elapsed + 0.5)),
		LatencyMs: map[string]float64{"p50": r3(pct(all, 0.5)), "p90": r3(pct(all, 0.9)), "p99": r3(pct(all, 0.99)), "p999": r3(pct(all, 0.999)), "max": r3(mx)},
		Errors:    errs.Load(), ClientCPU: float64(int64(((u1-u0)+(s1-s0))/elapsed*100+0.5)) / 100, LateSends: lateSends, Generator: "go",
	}
	if mode == "closed" {
		res.Pipeline = pipeline
	} else {
		res.OfferedRate = load
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
