// Fraud scoring on a live stream: events (already validated) go through the
// WASM feature code a batch at a time; each purchase's feature row is written
// straight into the scorer's input buffer, scored, explained, and given a
// decision. Features and scorer share one WASM instance, so nothing is copied
// between them. Models are swapped whole: a new one is loaded and checked
// before the old one is freed, so a bad file leaves the old one serving.

import { ModelError } from '../core/errors.js';
import { GbtEngine, type ModelInfo } from '../gbt/engine.js';
import { FeatureEngine, STAT } from './features.js';
import type { IpRanges } from '../datasets/ip-country.js';
import { statusField } from '../wasm/status.js';
import { loadModel, type LoadedModel } from '../gbt/load.js';
import type { Event } from '../core/schema.js';
import { topReasons } from './reasons.js';
import type { Decision, FraudJob, Reason, Rejection, ScoredOutput, Snapshot, StatePart } from '../core/ports.js';

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

/** Recent purchases' rows a new model is tried on before it serves. */
const CANARY_RECENT = 64;

/** What a fraud checkpoint keeps beside the image. */
interface FraudMeta {
  /** The model's handle in the image. */
  model: number;
  nonFinite: number;
}

/**
 * What a purchase whose score is not a finite number gets (a model whose
 * canary rows all scored finite can still overflow on an extreme row): never
 * a silent allow, and never a block nobody can explain: a person looks at it.
 */
export const NON_FINITE_DECISION: Decision = 'review';
export const NON_FINITE_REASON: Reason = {
  feature: 'score',
  contribution: 0,
  text: 'the model gave no finite score for this purchase; sent to review',
};

export class FraudScorer implements FraudJob {
  /** Purchases whose score was not finite (NON_FINITE_DECISION), since start. */
  nonFinite = 0;
  /** The last CANARY_RECENT purchases' feature rows, a ring (canaryRows). */
  private readonly recent: Float64Array;
  private recentCount = 0;
  readonly gbt: GbtEngine;
  readonly features: FeatureEngine;
  private model: ModelInfo;
  private modelFile: string;
  private readonly opts: Required<Omit<FraudOptions, 'ipRanges'>>;
  private readonly ipRanges: IpRanges | undefined;

  constructor(modelPath: string, opts: FraudOptions) {
    this.gbt = new GbtEngine();
    this.opts = { capacity: 4096, reasons: 3, ...opts };
    this.features = new FeatureEngine({ engine: this.gbt, capacity: this.opts.capacity });
    this.recent = new Float64Array(CANARY_RECENT * this.features.width);
    this.ipRanges = opts.ipRanges;
    if (opts.ipRanges) this.features.loadIpRanges(opts.ipRanges);
    this.model = this.install(loadModel(modelPath), modelPath);
    this.modelFile = modelPath;
  }

  /** The model in use. */
  get modelPath(): string {
    return this.modelFile;
  }

  /** Loads, checks and swaps in a new model file; throws ModelError and keeps the old one on failure. */
  /**
   * The instance's state image (features, scorer and model) and the
   * model's handle in it. Called between batches.
   */
  snapshot(into?: Uint8Array): Snapshot {
    const { image, changed } = this.gbt.saveImage(into);
    return { image, changed, meta: { model: this.model.handle, nonFinite: this.nonFinite } satisfies FraudMeta };
  }

  /**
   * Takes up where a snapshot left off: the features' state is the image's;
   * the model and the IP table are this process's (the image's model is
   * freed and the model file loaded again).
   */
  restore(part: StatePart): void {
    const meta = part.meta as FraudMeta;
    if (part.image === null) throw new ModelError(this.modelFile, 'the checkpoint has no fraud state image');
    this.gbt.loadImage(part.image, part.deltas);
    this.features.restored();
    this.gbt.exports.modelFree(meta.model);
    if (this.ipRanges) this.features.loadIpRanges(this.ipRanges);
    this.model = this.install(loadModel(this.modelFile), this.modelFile);
    this.nonFinite = meta.nonFinite;
  }

  reload(modelPath: string): void {
    const next = this.install(loadModel(modelPath), modelPath);
    const old = this.model;
    this.model = next;
    this.modelFile = modelPath;
    this.gbt.free(old);
  }

