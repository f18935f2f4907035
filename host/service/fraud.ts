// Fraud scoring on a live stream: events (already validated) go through the
// WASM feature code a batch at a time; each purchase's feature row is written
// straight into the scorer's input buffer, scored, explained, and given a
// decision. Features and scorer share one WASM instance, so nothing is copied
// between them. Models are swapped whole: a new one is loaded and checked
// before the old one is freed, so a bad file leaves the old one serving.

import { ModelError } from '../errors.js';
import { GbtEngine, type ModelInfo } from '../engine/wasm.js';
import { FeatureEngine, STAT } from '../features/engine.js';
import type { IpRanges } from '../features/ip-country.js';
import { loadModel, type LoadedModel } from '../gbt/load.js';
import type { Event } from '../events/schema.js';
import { topReasons } from './reasons.js';
import type { Decision, ScoreResult } from './types.js';

export interface FraudOptions {
  /** Scores at or above this are reviewed. */
  reviewThreshold: number;
  /** Scores at or above this are blocked. */
  blockThreshold: number;
  ipRanges?: IpRanges;
  /** Most events per WASM call. */
  capacity?: number;
  /** Reasons per scored purchase. */
  reasons?: number;
}

export interface ScoredPurchase extends ScoreResult {
  userId: string;
  amount: number;
  ts: number;
  /** The feature row the score came from (for the feature log). */
  features: Float64Array;
}

export class FraudScorer {
  readonly gbt: GbtEngine;
  readonly features: FeatureEngine;
  private model: ModelInfo;
  private modelFile: string;
  private readonly opts: Required<Omit<FraudOptions, 'ipRanges'>>;

  constructor(modelPath: string, opts: FraudOptions) {
    this.gbt = new GbtEngine();
    this.opts = { capacity: 4096, reasons: 3, ...opts };
    this.features = new FeatureEngine({ engine: this.gbt, capacity: this.opts.capacity });
    if (opts.ipRanges) this.features.loadIpRanges(opts.ipRanges);
    this.model = this.install(loadModel(modelPath), modelPath);
    this.modelFile = modelPath;
  }

  /** The model in use. */
  get modelPath(): string {
    return this.modelFile;
  }

  /** Loads, checks and swaps in a new model file; throws ModelError and keeps the old one on failure. */
  reload(modelPath: string): void {
    const next = this.install(loadModel(modelPath), modelPath);
    const old = this.model;
    this.model = next;
    this.modelFile = modelPath;
    this.gbt.free(old);
  }

  private install(loaded: LoadedModel, file: string): ModelInfo {
    const names = this.features.names;
    if (loaded.featureNames && loaded.featureNames.join(',') !== names.join(',')) {
      const at = loaded.featureNames.findIndex((n, i) => n !== names[i]);
      throw new ModelError(file, `the model's features do not match the fraud features (first difference at ${at}: model "${loaded.featureNames[at]}", features "${names[at]}"); train it on \`streamscore features\` output`);
    }
    let info: ModelInfo;
    try {
      info = this.gbt.load(loaded.blob, { compile: 'auto' });
    } catch (e) {
      throw new ModelError(file, (e as Error).message, { cause: e });
    }
    if (info.numFeatures !== names.length || info.numPredictions !== 1) {
      this.gbt.free(info);
      throw new ModelError(file, `a fraud model reads ${names.length} features and gives one score; this one reads ${info.numFeatures} and gives ${info.numPredictions}`);
    }
    return info;
  }

  private decide(score: number): Decision {
    return score >= this.opts.blockThreshold ? 'block' : score >= this.opts.reviewThreshold ? 'review' : 'allow';
  }

  /** Events so far that came later than the allowed lateness (counted, scored, not added to the state). */
  lateEvents(): number {
    return this.features.stat(STAT.late);
  }

  /**
   * Runs events through the features in order; scores every purchase.
   * Events that carry no fraud signal (sales, stock, labels) are skipped.
   * `stream` names where they came from (a Kafka partition, "topic[2]"):
   * their lateness is measured from that stream's newest event (FeatureEngine.lane).
   */
  process(events: readonly Event[], stream?: string): ScoredPurchase[] {
    const out: ScoredPurchase[] = [];
    const width = this.features.width;
    const cap = this.opts.capacity;
    const purchases: Event[] = [];
    const lane = stream === undefined ? 0 : this.features.lane(stream);
    for (let start = 0; start < events.length; ) {
      const cols = this.features.columns();
      purchases.length = 0;
      let n = 0;
      for (; start < events.length && n < cap; start++) {
        const e = events[start]!;
        if (e.type === 'sale' || e.type === 'stock' || e.type === 'label') continue;
        cols.set(n++, e);
        if (e.type === 'purchase') purchases.push(e);
      }
      if (n === 0) break;
      // Rows go straight into the scorer's input buffer.
      const input = this.gbt.input(this.model, Math.max(purchases.length, 1));
      const rows = this.features.run(n, input.byteOffset, lane);
      if (rows === 0) continue;
      // A copy (the feature log reads it after the batch); the view is re-made
      // only if the run grew memory, which detaches it.
      const feats = (input.length > 0 ? input : this.gbt.input(this.model, rows)).slice(0, rows * width);
      // Views, read before the next engine call.
      const { scores, contributions: contrib } = this.gbt.scoreExplain(this.model, rows);
      for (let k = 0; k < rows; k++) {
        const p = purchases[k]! as Extract<Event, { type: 'purchase' }>;
        const row = feats.subarray(k * width, (k + 1) * width);
        const score = scores[k]!;
        out.push({
          eventId: p.eventId,
          userId: p.userId,
          amount: p.amount,
          ts: p.ts,
          fraudScore: score,
          decision: this.decide(score),
          reasons: topReasons(contrib, row, this.features.names, this.opts.reasons, k * (width + 1)),
          features: row,
        });
      }
    }
    return out;
  }
}
