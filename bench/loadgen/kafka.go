package main

// The Kafka load generator of bench/e2e.ts (BENCH_LOADGEN=go, the default),
// the same methodology as the kafkajs one (bench/lib/e2e-producer.ts):
//
//   - the events are the simulator's, generated ahead by Node (between
//     measured phases) and handed over as a file of lines
//     "PARTITION\tTYPE\tKEY\tJSON\n", produced in file order, keyed and
//     partitioned as `streamscore replay` does (murmur2 of the key, computed
//     by the Node side), so a partition's events stay in order;
//   - each event's 13-digit ts is overwritten in place with the wall clock
//     at the moment it is handed to the producer (Produce), so the latency
//     measured from ts includes the producer's own buffering and request;
//   - acks=1, no compression, no linger unless the driver asks for one
//     (lingerMs; Java's producer lingers 5 ms by default since Kafka 4.0):
//     a produce request goes out as soon as the previous one to the broker
//     is answered (one request in flight per broker, so order is kept
//     without idempotence), as the kafkajs one;
//   - modes: rate (open loop, events fall due on start + k/rate), credit
//     (as fast as it goes while the events sent stay under a bound the
//     driver raises as serve processes them: a bounded backlog) and burst
//     (a fixed credit, then stop).
//
// Protocol (one JSON object per line), driver -> here on stdin:
//   {op:connect,brokers,topic,lingerMs} {op:load,file} {op:credit,allow}
//   {op:run,mode,rate,seconds} {op:close}
// here -> driver on stdout: {op:ready} {op:connected} {op:loaded,pool,added,byType}
//   {op:tick,sent,acked,queued,failed} {op:ran,...} {op:error,message}

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// segment holds the events of one loaded file: their bytes in one arena.
type segment struct {
	arena  []byte
	valOff []int32
	valLen []int32
	tsOff  []int32
	keyOff []int32
	keyLen []int32
	part   []uint8
	typ    []uint8
	pos    int
}

type pool struct {
	segs  []*segment
	size  int
	types []string
	index map[string]uint8
}

func (p *pool) typeIndex(t string) uint8 {
	if i, ok := p.index[t]; ok {
		return i
	}
	p.types = append(p.types, t)
	p.index[t] = uint8(len(p.types) - 1)
	return uint8(len(p.types) - 1)
}

var tsField = []byte(`"ts":`)

// load reads a pool file into one segment.
func (p *pool) load(file string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	s := &segment{arena: data}
	n := bytes.Count(data, []byte{'\n'})
	s.valOff = make([]int32, 0, n)
	s.valLen = make([]int32, 0, n)
	s.tsOff = make([]int32, 0, n)
	s.keyOff = make([]int32, 0, n)
	s.keyLen = make([]int32, 0, n)
	s.part = make([]uint8, 0, n)
	s.typ = make([]uint8, 0, n)
	at := 0
	for at < len(data) {
		end := bytes.IndexByte(data[at:], '\n')
		if end < 0 {
			return 0, fmt.Errorf("%s: last line not terminated", file)
		}
		line := data[at : at+end]
		t1 := bytes.IndexByte(line, '\t')
		t2 := t1 + 1 + bytes.IndexByte(line[t1+1:], '\t')
		t3 := t2 + 1 + bytes.IndexByte(line[t2+1:], '\t')
		if t1 <= 0 || t2 <= t1 || t3 <= t2 {
			return 0, fmt.Errorf("%s: bad line at byte %d", file, at)
		}
		part, err := strconv.Atoi(string(line[:t1]))
		if err != nil {
			return 0, fmt.Errorf("%s: bad partition at byte %d", file, at)
		}
		val := line[t3+1:]
		ts := bytes.Index(val, tsField)
		if ts < 0 || ts+5+14 > len(val) || !digits13(val[ts+5:ts+5+13]) || (val[ts+5+13] != ',' && val[ts+5+13] != '}') {
			return 0, fmt.Errorf("%s: no 13-digit ts in %.120s", file, val)
		}
		s.part = append(s.part, uint8(part))
		s.typ = append(s.typ, p.typeIndex(string(line[t1+1:t2])))
		s.keyOff = append(s.keyOff, int32(at+t2+1))
		s.keyLen = append(s.keyLen, int32(t3-t2-1))
		s.valOff = append(s.valOff, int32(at+t3+1))
		s.valLen = append(s.valLen, int32(len(val)))
		s.tsOff = append(s.tsOff, int32(at+t3+1+ts+5))
		at += end + 1
	}
	p.segs = append(p.segs, s)
	p.size += len(s.part)
	return len(s.part), nil
}

