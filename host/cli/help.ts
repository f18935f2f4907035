// What `streamscore --help` and `streamscore COMMAND --help` print: every
// command, and for each every option with its default. `serve`'s options
// come from its settings (host/serve/config.ts, serveHelp);
// test/every-command-answers-help.test.ts holds these texts to the options
// each parser takes.

import { DEFAULTS } from '../train/params.js';
import { serveHelp } from '../serve/config.js';

const TRAIN_OPTIONS = `  --trees N                 trees (boosting rounds); default ${DEFAULTS.trees}
  --leaves N                most leaves per tree; default ${DEFAULTS.numLeaves}
  --learning-rate X         shrinkage of each tree; default ${DEFAULTS.learningRate}
  --min-data-in-leaf N      fewest rows in a leaf; default ${DEFAULTS.minDataInLeaf}
  --min-sum-hessian X       least hessian sum in a leaf; default ${DEFAULTS.minSumHessian}
  --feature-fraction X      features tried per tree; default ${DEFAULTS.featureFraction}
  --bagging-fraction X      rows sampled per tree; default ${DEFAULTS.baggingFraction}
  --lambda-l2 X             L2 regularisation of leaf values; default ${DEFAULTS.lambdaL2}
  --min-gain-to-split X     least gain a split must bring; default ${DEFAULTS.minGainToSplit}
  --max-bin N               histogram bins per feature; default ${DEFAULTS.maxBin}
  --max-depth N             deepest a tree grows (-1: no limit); default ${DEFAULTS.maxDepth}
  --seed N                  seed of the sampling and the validation split; default ${DEFAULTS.seed}
  --valid-fraction X        rows held out for early stopping; default ${DEFAULTS.validFraction}
  --early-stopping-rounds N rounds without gain before training stops; default ${DEFAULTS.earlyStoppingRounds}`;

