// Starting and stopping a service as its own process group, so stopping it
// also stops anything it forked, and an exit of the test runner does not
// leave it behind.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const running = new Set<ChildProcess>();

// Last resort for a runner that exits without calling teardown (an uncaught
// error, process.exit): kill what is still running. Signals are synchronous.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Spawns `command` as the leader of a new process group. Called once per service start. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
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
  describeFailure: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered\n${describeFailure()}`);
    }
    try {
      await probe();
      return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer within ${timeoutMs} ms: ${String(lastError)}\n${describeFailure()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