func digits13(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// take calls f for up to n events in stream order and returns how many.
func (p *pool) take(n int, f func(s *segment, i int)) int {
	got := 0
	for got < n && len(p.segs) > 0 {
		s := p.segs[0]
		end := s.pos + (n - got)
		if end > len(s.part) {
			end = len(s.part)
		}
		for i := s.pos; i < end; i++ {
			f(s, i)
		}
		got += end - s.pos
		s.pos = end
		if s.pos >= len(s.part) {
			p.segs[0] = nil
			p.segs = p.segs[1:]
		}
	}
	p.size -= got
	return got
}

func (p *pool) byType() map[string]float64 {
	counts := make([]int, len(p.types))
	for _, s := range p.segs {
		for i := s.pos; i < len(s.typ); i++ {
			counts[s.typ[i]]++
		}
	}
	out := map[string]float64{}
	for i, t := range p.types {
		out[t] = float64(counts[i]) / float64(max(1, p.size))
	}
	return out
}

type pause struct {
	At   float64 `json:"at"`
	Ms   float64 `json:"ms"`
	What string  `json:"what"`
}

type kafkaGen struct {
	out     *json.Encoder
	outMu   sync.Mutex
	client  *kgo.Client
	topic   string
	pool    pool
	credit  atomic.Int64
	running atomic.Bool
	// Events taken from the pool over every run (the credit bounds it).
	total int64

	acked, failed, sent atomic.Int64
	errMu               sync.Mutex
	lastErr             string
	latMu               sync.Mutex
	lat                 []float64 // produce -> ack, ms, one record in 8
	batches, batchRecs  atomic.Int64
	pauseMu             sync.Mutex
	pauses              []pause
}

func (g *kafkaGen) send(v any) {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	_ = g.out.Encode(v)
}

func (g *kafkaGen) fail(err error) {
	g.send(map[string]any{"op": "error", "message": err.Error()})
}

// watchPauses records every time this process's 10 ms ticker runs 20 ms or more late (a stall of the whole process).
func (g *kafkaGen) watchPauses() {
	t := time.NewTicker(10 * time.Millisecond)
	last := time.Now()
	for now := range t.C {
		if late := now.Sub(last) - 10*time.Millisecond; late >= 20*time.Millisecond {
			g.pauseMu.Lock()
			g.pauses = append(g.pauses, pause{At: float64(last.Add(10*time.Millisecond).UnixNano()) / 1e6, Ms: ms(late), What: "loadgen late"})
			g.pauseMu.Unlock()
		}
		last = now
	}
}

func runKafka() error {
	// The pool is long-lived bytes (no pointers): a lazier GC costs less CPU.
	debug.SetGCPercent(400)
	g := &kafkaGen{out: json.NewEncoder(os.Stdout), pool: pool{index: map[string]uint8{}}}
	go g.watchPauses()
	g.send(map[string]any{"op": "ready"})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	var runWG sync.WaitGroup
	for in.Scan() {
		var m struct {
			Op      string   `json:"op"`
			Brokers []string `json:"brokers"`
			Topic   string   `json:"topic"`
			File    string   `json:"file"`
			Allow   int64    `json:"allow"`
			Mode    string   `json:"mode"`
			Rate    float64  `json:"rate"`
			Seconds float64  `json:"seconds"`
			Linger  float64  `json:"lingerMs"`
		}
		if err := json.Unmarshal(in.Bytes(), &m); err != nil {
			g.fail(err)
			continue
		}
		switch m.Op {
		case "connect":
			if err := g.connect(m.Brokers, m.Topic, m.Linger); err != nil {
				g.fail(err)
			} else {
				g.send(map[string]any{"op": "connected"})
			}
		case "load":
			added, err := g.pool.load(m.File)
			if err != nil {
				g.fail(err)
			} else {
				g.send(map[string]any{"op": "loaded", "pool": g.pool.size, "added": added, "byType": g.pool.byType()})
			}
		case "credit":
			for {
				c := g.credit.Load()
				if m.Allow <= c || g.credit.CompareAndSwap(c, m.Allow) {
					break
				}
			}
		case "run":
			if g.running.Load() {
				g.fail(errors.New("run while running"))
				continue
			}
			g.running.Store(true)
			runWG.Add(1)
			go func() {
				defer runWG.Done()
				defer g.running.Store(false)
				r, err := g.run(m.Mode, m.Rate, m.Seconds)
				if err != nil {
					g.fail(err)
					return
				}
				g.send(r)
			}()
		case "close":
			runWG.Wait()
			if g.client != nil {
				g.client.Close()
			}
			return nil
		}
	}
	return in.Err()
}

func (g *kafkaGen) connect(brokers []string, topic string, lingerMs float64) error {
	g.topic = topic
	c, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ClientID("streamscore-bench-e2e-go"),
		kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.LeaderAck()),
		kgo.DisableIdempotentWrite(),
		kgo.MaxProduceRequestsInflightPerBroker(1),
		kgo.ProducerLinger(time.Duration(lingerMs*float64(time.Millisecond))),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		// The credit bound of the kafkajs generator: two requests of 2048 ahead per partition.
		kgo.MaxBufferedRecords(4*2*2048),
		kgo.WithHooks(batchHook{g}),
	)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		c.Close()
		return err
	}
	g.client = c
	return nil
}