/** Each command's help, by command ("eval fraud" for a sub-command). */
export const HELP: Record<string, string> = {
  score: `usage: streamscore score --model FILE --input FILE|- [options]

Batch-score rows with a LightGBM text, XGBoost JSON or .ssm model: one output
line per input row (multiclass: one comma-separated value per class). Streams
in constant memory; a progress bar on a terminal. docs/CLI.md, "score".

options:
  --model FILE        the model (format recognised from its content); required
  --input FILE|-      rows: .csv/.tsv (optional header), .libsvm/.svm, .ndjson/.jsonl; - for stdin; required
  --output FILE|-     where the predictions go; default - (stdout)
  --format F          csv | tsv | libsvm | ndjson, when the input's name does not say; default: from the extension
  --raw               the raw margin instead of the objective's transform; default off
  --threads N         worker threads scoring each batch, 1 to 64; default 1
  -h, --help          this text
`,
  compile: `usage: streamscore compile --model FILE --out FILE.ssm

Compile a LightGBM or XGBoost model into the blob the WASM core loads, for
embedding the .wasm in other runtimes (docs/ABI.md).

options:
  --model FILE        the LightGBM text or XGBoost JSON model; required
  --out FILE.ssm      where the blob goes; required
  -h, --help          this text
`,
  train: `usage: streamscore train --data FILE.csv --label COLUMN --out MODEL.txt [options]

Train a gradient-boosted tree model on a CSV; writes a LightGBM text model
that LightGBM itself loads (docs/TRAINING.md).

options:
  --data FILE.csv           training rows with a header; required
  --label COLUMN            the label column; required
  --out MODEL.txt           where the model goes; required
  --objective O             binary | regression; default ${DEFAULTS.objective}
${TRAIN_OPTIONS}
  -h, --help                this text
`,
  features: `usage: streamscore features --source fraud-ecommerce --data FILE --out FILE.csv|- [options]

Replay a Fraud_Data-format file as a stream through the WASM feature code;
write one point-in-time feature row per purchase (docs/FEATURES.md).

options:
  --source S          fraud-ecommerce (the only one); required
  --data FILE         the Fraud_Data CSV; required
  --ip-country FILE   IPv4 ranges to country CSV; default: none (the country features are missing)
  --out FILE.csv|-    where the rows go; required
  -h, --help          this text
`,
  eval: `usage: streamscore eval fraud|recs|forecast [options]

Evaluate a job on real data. \`streamscore eval KIND --help\` for each:
  eval fraud      replay, train and score a Fraud_Data file; ROC-AUC, PR-AUC, precision, recall
  eval recs       the streaming recommender on MovieLens ratings; precision, recall, NDCG, hit rate
  eval forecast   the demand forecasts on M4 series; sMAPE, MASE, OWA
`,
  'eval fraud': `usage: streamscore eval fraud --train FILE [options]

Replay a Fraud_Data file through the features, train on the training rows,
score the test rows; print ROC-AUC, PR-AUC, precision and recall (docs/FRAUD.md).

options:
  --train FILE              the Fraud_Data CSV; required
  --test FILE               a separate test file; default: a split of --train
  --ip-country FILE         IPv4 ranges to country CSV; default: none
  --split random|time       how --train is split when there is no --test; default random
  --seed N                  seeds both the split and the trainer; default 1
  --threshold X             the decision threshold of precision and recall; default 0.5
  --json                    print the result as JSON; default off
  --model-out MODEL.txt     also write the trained model; default: not written
${TRAIN_OPTIONS.split('\n').filter((l) => !l.startsWith('  --seed ')).join('\n')}
  -h, --help                this text
`,
  'eval recs': `usage: streamscore eval recs --train FILE --test FILE [options]

Feed MovieLens-format ratings through the streaming recommender; print
precision, recall, NDCG and hit rate at k, coverage and users (docs/RECOMMENDATIONS.md).

options:
  --train FILE        ratings to learn from (user, item, rating, time); required
  --test FILE         ratings to predict; required
  --k N               list length; default 10
  --json              print the result as JSON; default off
  -h, --help          this text
`,
  'eval forecast': `usage: streamscore eval forecast --train FILE --test FILE --horizon H --period M [options]

Forecast M4-format series with the exponential-smoothing family; print
sMAPE, MASE and OWA per method (docs/FORECASTING.md).

options:
  --train FILE        M4 training series (id, values...); required
  --test FILE         M4 test series; required
  --horizon H         periods to forecast; required
  --period M          the season length (1: none); required
  --method M          all | naive | snaive | naive2 | ses | holt | damped | theta | comb | auto; default all
  --json              print the result as JSON; default off
  -h, --help          this text
`,
  replay: `usage: streamscore replay --source S [options]

Turn a dataset into events, in time order, as NDJSON on stdout or into
Kafka (KAFKA_BROKERS), keyed by user (sku for sales and stock). docs/SIMULATOR.md.

options:
  --source S            fraud-ecommerce | movielens | m4 | ndjson | simulate; required
  --file PATH|-         the dataset (- for stdin with ndjson); required but for simulate
  --to stdout|kafka     where the events go; default stdout (kafka: KAFKA_BROKERS from the environment)
  --rate N              events per second; default: as fast as it goes (simulate: 100 of simulated time)
  --topic T             the Kafka topic; default streamscore.events
  --ip-country FILE     IPv4 ranges to country CSV (fraud-ecommerce only); default: none
  --label-delay-days N  days after a purchase its fraud label arrives (fraud-ecommerce); default 30
  --in-flight N         Kafka produce requests in flight; default 4
  --acks 1|all          Kafka acknowledgement; default 1
  --events N            stop after N events; default: all (simulate: until stopped)
  --seed N              seed of the simulator; default 1
  -h, --help            this text
`,
};

/** The top-level help: every command. */
export const USAGE = `usage: streamscore <command> [options]   (streamscore <command> --help for its options)

commands:
  serve           the service: events in (simulator, NDJSON file or Kafka); fraud scores,
                  recommendations, inventory forecasts and alerts out; the API and dashboard
  score           batch-score rows with a LightGBM text, XGBoost JSON or .ssm model
  compile         compile a LightGBM or XGBoost model into the blob the WASM core loads
  train           train a gradient-boosted tree model on a CSV; writes LightGBM text
  features        a Fraud_Data file through the streaming fraud features: one row per purchase
  eval fraud      replay, train and score a Fraud_Data file; ROC-AUC, PR-AUC, precision, recall
  eval recs       the streaming recommender on MovieLens ratings; precision, recall, NDCG
  eval forecast   the demand forecasts on M4 series; sMAPE, MASE, OWA
  replay          a dataset (or the simulator) as events on stdout or into Kafka
  help            this text
`;

/** The help of `command` (with `sub` for eval), or null when it has none. */
export function helpOf(command: string, sub?: string): string | null {
  if (command === 'serve') return serveHelp();
  if (command === 'eval' && sub !== undefined && HELP[`eval ${sub}`]) return HELP[`eval ${sub}`]!;
  return HELP[command] ?? null;
}
