// A progress line on stderr for long commands: shown only on a terminal
// (and not under CI), redrawn at most ten times a second, cleared at the end.

export interface Progress {
  update(done: number, bytes?: number): void;
  done(): void;
}

/** A progress reporter; a no-op when stderr is not a TTY or CI is set. */
export function progress(label: string, totalBytes?: number, stream: NodeJS.WriteStream = process.stderr, unit = 'rows'): Progress {
  if (!stream.isTTY || process.env.CI) return { update() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let shown = false;
  const draw = (done: number, bytes?: number) => {
    const secs = Math.max((Date.now() - start) / 1000, 1e-3);
    const rate = Math.round(done / secs).toLocaleString('en-US');
    let bar = '';
    if (totalBytes && bytes !== undefined) {
      const frac = Math.min(1, bytes / totalBytes);
      const width = 24;
      const fill = Math.round(frac * width);
      bar = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(1)}% `;
    }
    stream.write(`\r${label} ${bar}${done.toLocaleString('en-US')} ${unit}, ${rate}/s\x1b[K`);
    shown = true;
  };
  return {
    update(done, bytes) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done, bytes);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
