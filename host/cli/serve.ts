// `streamscore serve`: flags over environment variables (host/serve/config.ts).

import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SETTINGS, serveConfig, serveHelp } from '../serve/config.js';
import { startServe } from '../serve/serve.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/** Runs until SIGTERM/SIGINT (or the end of a file source); resolves to the exit code. */
export async function serveCommand(args: string[]): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  options.help = { type: 'boolean', short: 'h' };
  options['reset-state'] = { type: 'boolean' };
  const { values } = parseArgs({ args, options, strict: true });
  if (values.help === true) {
    process.stdout.write(serveHelp());
    return 0;
  }
  const config = serveConfig({ ...(values as Record<string, string>), 'reset-state': values['reset-state'] === true ? 'true' : undefined }, process.env, ROOT);
  const running = await startServe(config);
  let signalled = false;
  const onSignal = (sig: string) => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`streamscore: ${sig}\n`);
    void running.stop();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  let failed = false;
  await Promise.race([running.done.catch(() => {}), running.jobsFailed]).catch(() => (failed = true));
  // A file source ends on its own: keep serving the API until a signal.
  if (!signalled && !failed) await new Promise<void>((resolve) => process.once('SIGTERM', resolve).once('SIGINT', resolve));
  await running.stop();
  return failed ? 1 : 0;
}
