// Child processes of the test services: a service runs as its own process
// group, so stopping it also stops anything it forked, and an exit of the
// test runner does not leave it behind; set-up steps (mvn, apt-get, the
// Kafka storage tool) run to completion with their output kept for errors.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';

// Each running service and the temp dir it owns.
const running = new Map<ChildProcess, string>();

// Last resort for a runner that exits without calling teardown (Ctrl-C, an
// uncaught error, process.exit): only synchronous work runs here.
process.once('exit', () => {
  for (const [child, dir] of running) {
    if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Spawns `command` as the leader of a new process group that owns `dir`
 * (removed too if the runner exits without stopping it). Called once per
 * service start.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions, dir: string): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  running.set(child, dir);
  return child;
}

/**
 * Stops the group: SIGTERM, then SIGKILL after `graceMs`. Resolves when the
 * leader has exited. Called once per service at teardown.
 */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Children of the leader that outlived it.
  killGroup(child, 'SIGKILL');
  running.delete(child);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Polls `probe` until it resolves, the child exits, or `timeoutMs` passes. */
export async function waitUntil(
  what: string,
  child: ChildProcess,
  probe: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered`);
    }
    try {
      await probe();
      return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a set-up command to completion; rejects with its output on failure. */
export function run(
  command: string,
  args: string[],
  options: { timeoutMs: number; ifMissing: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs, env: options.env });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error(`${command} not found: ${options.ifMissing}`) : e));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output.slice(-4000)}`));
    });
  });
}
