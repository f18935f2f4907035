// The load generator of bench/ws-score.ts, run as its own process so it does
// not share a core with the server. Opens several WebSocket connections to
// /ws and sends {"op":"score"} requests of N events, in one of two modes:
//
//   closed  each connection keeps `pipeline` requests in flight (max throughput)
//   open    requests go out on a fixed schedule at `rate` requests/s in total,
//           whatever the answers do; latency counts from the scheduled time,
//           so a stall is not hidden (no coordinated omission)
//
// Prints one JSON line with requests/s and latency percentiles in ms.
//
//   node dist/bench/ws-score-client.js URL MODE EVENTS CONNECTIONS PIPELINE|RATE SECONDS WARMUP_SECONDS

import WebSocket from 'ws';

export interface LoadResult {
  mode: 'closed' | 'open';
  events: number;
  connections: number;
  pipeline?: number;
  offeredRate?: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  scoresPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  errors: number;
  /** CPU time of this load generator over the measured window, as a share of one core. */
  clientCpu: number;
}

function requestBody(events: number): (id: number) => string {
  const now = Date.now();
  const list = Array.from({ length: events }, (_, i) => ({
    eventId: `bench-${i}`,
    type: 'purchase',
    ts: now,
    userId: `user-${i % 97}`,
    amount: 10 + ((i * 37) % 900),
    deviceId: `dev-${i % 13}`,
    ip: '203.0.113.7',
    country: 'NL',
  }));
  const tail = `,"events":${JSON.stringify(list)}}`;
  return (id) => `{"op":"score","id":${id}${tail}`;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const [url, mode, eventsArg, connArg, loadArg, secondsArg, warmupArg] = process.argv.slice(2);
  if (!url || (mode !== 'closed' && mode !== 'open')) throw new Error('usage: ws-score-client URL closed|open EVENTS CONNECTIONS PIPELINE|RATE SECONDS WARMUP');
  const events = Number(eventsArg);
  const connections = Number(connArg);
  const load = Number(loadArg);
  const seconds = Number(secondsArg);
  const warmup = Number(warmupArg);
  const body = requestBody(events);

  const sockets = await Promise.all(
    Array.from({ length: connections }, () => new Promise<WebSocket>((resolve, reject) => {
      // A zero mask and no UTF-8 check keep the generator's own cost down
      // (it shares the machine with the server); neither changes the bytes' meaning.
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, generateMask: () => {} });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })),
  );

  // Latencies in µs of the measured window, and per connection a FIFO of send times (answers come in order).
  let samples = new Float64Array(1 << 20);
  let n = 0;
  let measuring = false;
  let done = false;
  let measuredRequests = 0;
  let errors = 0;
  let nextId = 0;
  const record = (us: number) => {
    if (n === samples.length) {
      const bigger = new Float64Array(samples.length * 2);
      bigger.set(samples);
      samples = bigger;
    }
    samples[n++] = us;
  };

  const fifos = sockets.map(() => ({ times: new Float64Array(1 << 16), head: 0, tail: 0 }));
  const send = (i: number, at: number) => {
    const f = fifos[i]!;
    f.times[f.tail++ & 0xffff] = at;
    sockets[i]!.send(body(nextId++));
  };

  sockets.forEach((ws, i) => {
    const f = fifos[i]!;
    let seen = 0;
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      const sentAt = f.times[f.head++ & 0xffff]!;
      // Check one answer in 1000 in full; the rest by their first bytes.
      if (++seen % 1000 === 1) {
        const m = JSON.parse(data.toString()) as { op: string; results: unknown[] };
        if (m.op !== 'scores' || m.results.length !== events) errors++;
      } else if (data[7] !== 0x73 /* {"op":"s */) errors++;
      if (measuring) {
        record((now - sentAt) * 1000);
        measuredRequests++;
      }
      if (mode === 'closed' && !done) send(i, performance.now());
    });
  });

  const started = performance.now();
  if (mode === 'closed') {
    sockets.forEach((_, i) => {
      for (let k = 0; k < load; k++) send(i, performance.now());
    });
  } else {
    // Open loop: every tick sends what the schedule says is due, spread over
    // the connections. Between ticks it naps 100 µs (Atomics.wait) instead of
    // spinning, so it leaves the shared cores to the server; answers wait at
    // most that long to be read, which counts against the measured latency.
    const interval = 1000 / load; // ms between requests
    const nap = new Int32Array(new SharedArrayBuffer(4));
    let sent = 0;
    const tick = () => {
      if (done) return;
      const due = Math.floor((performance.now() - started) / interval);
      while (sent < due) {
        send(sent % connections, started + sent * interval);
        sent++;
      }
      Atomics.wait(nap, 0, 0, 0.1);
      setImmediate(tick);
    };
    tick();
  }

  await new Promise((r) => setTimeout(r, warmup * 1000));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  done = true;

  const sorted = samples.subarray(0, n).sort();
  const ms = (q: number) => Number((percentile(sorted, q) / 1000).toFixed(3));
  const result: LoadResult = {
    mode,
    events,
    connections,
    ...(mode === 'closed' ? { pipeline: load } : { offeredRate: load }),
    seconds: Number(elapsed.toFixed(2)),
    requests: measuredRequests,
    requestsPerSecond: Math.round(measuredRequests / elapsed),
    scoresPerSecond: Math.round((measuredRequests * events) / elapsed),
    latencyMs: { p50: ms(0.5), p90: ms(0.9), p99: ms(0.99), p999: ms(0.999), max: Number(((sorted[n - 1] ?? NaN) / 1000).toFixed(3)) },
    errors,
    clientCpu: Number(((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2)),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const ws of sockets) ws.terminate();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
