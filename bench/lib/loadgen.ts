// Which load generator a benchmark uses, and the Go one built on demand.
//
// BENCH_LOADGEN=go (the default): bench/loadgen/ (franz-go for Kafka,
// gorilla/websocket for the WebSocket API), built with `go build` into
// bench/loadgen/bin/ (gitignored) by the benchmark itself; its dependencies
// come from the Go module proxy, pinned by bench/loadgen/go.sum.
// BENCH_LOADGEN=node: the earlier generators in Node (kafkajs, ws), kept so
// the two can be compared.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export type Loadgen = 'go' | 'node';

export function loadgenKind(): Loadgen {
  const v = (process.env.BENCH_LOADGEN ?? 'go').trim().toLowerCase();
  if (v !== 'go' && v !== 'node') throw new Error(`BENCH_LOADGEN must be go or node, got ${JSON.stringify(process.env.BENCH_LOADGEN)}`);
  return v;
}

/** Builds bench/loadgen into bench/loadgen/bin/loadgen and returns its path; throws a clear error when Go is missing. */
export function buildGoLoadgen(root: string): string {
  const dir = join(root, 'bench', 'loadgen');
  const bin = join(dir, 'bin', 'loadgen');
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'the Go load generator (bench/loadgen) needs Go 1.24 or newer on PATH (https://go.dev/dl/); ' +
        'install it, or run with BENCH_LOADGEN=node to use the Node generator (slower: it takes more CPU than the service under test)',
    );
  }
  try {
    execFileSync('go', ['build', '-trimpath', '-o', bin, '.'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    throw new Error(`go build of bench/loadgen failed (${(e as Error).message}); its modules come from the Go module proxy (GOPROXY), pinned by go.sum`);
  }
  return bin;
}
