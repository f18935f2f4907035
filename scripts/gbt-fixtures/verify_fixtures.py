#!/usr/bin/env python3
"""Check the GBT parity fixtures and re-derive the raw scores with a small
pure-numpy reference evaluator (documents the semantics the scorer must match).

    python scripts/gbt-fixtures/verify_fixtures.py [--dir test/fixtures/gbt] [-v]

Needs only numpy. For every case it checks:
  * input.json / expected.json shapes agree with manifest.json;
  * every value is a JSON number or one of "NaN", "Infinity", "-Infinity", "-0",
    and re-encoding the decoded value reproduces the file's token exactly;
  * the reference evaluator reproduces expected.raw bit-for-bit
    (LightGBM: float64 sums; XGBoost: float32 input and float32 accumulation);
  * expected.pred equals the objective's transform of raw (to a few ulps, libm may differ);
  * with --repredict: for cases made by the library version importable in this venv, the
    decoded input.json is fed back to the real library and must give expected.json bit-for-bit.
"""
import argparse
import json
import math
import os
import re
import sys

import warnings

import numpy as np

warnings.filterwarnings("ignore", category=RuntimeWarning)

SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}
NUM_RE = re.compile(r'"(?:NaN|Infinity|-Infinity|-0)"|-?\d[\d.eE+-]*')


def enc_token(v):
    if math.isnan(v):
        return '"NaN"'
    if math.isinf(v):
        return '"Infinity"' if v > 0 else '"-Infinity"'
    if v == 0.0 and math.copysign(1.0, v) < 0:
        return '"-0"'
    return repr(v)


def dec(v):
    if isinstance(v, str):
        return SPECIAL[v]
    return float(v)


def check_tokens(path):
    """Every scalar token must re-encode to itself."""
    text = open(path).read()
    body = text.split("[", 1)[1]  # skip {"numFeatures": F, ...
    bad = 0
    n = 0
    for tok in NUM_RE.findall(body):
        n += 1
        v = SPECIAL[tok.strip('"')] if tok.startswith('"') else float(tok)
        if enc_token(v) != tok:
            bad += 1
            if bad < 5:
                print("   token does not round-trip: %s -> %s" % (tok, enc_token(v)))
    return n, bad


def load_matrix(rows):
    return np.array([[dec(v) for v in r] for r in rows], dtype=np.float64)


# ---------------------------------------------------------------- LightGBM

K_ZERO = float(np.float32(1e-35))