type batchHook struct{ g *kafkaGen }

func (h batchHook) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	h.g.batches.Add(1)
	h.g.batchRecs.Add(int64(m.NumRecords))
}

// stamp writes now's epoch ms over the event's 13 ts digits.
func stamp(s *segment, i int, msNow int64) {
	var b [20]byte
	d := strconv.AppendInt(b[:0], msNow, 10)
	copy(s.arena[s.tsOff[i]:s.tsOff[i]+13], d)
}

func (g *kafkaGen) run(mode string, rate, seconds float64) (map[string]any, error) {
	if g.client == nil {
		return nil, errors.New("run before connect")
	}
	g.acked.Store(0)
	g.failed.Store(0)
	g.sent.Store(0)
	g.batches.Store(0)
	g.batchRecs.Store(0)
	g.latMu.Lock()
	g.lat = g.lat[:0]
	g.latMu.Unlock()
	g.pauseMu.Lock()
	g.pauses = nil
	g.pauseMu.Unlock()
	byType := make([]int64, 256)
	u0, s0 := cpuTimes()
	ctx := context.Background()
	promise := func(r *kgo.Record, err error) {
		if err != nil {
			g.failed.Add(1)
			g.errMu.Lock()
			g.lastErr = err.Error()
			g.errMu.Unlock()
			return
		}
		g.acked.Add(1)
		if r.Offset&7 == 0 {
			d := ms(time.Since(r.Timestamp))
			g.latMu.Lock()
			g.lat = append(g.lat, d)
			g.latMu.Unlock()
		}
	}
	produce := func(s *segment, i int) {
		now := time.Now()
		stamp(s, i, now.UnixMilli())
		v, kk := s.valOff[i], s.keyOff[i]
		r := &kgo.Record{
			Topic:     g.topic,
			Partition: int32(s.part[i]),
			Key:       s.arena[kk : kk+s.keyLen[i]],
			Value:     s.arena[v : v+s.valLen[i]],
			Timestamp: now,
		}
		byType[s.typ[i]]++
		g.sent.Add(1)
		g.client.Produce(ctx, r, promise)
	}
	var waits []float64
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	nap := syscall.Timespec{Nsec: 1_000_000}
	t0 := time.Now()
	dur := time.Duration(seconds * float64(time.Second))
	lastTick := t0
	var taken int64
	var unsent int64
	for {
		now := time.Now()
		el := now.Sub(t0)
		if el >= dur {
			break
		}
		if mode == "rate" {
			due := int64(el.Seconds() * rate)
			if due > taken {
				dueAt := t0.Add(time.Duration(float64(taken) / rate * float64(time.Second)))
				waits = append(waits, ms(now.Sub(dueAt)))
				got := int64(g.pool.take(int(due-taken), produce))
				taken += got
				g.total += got
				if got == 0 && g.pool.size == 0 {
					break
				}
			}
			// Events go out in 1 ms steps (a Java producer lingers 5 ms by
			// default). Stepping every 200 µs (a nanosleep: Go's timers wait
			// 1 ms at least on Linux) was measured to triple this process's
			// CPU at the levels (0.1 -> 0.3 cores, and more broker CPU for the
			// smaller requests), taken from serve on the 2 shared cores.
			_ = syscall.Nanosleep(&nap, nil)
		} else {
			allow := g.credit.Load() - g.total
			if allow > 0 {
				got := int64(g.pool.take(int(min(allow, 2048)), produce))
				g.total += got
				if got == 0 {
					break // pool exhausted: reported as poolLeft 0
				}
			} else {
				if mode == "burst" && g.client.BufferedProduceRecords() == 0 {
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
		if now.Sub(lastTick) >= time.Second {
			lastTick = now
			g.send(map[string]any{"op": "tick", "sent": g.sent.Load(), "acked": g.acked.Load(), "queued": g.client.BufferedProduceRecords(), "failed": g.failed.Load()})
		}
	}
	elapsed := time.Since(t0).Seconds()
	if mode == "rate" {
		due := int64(elapsed * rate)
		unsent = max(0, due-taken) + g.client.BufferedProduceRecords()
	} else {
		unsent = g.client.BufferedProduceRecords()
	}
	fctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	if err := g.client.Flush(fctx); err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	u1, s1 := cpuTimes()
	g.latMu.Lock()
	lat := sortFloats(append([]float64(nil), g.lat...))
	g.latMu.Unlock()
	sortFloats(waits)
	types := map[string]int64{}
	for i, t := range g.pool.types {
		types[t] = byType[i]
	}
	g.pauseMu.Lock()
	pauses := append([]pause{}, g.pauses...)
	g.pauseMu.Unlock()
	if pauses == nil {
		pauses = []pause{}
	}
	if f := g.failed.Load(); f > 0 {
		g.errMu.Lock()
		g.fail(fmt.Errorf("%d events failed to produce: %s", f, g.lastErr))
		g.errMu.Unlock()
	}
	last := func(x []float64) float64 {
		if len(x) == 0 {
			return 0
		}
		return x[len(x)-1]
	}
	return map[string]any{
		"op": "ran", "mode": mode, "sent": g.sent.Load(), "acked": g.acked.Load(), "failed": g.failed.Load(), "seconds": elapsed,
		"byType": types,
		// Per record (one in 8 sampled): handed to the producer -> acknowledged, ms.
		"request":            map[string]float64{"count": float64(g.batches.Load()), "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "max": last(lat), "meanMessages": float64(g.batchRecs.Load()) / float64(max(1, g.batches.Load()))},
		"queueWait":          map[string]float64{"p50": pct(waits, 0.5), "p99": pct(waits, 0.99), "max": last(waits)},
		"unsentAtEnd":        unsent,
		"poolLeft":           g.pool.size,
		"generatedDuringRun": 0,
		"pauses":             pauses,
		"cpu":                map[string]float64{"user": u1 - u0, "system": s1 - s0},
	}, nil
}
