#!/usr/bin/env node
// The `streamscore` command line: one subcommand per job.

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { StreamscoreError, UsageError } from '../errors.js';
import { score } from './score.js';
import { loadModel } from '../gbt/load.js';

const USAGE = `usage: streamscore <command> [options]

commands:
  score   --model FILE --input FILE|- [--output FILE|-] [--raw] [--format csv|tsv|libsvm|ndjson]
          Batch-score rows with a LightGBM text, XGBoost JSON or .ssm model.
  compile --model FILE --out FILE.ssm
          Compile a LightGBM or XGBoost model into the blob the WASM core
          loads (for embedding the .wasm in other runtimes, docs/ABI.md).
  help    Show this text.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
        },
        strict: true,
      });
      if (!values.model) throw new UsageError('score: --model FILE is required');
      if (!values.input) throw new UsageError('score: --input FILE (or - for stdin) is required');
      await score({ model: values.model, input: values.input, output: values.output!, raw: values.raw!, format: values.format });
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
    case 'serve':
    case 'train':
    case 'features':
    case 'eval':
    case 'replay':
      process.stderr.write(`streamscore: "${command}" is not built yet; this release has score and compile (see README.md)\n`);
      return 1;
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
