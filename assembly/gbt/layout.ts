// The forest blob: the one compact structure-of-arrays form every model
// format is compiled into (host/gbt/pack.ts writes it, docs/ABI.md documents
// it for other embedders). Little-endian, sections 8-byte aligned, in this
// order after the 64-byte header:
//
//   baseScore  f64[numOutputs]      initial margin per output
//   treeRoot   u32[numTrees]        index of each tree's root node
//   treeGroup  u32[numTrees]        output (class) each tree adds to
//   treeWeight f64[numTrees]        multiplier of each tree's leaves (DART)
//   nodes      16 bytes[numNodes]   see NODE_* below
//   nodeValue  f64[numNodes]        expected output at each node (leaf
//                                   value, or cover-weighted mean below),
//                                   for explanations only
//   catWords   u32[numCatWords]     categorical bitsets
//   linConst   f64[numLinear]       linear-leaf constants
//   linStart   u32[numLinear + 1]   linear-leaf term ranges
//   linFeature u32[numTerms]
//   linCoeff   f64[numTerms]

export const MAGIC: u32 = 0x314d5353; // "SSM1"
export const VERSION: u32 = 1;
export const HEADER_BYTES: i32 = 64;

// Header field offsets.
export const H_MAGIC = 0;
export const H_VERSION = 4;
export const H_NUM_FEATURES = 8;
export const H_NUM_OUTPUTS = 12;
export const H_NUM_TREES = 16;
export const H_NUM_NODES = 20;
export const H_NUM_CAT_WORDS = 24;
export const H_NUM_LINEAR = 28;
export const H_NUM_TERMS = 32;
export const H_OBJECTIVE = 36;
export const H_FLAGS = 40;
export const H_NUM_ITERATIONS = 44;
export const H_OBJECTIVE_PARAM = 48;

// Model flags.
export const MODEL_SUM_F32: u32 = 1; // XGBoost: margins accumulate in float32
export const MODEL_AVERAGE: u32 = 2; // LightGBM rf: transformed output averages

// A node is 16 bytes:
//   +0  f64  threshold (internal); for a categorical split u32 word offset,
//            u32 word count; for a leaf a quiet NaN whose low word is its
//            linear-leaf index (0xffffffff when the leaf is constant)
//   +8  u32  feature index (low 24 bits; 0 for a leaf) | flags << 24
//   +12 u32  first child (left = c, right = c + 1); a leaf's own index, so
//            stepping from a leaf stays there (x > NaN is false) and a walk
//            may run a fixed number of steps. Leaf values are in nodeValue.
export const NODE_BYTES: i32 = 16;
export const FEATURE_MASK: u32 = 0xffffff;
export const NO_LINEAR: u32 = 0xffffffff;

// Node flags (the byte above the feature index).
export const F_LEAF: u32 = 1;
export const F_NAN_RIGHT: u32 = 2; // numeric: NaN goes right
export const F_SPECIAL: u32 = 4; // take the slow path below
export const F_ZERO_MISSING: u32 = 8; // LightGBM missing type Zero
export const F_DEFAULT_LEFT: u32 = 16; // where missing goes on the slow path
export const F_CAT_LIGHTGBM: u32 = 32; // in set: left; NaN, negative, absent: right
export const F_CAT_XGBOOST: u32 = 64; // in set: right; negative, absent: left; NaN: default
export const F_LT32: u32 = 128; // slow path: float(x) < t goes left (t NaN or -Infinity)

// Objective transforms, applied after the trees unless raw margins are asked.
export const OBJ_IDENTITY: u32 = 0;
export const OBJ_SIGMOID: u32 = 1; // 1 / (1 + exp(-param * x))
export const OBJ_SOFTMAX: u32 = 2;
export const OBJ_OVA_SIGMOID: u32 = 3; // sigmoid per class
export const OBJ_EXP: u32 = 4;
export const OBJ_LOG1P_EXP: u32 = 5; // LightGBM cross_entropy_lambda
export const OBJ_SIGNED_SQUARE: u32 = 6; // LightGBM reg_sqrt
export const OBJ_SIGMOID_F32: u32 = 7; // XGBoost logistic, float32
export const OBJ_SOFTMAX_F32: u32 = 8; // XGBoost multi:softprob
export const OBJ_ARGMAX: u32 = 9; // XGBoost multi:softmax
export const OBJ_HINGE: u32 = 10; // XGBoost binary:hinge
export const OBJ_EXP_F32: u32 = 11; // XGBoost poisson, gamma, tweedie, cox
export const OBJ_COUNT: u32 = 12;

/** Rounds a section size up to 8 bytes. Used by the model parser. */
// @ts-ignore: decorator
@inline export function align8(n: usize): usize {
  return (n + 7) & ~(<usize>7);
}