  /**
   * Rows every new model scores before it may serve: the last purchases'
   * feature rows (recent traffic) and two made ones (every feature missing,
   * every feature 0). A model with a non-finite score on any is refused.
   */
  private canaryRows(): { rows: Float64Array; names: string[] } {
    const width = this.features.width;
    const recent = Math.min(this.recentCount, CANARY_RECENT);
    const rows = new Float64Array((recent + 2) * width);
    rows.fill(NaN, 0, width);
    rows.fill(0, width, 2 * width);
    rows.set(this.recent.subarray(0, recent * width), 2 * width);
    const names = ['every feature missing', 'every feature 0'];
    for (let k = 0; k < recent; k++) names.push(`recent purchase ${k + 1} of ${recent}`);
    return { rows, names };
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
    const canary = this.canaryRows();
    const scores = this.gbt.score(info, canary.rows);
    const bad = scores.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      this.gbt.free(info);
      throw new ModelError(file, `the model scores ${scores[bad]} on a canary row (${canary.names[bad]}); a fraud model must give a finite score`);
    }
    return info;
  }

  // Keeps the batch's last rows for the next model's canary.
  private remember(feats: Float64Array, rows: number): void {
    const width = this.features.width;
    for (let k = Math.max(0, rows - CANARY_RECENT); k < rows; k++) {
      this.recent.set(feats.subarray(k * width, (k + 1) * width), (this.recentCount % CANARY_RECENT) * width);
      this.recentCount++;
    }
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
   * Each event is judged alone: one the core does not
   * accept is left out of the state and listed in `rejected` (its index in
   * `events`), and the others go on.
   */
  process(events: readonly Event[]): { scored: ScoredOutput[]; rejected: Rejection[] } {
    const out: ScoredOutput[] = [];
    const rejected: Rejection[] = [];
    const width = this.features.width;
    const cap = this.opts.capacity;
    // The batch's purchases, as indices in `events`.
    const purchases: number[] = [];
    // Batch position -> index in `events`, for naming rejected events.
    const at: number[] = [];
    for (let start = 0; start < events.length; ) {
      const cols = this.features.columns();
      purchases.length = 0;
      at.length = 0;
      let n = 0;
      for (; start < events.length && n < cap; start++) {
        const e = events[start]!;
        if (e.type === 'sale' || e.type === 'stock' || e.type === 'label') continue;
        at.push(start);
        cols.set(n++, e);
        if (e.type === 'purchase') purchases.push(start);
      }
      if (n === 0) break;
      // Rows go straight into the scorer's input buffer.
      const input = this.gbt.input(this.model, Math.max(purchases.length, 1));
      const rows = this.features.run(n, input.byteOffset);
      const bad = this.features.rejected();
      if (bad.length > 0) {
        const skipped = new Set<number>();
        for (const b of bad) {
          const field = statusField(b.status);
          rejected.push({ index: at[b.index]!, field, reason: `${field}: ${b.reason} (rejected by the feature engine)` });
          skipped.add(at[b.index]!);
        }
        // The rows are the valid purchases' only.
        let k = 0;
        for (const i of purchases) if (!skipped.has(i)) purchases[k++] = i;
        purchases.length = k;
      }
      if (rows === 0) continue;
      // A copy (the feature log reads it after the batch); the view is re-made
      // only if the run grew memory, which detaches it.
      const feats = (input.length > 0 ? input : this.gbt.input(this.model, rows)).slice(0, rows * width);
      this.remember(feats, rows);
      // Views, read before the next engine call.
      const { scores, contributions: contrib } = this.gbt.scoreExplain(this.model, rows);
      for (let k = 0; k < rows; k++) {
        const p = events[purchases[k]!]! as Extract<Event, { type: 'purchase' }>;
        const row = feats.subarray(k * width, (k + 1) * width);
        const score = scores[k]!;
        const finite = Number.isFinite(score);
        if (!finite) this.nonFinite++;
        out.push({
          eventId: p.eventId,
          userId: p.userId,
          amount: p.amount,
          ts: p.ts,
          fraudScore: score,
          decision: finite ? this.decide(score) : NON_FINITE_DECISION,
          reasons: finite ? topReasons(contrib, row, this.features.names, this.opts.reasons, k * (width + 1)) : [NON_FINITE_REASON],
          features: row,
          record: undefined,
        });
      }
    }
    return { scored: out, rejected };
  }
}