def parse_lgb(path):
    header, trees, cur = {}, [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("Tree="):
            cur = {}
            trees.append(cur)
            continue
        if line.startswith("end of trees"):
            break
        if "=" in line:
            k, v = line.split("=", 1)
            (cur if cur is not None else header)[k] = v
        elif cur is None and line:
            header[line] = ""  # e.g. "average_output"
    out = []
    for t in trees:
        nl = int(t["num_leaves"])
        d = dict(num_leaves=nl, leaf_value=[float(x) for x in t["leaf_value"].split()],
                 shrinkage=float(t.get("shrinkage", "1")))
        if nl > 1:
            d["split_feature"] = [int(x) for x in t["split_feature"].split()]
            d["threshold"] = [float(x) for x in t["threshold"].split()]
            d["decision_type"] = [int(x) for x in t["decision_type"].split()]
            d["left"] = [int(x) for x in t["left_child"].split()]
            d["right"] = [int(x) for x in t["right_child"].split()]
            if int(t.get("num_cat", "0")) > 0:
                d["cat_boundaries"] = [int(x) for x in t["cat_boundaries"].split()]
                d["cat_threshold"] = [int(x) for x in t["cat_threshold"].split()]
        if t.get("is_linear", "0") == "1":
            d["leaf_const"] = [float(x) for x in t["leaf_const"].split()]
            nf = [int(x) for x in t["num_features"].split()]
            feats = [int(x) for x in t["leaf_features"].split()]
            coeff = [float(x) for x in t["leaf_coeff"].split()]
            d["leaf_features"], d["leaf_coeff"], p = [], [], 0
            for k in nf:
                d["leaf_features"].append(feats[p:p + k])
                d["leaf_coeff"].append(coeff[p:p + k])
                p += k
        out.append(d)
    return header, out


def lgb_leaf(t, x):
    if t["num_leaves"] == 1:
        return 0
    node = 0
    while node >= 0:
        f = t["split_feature"][node]
        fval = x[f]
        dt = t["decision_type"][node]
        if dt & 1:  # categorical
            if math.isnan(fval):
                go_left = False
            else:
                iv = int(fval) if abs(fval) < 2147483648.0 else -2147483648  # x86 cvttsd2si -> INT_MIN
                if iv < 0:
                    go_left = False
                else:
                    ci = int(t["threshold"][node])
                    lo, hi = t["cat_boundaries"][ci], t["cat_boundaries"][ci + 1]
                    w = iv // 32
                    go_left = w < hi - lo and (t["cat_threshold"][lo + w] >> (iv % 32)) & 1 == 1
        else:
            mt = (dt >> 2) & 3
            if math.isnan(fval) and mt != 2:
                fval = 0.0
            if (mt == 1 and -K_ZERO <= fval <= K_ZERO) or (mt == 2 and math.isnan(fval)):
                go_left = bool(dt & 2)
            else:
                go_left = fval <= t["threshold"][node]
        node = t["left"][node] if go_left else t["right"][node]
    return ~node


def lgb_tree_value(t, x):
    leaf = lgb_leaf(t, x)
    if "leaf_const" in t:
        out = t["leaf_const"][leaf]
        for f, c in zip(t["leaf_features"][leaf], t["leaf_coeff"][leaf]):
            if math.isnan(x[f]):
                return t["leaf_value"][leaf]
            out += c * x[f]
        return out
    return t["leaf_value"][leaf]


def lgb_raw(path, X):
    header, trees = parse_lgb(path)
    k = int(header["num_tree_per_iteration"])
    out = np.zeros((X.shape[0], k))
    for r in range(X.shape[0]):
        # the C API's dense-row reader drops |v| <= kZeroThreshold (keeps NaN): they read as 0.0
        x = [0.0 if (not math.isnan(v) and abs(v) <= K_ZERO) else v for v in X[r]]
        acc = [0.0] * k
        for i, t in enumerate(trees):
            acc[i % k] += lgb_tree_value(t, x)
        out[r] = acc
    # NB: for boosting=rf (average_output) predict(raw_score=True) is the plain SUM over trees;
    # only the normal predict() divides by the number of iterations before the transform.
    header["_iterations"] = len(trees) // k
    return out, header


def lgb_pred(header, raw):
    if "average_output" in header:
        raw = raw / header["_iterations"]
    obj = header["objective"].split()
    name, opts = obj[0], dict(o.split(":") for o in obj[1:] if ":" in o)
    if name == "binary":
        return 1.0 / (1.0 + np.exp(-float(opts.get("sigmoid", 1)) * raw))
    if name in ("multiclassova",):
        return 1.0 / (1.0 + np.exp(-float(opts.get("sigmoid", 1)) * raw))
    if name == "multiclass":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if name in ("poisson", "gamma", "tweedie"):
        return np.exp(raw)
    if name == "cross_entropy":
        return 1.0 / (1.0 + np.exp(-raw))
    if name == "cross_entropy_lambda":
        return np.log1p(np.exp(raw))
    if name == "regression" and "sqrt" in obj:
        return np.sign(raw) * raw * raw
    return raw


# ---------------------------------------------------------------- XGBoost

def f32(v):
    return np.float32(v)


def parse_base_score(s):
    s = s.strip()
    if s.startswith("["):
        return [float(v) for v in s[1:-1].split(",")]
    return [float(s)]


def xgb_trees(model):
    gb = model["learner"]["gradient_booster"]
    if gb["name"] == "dart":
        return gb["gbtree"]["model"], gb.get("weight_drop")
    return gb["model"], None


def xgb_leaf_value(t, x32, invalid_cat_left=True):
    left, right = t["left_children"], t["right_children"]
    st = t.get("split_type") or [0] * len(left)
    catmap = {}
    for k, node in enumerate(t.get("categories_nodes", [])):
        seg, size = t["categories_segments"][k], t["categories_sizes"][k]
        catmap[node] = set(t["categories"][seg:seg + size])
    node = 0
    while left[node] != -1:
        v = x32[t["split_indices"][node]]
        if np.isnan(v):
            node = left[node] if t["default_left"][node] else right[node]
        elif st[node] == 1:
            if v < 0 or v >= f32(16777216.0):  # invalid category
                go_left = invalid_cat_left or t["default_left"][node]
            else:
                go_left = int(v) not in catmap[node]  # listed categories go right
            node = left[node] if go_left else right[node]
        else:
            node = left[node] if v < f32(t["split_conditions"][node]) else right[node]
    return f32(t["split_conditions"][node])


def base_margin(objective, bs):
    """base_score -> initial margin, as XGBoost's ProbToMargin does it (float32 arithmetic;
    logf/log of a float32 argument emulated as a correctly rounded float64 log)."""
    out = []
    for b in bs:
        b = f32(b)
        if objective in ("binary:logistic", "reg:logistic"):
            out.append(f32(-np.log(np.float64(f32(f32(1.0) / b - f32(1.0))))))  # -logf(1.0f/b - 1.0f)
        elif objective in ("count:poisson", "reg:gamma", "reg:tweedie"):
            out.append(f32(np.log(np.float64(b))))  # logf(b)
        else:  # identity, including binary:logitraw (its base_score is already a margin)
            out.append(b)
    return out


def xgb_raw(path, X, invalid_cat_left=True):
    model = json.load(open(path))
    learner = model["learner"]
    obj = learner["objective"]["name"]
    gbm, wdrop = xgb_trees(model)
    trees, info = gbm["trees"], gbm["tree_info"]
    k = max(1, int(learner["learner_model_param"]["num_class"]))
    bs = parse_base_score(learner["learner_model_param"]["base_score"])
    bm = base_margin(obj, bs)
    if len(bm) == 1:
        bm = bm * k
    X32 = X.astype(np.float32)
    n = X.shape[0]
    acc32 = np.zeros((n, k), dtype=np.float32)   # base + sequential float32 adds
    sum64 = np.zeros((n, k))                     # float64 sum of leaves
    for r in range(n):
        a = [np.float32(b) for b in bm]
        for i, t in enumerate(trees):
            v = xgb_leaf_value(t, X32[r], invalid_cat_left)
            w = f32(wdrop[i]) if wdrop is not None else f32(1.0)
            a[info[i]] = f32(a[info[i]] + f32(w * v))
            sum64[r, info[i]] += float(wdrop[i] if wdrop is not None else 1.0) * float(v)
        acc32[r] = a
    f64 = (sum64 + np.array([float(b) for b in bm])).astype(np.float32)
    return acc32, f64, obj, learner["learner_model_param"]["base_score"]


def xgb_pred(obj, raw):
    raw = raw.astype(np.float32)
    if obj in ("binary:logistic", "reg:logistic"):
        return 1.0 / (1.0 + np.exp(-raw))
    if obj == "binary:hinge":
        return (raw > 0).astype(np.float32)
    if obj in ("count:poisson", "reg:gamma", "reg:tweedie"):
        return np.exp(raw)
    if obj == "multi:softprob":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if obj == "multi:softmax":
        return np.argmax(raw, axis=1).reshape(-1, 1).astype(np.float32)
    return raw


# ---------------------------------------------------------------- main

def repredict(case, model_path, X):
    n = X.shape[0]
    if case["library"] == "lightgbm":
        try:
            import lightgbm as lgb
        except ImportError:
            return None
        if lgb.__version__ != case["libraryVersion"]:
            return None
        b = lgb.Booster(model_file=model_path)
        return (np.asarray(b.predict(X, raw_score=True), dtype=np.float64).reshape(n, -1),
                np.asarray(b.predict(X), dtype=np.float64).reshape(n, -1))
    try:
        import xgboost as xgb
    except ImportError:
        return None
    if xgb.__version__ != case["libraryVersion"]:
        return None
    b = xgb.Booster(model_file=model_path)
    ft = None
    if "categorical" in case["name"]:
        ft = ["c", "c", "c", "q", "q", "q"]
    d = xgb.DMatrix(X, missing=np.nan, feature_types=ft, enable_categorical=ft is not None)
    return (b.predict(d, output_margin=True).astype(np.float64).reshape(n, -1),
            b.predict(d).astype(np.float64).reshape(n, -1))


def same_bits(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return (a == b) | (np.isnan(a) & np.isnan(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="test/fixtures/gbt")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--repredict", action="store_true",
                    help="also re-run the installed lightgbm/xgboost on the decoded inputs")
    a = ap.parse_args()
    man = json.load(open(os.path.join(a.dir, "manifest.json")))
    failures = 0
    for c in man["cases"]:
        d = os.path.join(a.dir, c["name"])
        inp = json.load(open(os.path.join(d, "input.json")))
        exp = json.load(open(os.path.join(d, "expected.json")))
        X = load_matrix(inp["rows"])
        raw = load_matrix(exp["raw"])
        pred = load_matrix(exp["pred"])
        probs = []
        if inp["numFeatures"] != c["numFeatures"] or X.shape[1] != c["numFeatures"]:
            probs.append("numFeatures mismatch")
        if raw.shape != (X.shape[0], c["numOutputs"]) or pred.shape[0] != X.shape[0]:
            probs.append("shape mismatch %s %s" % (raw.shape, pred.shape))
        for fn in ("input.json", "expected.json"):
            n, bad = check_tokens(os.path.join(d, fn))
            if bad:
                probs.append("%s: %d/%d tokens do not round-trip" % (fn, bad, n))
        model = os.path.join(d, c["model"])
        extra = ""
        if c["library"] == "lightgbm":
            ref, header = lgb_raw(model, X)
            ok = same_bits(ref, raw)
            if not ok.all():
                probs.append("reference raw differs in %d/%d values" % ((~ok).sum(), ok.size))
            p = lgb_pred(header, raw)
            rel = np.nanmax(np.abs(p - pred) / np.maximum(np.abs(pred), 1e-300)) if p.shape == pred.shape else None
            extra = "pred rel.err %.1e" % rel if rel is not None else "pred n/a"
            if rel is not None and rel > 1e-12:
                probs.append("pred transform off by %.2e" % rel)
        else:
            acc32, f64, obj, bs = xgb_raw(model, X)
            ok = same_bits(acc32, raw)
            ok64 = same_bits(f64, raw)
            if not ok.all():
                acc32b, _, _, _ = xgb_raw(model, X, invalid_cat_left=False)
                okb = same_bits(acc32b, raw)
                if okb.all():
                    extra += "[invalid categories follow default_left] "
                    ok = okb
            extra += "base_score=%s f32-seq exact %d/%d, f64-sum exact %d/%d" % (
                bs, ok.sum(), ok.size, ok64.sum(), ok64.size)
            if not ok.all():
                probs.append("float32 reference raw differs in %d/%d values" % ((~ok).sum(), ok.size))
            p = xgb_pred(obj, raw)
            with np.errstate(invalid="ignore"):
                diff = np.abs(p.astype(np.float64) - pred) / np.maximum(np.abs(pred), 1e-30)
            rel = np.nanmax(diff)
            extra += ", pred rel.err %.1e" % rel
            if rel > 1e-6:
                probs.append("pred transform off by %.2e" % rel)
        if a.repredict:
            r = repredict(c, model, X)
            if r is not None:
                rr, pp = r
                good = same_bits(rr, raw).all() and pp.shape == pred.shape and same_bits(pp, pred).all()
                extra += " [repredict %s]" % ("identical" if good else "DIFFERENT")
                if not good:
                    probs.append("library re-prediction differs")
        status = "OK " if not probs else "BAD"
        failures += bool(probs)
        if probs or a.v:
            print("%s %-36s rows=%d %s %s" % (status, c["name"], X.shape[0], extra, "; ".join(probs)))
    print("%d cases, %d with problems" % (len(man["cases"]), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
