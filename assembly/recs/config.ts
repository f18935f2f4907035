// The engine's settings, written by the host as f64 at recsParamsPtr() and
// checked by recsConfigure (docs/ABI.md, "Recommendations"). Globals: read
// per interaction, so no indirection.

export const P_VIEW_WEIGHT = 0;
export const P_CART_WEIGHT = 1;
export const P_PURCHASE_WEIGHT = 2;
export const P_SESSION_GAP_MS = 3;
export const P_NEIGHBOURS = 4;
export const P_MAX_PAIRS = 5;
export const P_SIMILARITY = 6;
export const P_SHRINK = 7;
export const P_HALF_LIFE_MS = 8;
export const P_MAX_HISTORY = 9;
export const P_EXCLUDE = 10;
export const P_SESSION_BOOST = 11;
export const P_HISTORY_HALF_LIFE_MS = 12;
export const P_USER_TTL_MS = 13;
export const P_CROSS_SESSION_WEIGHT = 14;
export const P_POPULARITY_HALF_LIFE_MS = 15;
export const P_PROFILE_ITEMS = 16;
export const NUM_PARAMS = 17;

export const SIM_COSINE = 0;
export const SIM_JACCARD = 1;

export const EXCLUDE_NONE = 0;
export const EXCLUDE_BOUGHT = 1;
export const EXCLUDE_SEEN = 2;

export const MAX_NEIGHBOURS = 1000;
export const MAX_HISTORY = 10000;
export const MAX_K = 1000;

/** The settings in force (defaults = the host's defaults, host/recs/engine.ts). */
export class Cfg {
  static weight0: f64 = 1; // view
  static weight1: f64 = 2; // cart
  static weight2: f64 = 4; // purchase
  static sessionGapMs: f64 = 1_800_000;
  static neighbours: u32 = 100;
  static maxPairs: u32 = 4_000_000;
  static similarity: i32 = SIM_COSINE;
  static shrink: f64 = 0;
  static halfLifeMs: f64 = 0;
  static maxHistory: u32 = 100;
  static exclude: i32 = EXCLUDE_SEEN;
  static sessionBoost: f64 = 1;
  static historyHalfLifeMs: f64 = 0;
  static userTtlMs: f64 = 30 * 86_400_000;
  static crossSessionWeight: f64 = 1;
  static popularityHalfLifeMs: f64 = 86_400_000;
  static profileItems: u32 = 30;
}

// @ts-ignore: decorator
@inline export function weightOf(type: u32): f64 {
  return type == 0 ? Cfg.weight0 : type == 1 ? Cfg.weight1 : Cfg.weight2;
}

/** Reads and checks the parameter block; true if every value is in range. */
export function applyParams(p: usize): bool {
  const w0 = load<f64>(p, P_VIEW_WEIGHT << 3);
  const w1 = load<f64>(p, P_CART_WEIGHT << 3);
  const w2 = load<f64>(p, P_PURCHASE_WEIGHT << 3);
  const gap = load<f64>(p, P_SESSION_GAP_MS << 3);
  const k = load<f64>(p, P_NEIGHBOURS << 3);
  const pairs = load<f64>(p, P_MAX_PAIRS << 3);
  const sim = load<f64>(p, P_SIMILARITY << 3);
  const shrink = load<f64>(p, P_SHRINK << 3);
  const hl = load<f64>(p, P_HALF_LIFE_MS << 3);
  const hist = load<f64>(p, P_MAX_HISTORY << 3);
  const excl = load<f64>(p, P_EXCLUDE << 3);
  const boost = load<f64>(p, P_SESSION_BOOST << 3);
  const hhl = load<f64>(p, P_HISTORY_HALF_LIFE_MS << 3);
  const ttl = load<f64>(p, P_USER_TTL_MS << 3);
  const cross = load<f64>(p, P_CROSS_SESSION_WEIGHT << 3);
  const phl = load<f64>(p, P_POPULARITY_HALF_LIFE_MS << 3);
  const prof = load<f64>(p, P_PROFILE_ITEMS << 3);
  if (!(w0 > 0 && w0 <= 1e6 && w1 > 0 && w1 <= 1e6 && w2 > 0 && w2 <= 1e6)) return false;
  if (!(gap > 0 && gap < 1e12)) return false;
  if (!(k >= 1 && k <= <f64>MAX_NEIGHBOURS && k == Math.floor(k))) return false;
  if (!(pairs >= 1024 && pairs <= 1e9 && pairs == Math.floor(pairs))) return false;
  if (!(sim == <f64>SIM_COSINE || sim == <f64>SIM_JACCARD)) return false;
  if (!(shrink >= 0 && shrink < 1e9)) return false;
  if (!(hl >= 0 && hl < 1e15 && hhl >= 0 && hhl < 1e15 && phl >= 0 && phl < 1e15)) return false;
  if (!(hist >= 1 && hist <= <f64>MAX_HISTORY && hist == Math.floor(hist))) return false;
  if (!(excl == 0 || excl == 1 || excl == 2)) return false;
  if (!(boost > 0 && boost <= 1e6 && cross >= 0 && cross <= 1)) return false;
  if (!(ttl > 0 && ttl < 1e15)) return false;
  if (!(prof >= 1 && prof <= <f64>MAX_HISTORY && prof == Math.floor(prof))) return false;
  Cfg.weight0 = w0;
  Cfg.weight1 = w1;
  Cfg.weight2 = w2;
  Cfg.sessionGapMs = gap;
  Cfg.neighbours = <u32>k;
  Cfg.maxPairs = <u32>pairs;
  Cfg.similarity = <i32>sim;
  Cfg.shrink = shrink;
  Cfg.halfLifeMs = hl;
  Cfg.maxHistory = <u32>hist;
  Cfg.exclude = <i32>excl;
  Cfg.sessionBoost = boost;
  Cfg.historyHalfLifeMs = hhl;
  Cfg.userTtlMs = ttl;
  Cfg.crossSessionWeight = cross;
  Cfg.popularityHalfLifeMs = phl;
  Cfg.profileItems = <u32>prof;
  return true;
}
