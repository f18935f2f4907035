#!/usr/bin/env -S node --max-semi-space-size=64 --min-semi-space-size=64 --initial-old-space-size=256
// The `streamscore` command line: one subcommand per job.

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { StreamscoreError, UsageError } from '../core/errors.js';
import { score } from './score.js';
import { loadModel } from '../gbt/load.js';
import { trainCommand, parseTrainArgs } from './train.js';
import { features } from './features.js';
import { FEATURE_NAMES } from '../fraud/catalog.js';
import { evalCommand } from './eval.js';
import { serveCommand } from './serve.js';
import { parseReplayArgs, replay } from './replay.js';
import { USAGE, helpOf } from './help.js';


async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // COMMAND --help (eval KIND --help): that command's options and defaults.
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    const help = helpOf(command, rest[0]?.startsWith('-') ? undefined : rest[0]);
    if (help !== null) {
      process.stdout.write(help);
      return 0;
    }
  }
  switch (command) {
    case 'score': {
      const { values } = parseArgs({
        args: rest,
        options: {
          model: { type: 'string' },
          input: { type: 'string' },
          output: { type: 'string', default: '-' },
          raw: { type: 'boolean', default: false },
          format: { type: 'string' },
          threads: { type: 'string', default: '1' },
        },
        strict: true,
      });
      if (!values.model) throw new UsageError('score: --model FILE is required');
      if (!values.input) throw new UsageError('score: --input FILE (or - for stdin) is required');
      const threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`score: --threads must be an integer from 1 to 64, got "${values.threads}"`);
      await score({ model: values.model, input: values.input, output: values.output!, raw: values.raw!, format: values.format, threads });
      return 0;
    }
    case 'compile': {
      const { values } = parseArgs({ args: rest, options: { model: { type: 'string' }, out: { type: 'string' } }, strict: true });
      if (!values.model || !values.out) throw new UsageError('compile: --model FILE and --out FILE.ssm are required');
      const loaded = loadModel(values.model);
      writeFileSync(values.out, loaded.blob);
      process.stderr.write(`${values.out}: ${loaded.format} model, ${loaded.blob.byteLength} bytes\n`);
      return 0;
    }
    case 'train': {
      await trainCommand(parseTrainArgs(rest));
      return 0;
    }
    case 'features': {
      const { values } = parseArgs({
        args: rest,
        options: { source: { type: 'string' }, data: { type: 'string' }, 'ip-country': { type: 'string' }, out: { type: 'string' } },
        strict: true,
      });
      if (!values.source || !values.data || !values.out) throw new UsageError('features: --source fraud-ecommerce, --data FILE and --out FILE.csv are required');
      const started = Date.now();
      const r = await features({ source: values.source, data: values.data, ipCountry: values['ip-country'], out: values.out });
      process.stderr.write(`${values.out}: ${r.rows} rows of ${FEATURE_NAMES.length} features from ${r.events} events (${r.late} late) in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
      return 0;
    }
    case 'eval':
      return evalCommand(rest);
    case 'replay': {
      const opts = parseReplayArgs(rest);
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      try {
        const r = await replay({ ...opts, signal: stop.signal });
        return r.invalid > 0 ? 1 : 0;
      } finally {
        process.off('SIGINT', interrupt);
      }
    }
    case 'serve':
      return serveCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof StreamscoreError) {
      process.stderr.write(`streamscore: ${err.message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    } else if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`streamscore: ${err.message}\n`);
      process.exitCode = 2;
    } else if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') {
      process.exitCode = 0;
    } else {
      process.stderr.write(`streamscore: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
