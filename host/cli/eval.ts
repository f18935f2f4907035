// `streamscore eval fraud`: replay, train, score and report (host/fraud/eval.ts).

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { evalFraud, type FraudEvalResult } from '../fraud/eval.js';
import { evalForecastCommand } from './eval-forecast.js';
import { evalRecsCommand } from './eval-recs.js';
import { trainOptions, trainParamsFrom } from './train.js';

const KINDS = ['fraud', 'recs', 'forecast'] as const;

/** Runs `eval KIND ...`; resolves to the exit code. */
export async function evalCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === 'forecast') return evalForecastCommand(rest, out, err);
  if (kind === 'recs') return evalRecsCommand(rest, out, err);
  if (kind !== 'fraud') throw new UsageError(`eval: say what to evaluate: ${KINDS.join(', ')} (got ${kind === undefined ? 'nothing' : `"${kind}"`})`);
  const { values } = parseArgs({
    args: rest,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      'ip-country': { type: 'string' },
      split: { type: 'string', default: 'random' },
      // --seed seeds both the split and the trainer.
      seed: { type: 'string', default: '1' },
      threshold: { type: 'string', default: '0.5' },
      json: { type: 'boolean', default: false },
      'model-out': { type: 'string' },
      ...trainOptions(['seed']),
    },
    strict: true,
  });
  if (!values.train) throw new UsageError('eval fraud: --train FILE is required');
  if (values.split !== 'random' && values.split !== 'time') throw new UsageError(`eval fraud: --split must be random or time, got "${values.split}"`);
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new UsageError(`eval fraud: --${name} must be a number, got "${v}"`);
    return x;
  };
  const seed = num('seed', values.seed)!;
  const threshold = num('threshold', values.threshold)!;
  const tty = err.isTTY && !process.env.CI;
  const started = Date.now();
  const r = await evalFraud({
    train: values.train,
    test: values.test,
    ipCountry: values['ip-country'],
    split: values.split,
    seed,
    threshold,
    params: trainParamsFrom('eval fraud', values, ['seed']),
    onStage: tty ? (s) => err.write(`\r${s}...\x1b[K`) : undefined,
  });
  if (tty) err.write('\r\x1b[K');
  if (values['model-out']) writeFileSync(values['model-out'], r.model);
  out.write(values.json ? JSON.stringify(summary(r)) + '\n' : report(r, (Date.now() - started) / 1000));
  return 0;
}

function summary(r: FraudEvalResult) {
  return { auc: r.auc, prAuc: r.prAuc, precision: r.precision, recall: r.recall, threshold: r.threshold, rows: r.rows, frauds: r.frauds };
}

function report(r: FraudEvalResult, seconds: number): string {
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  return [
    `split        ${r.split}`,
    `train rows   ${r.trainRows} (${r.trainFrauds} frauds), ${r.trees} trees`,
    `test rows    ${r.rows} (${r.frauds} frauds)`,
    `ROC-AUC      ${f(r.auc)}`,
    `PR-AUC       ${f(r.prAuc)}`,
    `precision    ${f(r.precision)} at score >= ${r.threshold}`,
    `recall       ${f(r.recall)} at score >= ${r.threshold}`,
    `time         ${seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}
