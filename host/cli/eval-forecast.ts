// `streamscore eval forecast`: argument parsing and the report
// (host/forecast/eval.ts does the work).

import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { evalForecast, FORECAST_METHODS, type ForecastMethod, type ForecastEvalResult } from '../forecast/eval.js';
import { progress } from './progress.js';

const CHOICES = ['naive2', 'ses', 'holt', 'damped', 'comb', 'theta', 'auto', 'all', 'naive', 'snaive'] as const;

/** Runs `eval forecast ...`; resolves to the exit code. */
export async function evalForecastCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      horizon: { type: 'string' },
      period: { type: 'string' },
      method: { type: 'string', default: 'all' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.train) throw new UsageError('eval forecast: --train FILE is required (M4 format: id, values, empty padding)');
  if (!values.test) throw new UsageError('eval forecast: --test FILE is required');
  const int = (name: string, v: string | undefined, lo: number) => {
    if (v === undefined) throw new UsageError(`eval forecast: --${name} is required`);
    const x = Number(v);
    if (!Number.isInteger(x) || x < lo) throw new UsageError(`eval forecast: --${name} must be a whole number >= ${lo}, got "${v}"`);
    return x;
  };
  const horizon = int('horizon', values.horizon, 1);
  const period = int('period', values.period, 1);
  const method = values.method!;
  if (!(CHOICES as readonly string[]).includes(method)) throw new UsageError(`eval forecast: --method must be one of ${CHOICES.join(', ')}, got "${method}"`);
  const methods: ForecastMethod[] = method === 'all' ? [...FORECAST_METHODS] : [method as ForecastMethod];
  const started = Date.now();
  const bar = progress('forecast', undefined, err, 'series');
  const r = evalForecast({ train: values.train, test: values.test, horizon, period, methods, onProgress: (done) => bar.update(done) });
  bar.done();
  out.write(values.json ? r.scores.map((s) => JSON.stringify(s)).join('\n') + '\n' : report(r, (Date.now() - started) / 1000));
  return 0;
}

function report(r: ForecastEvalResult, seconds: number): string {
  const lines = [
    `series   ${r.series} (${r.seasonal} seasonal at lag ${r.period}), horizon ${r.horizon}`,
    'method      sMAPE     MASE     OWA',
    ...r.scores.map((s) => `${s.method.padEnd(8)} ${s.smape.toFixed(3).padStart(8)} ${s.mase.toFixed(3).padStart(8)} ${s.owa.toFixed(3).padStart(7)}`),
    `time     ${seconds.toFixed(1)} s`,
    '',
  ];
  return lines.join('\n');
}
