// `streamscore train`: reads a training CSV, trains a GBT model in the WASM
// core one tree at a time, writes it as a LightGBM v4 text model, and prints
// a short summary to stderr.

import { writeFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { readTrainingCsv } from '../train/csv.js';
import { train, type TrainResult } from '../train/train.js';
import { type TrainParams, checkParams } from '../train/params.js';
import { modelText } from '../train/model.js';
import { progress } from './progress.js';

export interface TrainCommand {
  data: string;
  label: string;
  out: string;
  params: TrainParams;
}

/** Runs `train`; resolves to the result after the model file is written. */
export async function trainCommand(c: TrainCommand, stream: NodeJS.WriteStream = process.stderr): Promise<TrainResult> {
  let size: number;
  try {
    size = statSync(c.data).size;
  } catch (e) {
    throw new UsageError(`train: cannot read --data ${c.data}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const reading = progress('reading', size, stream);
  const data = await readTrainingCsv(c.data, c.label, (rows, bytes) => reading.update(rows, bytes));
  reading.done();
  const line = treeLine(c.params.trees, stream);
  let result: TrainResult;
  try {
    result = train(data, c.params, { onTree: line.update });
  } finally {
    line.done();
  }
  writeFileSync(c.out, modelText(result));
  stream.write(summary(c.out, result, data.numRows));
  return result;
}

// A progress line per tree, on a terminal only (quiet in pipes and under CI),
// redrawn at most ten times a second.
function treeLine(trees: number, stream: NodeJS.WriteStream) {
  if (!stream.isTTY || process.env.CI) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(grown: number, metric: number) {
      const now = Date.now();
      if (now - last < 100 && grown < trees) return;
      last = now;
      const m = Number.isNaN(metric) ? '' : `, validation ${metric.toFixed(5)}`;
      stream.write(`\rtraining: tree ${grown}/${trees}${m}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** The summary printed after training. */
export function summary(out: string, r: TrainResult, rows: number): string {
  const why = { trees: 'all trees grown', 'early-stopping': `early stopping after ${r.treesGrown} trees`, 'no-split': 'no split left that gains' }[r.stopReason];
  const kept = r.trees.length === 0 ? 'a constant model' : `${r.trees.length} trees kept`;
  const lines = [
    `${out}: ${kept} (${why}), ${r.params.objective}, ${r.featureNames.length} features`,
    `rows: ${r.split.train.length} training, ${r.split.valid.length} validation (of ${rows})`,
  ];
  if (r.metricName !== null) {
    const name = r.metricName === 'auc' ? 'AUC' : 'RMSE';
    if (r.trees.length === 0) lines.push(`constant model: validation ${name} ${r.metric.toFixed(6)}`);
    else if (r.stopReason === 'early-stopping' || r.params.earlyStoppingRounds > 0) {
      lines.push(`best iteration ${r.trees.length}: validation ${name} ${r.metric.toFixed(6)}`);
    } else {
      // Every tree kept: say where the best was, too.
      const best = r.history.reduce((b, m, i) => ((r.metricName === 'auc' ? m > r.history[b]! : m < r.history[b]!) ? i : b), 0);
      lines.push(`validation ${name} ${r.metric.toFixed(6)} after ${r.trees.length} trees (best ${r.history[best]!.toFixed(6)} at iteration ${best + 1})`);
    }
  }
  lines.push(`time: ${r.seconds.toFixed(2)} s`);
  return lines.join('\n') + '\n';
}

/** `train`'s numeric options and the TrainParams field each sets. */
const NUMERIC: [string, keyof TrainParams][] = [
  ['trees', 'trees'],
  ['leaves', 'numLeaves'],
  ['learning-rate', 'learningRate'],
  ['min-data-in-leaf', 'minDataInLeaf'],
  ['min-sum-hessian', 'minSumHessian'],
  ['feature-fraction', 'featureFraction'],
  ['bagging-fraction', 'baggingFraction'],
  ['lambda-l2', 'lambdaL2'],
  ['min-gain-to-split', 'minGainToSplit'],
  ['max-bin', 'maxBin'],
  ['max-depth', 'maxDepth'],
  ['seed', 'seed'],
  ['valid-fraction', 'validFraction'],
  ['early-stopping-rounds', 'earlyStoppingRounds'],
];

/** A parseArgs string option for each numeric trainer parameter but those in `skip`. */
export function trainOptions(skip: string[] = []): Record<string, { type: 'string' }> {
  const options: Record<string, { type: 'string' }> = {};
  for (const [name] of NUMERIC) if (!skip.includes(name)) options[name] = { type: 'string' };
  return options;
}

/** The trainer parameters given on a command line parsed with trainOptions(); throws UsageError on one that is not a number. */
export function trainParamsFrom(command: string, v: Record<string, unknown>, skip: string[] = []): Partial<TrainParams> {
  const params: Partial<TrainParams> = {};
  for (const [name, key] of NUMERIC) {
    const s = v[name];
    if (skip.includes(name) || typeof s !== 'string') continue;
    const x = s.trim() === '' ? NaN : Number(s);
    if (Number.isNaN(x)) throw new UsageError(`${command}: --${name} must be a number, got "${s}"`);
    (params as Record<string, number>)[key] = x;
  }
  return params;
}

/** Parses `train`'s command line into a TrainCommand; throws UsageError on a bad option. */
export function parseTrainArgs(args: string[]): TrainCommand {
  const options = { data: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' }, objective: { type: 'string' }, ...trainOptions() } as const;
  const { values } = parseArgs({ args, options, strict: true });
  const v = values as Record<string, string | undefined>;
  if (!v.data || !v.label || !v.out) throw new UsageError('train: --data FILE.csv, --label COLUMN and --out MODEL.txt are required');
  const params = trainParamsFrom('train', v);
  if (v.objective !== undefined) params.objective = v.objective as TrainParams['objective'];
  return { data: v.data, label: v.label, out: v.out, params: checkParams(params) };
}
