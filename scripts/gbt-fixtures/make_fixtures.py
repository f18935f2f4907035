#!/usr/bin/env python3
"""Train real LightGBM / XGBoost models and write parity fixtures for streamscore.

Run once per library version, inside a venv that has that version installed:

    python scripts/gbt-fixtures/make_fixtures.py --lib lightgbm --out test/fixtures/gbt
    python scripts/gbt-fixtures/make_fixtures.py --lib xgboost  --out test/fixtures/gbt

Case names are prefixed with the library's version family (lgb4_, lgb3_, lgb2_,
xgb3_, xgb2_, xgb1_) so successive runs accumulate in one manifest.json.

Everything is deterministic: synthetic data from numpy's default_rng seeded per
case (the seed depends only on the case's base name, so every library version
sees identical training data and identical "normal" input rows), single-thread-
independent training options, and expected values computed by the library from
the model file as re-loaded from disk (so the file on disk is what is judged).

Output per case  <out>/<case>/:
    model.txt | model.json   the model as written by the library
    input.json               {"numFeatures": F, "rows": [[...], ...]}
    expected.json            {"raw": [[...], ...], "pred": [[...], ...]}
Values are JSON numbers written with Python's repr (shortest round-trip float64)
except NaN, +-Infinity and -0.0, which are the strings "NaN", "Infinity",
"-Infinity" and "-0".
"""
import argparse
import json
import math
import os
import re
import sys
import tempfile
import zlib

import numpy as np

# --------------------------------------------------------------------------
# encoding helpers
# --------------------------------------------------------------------------


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0.0 and math.copysign(1.0, v) < 0:
        return "-0"
    return v  # json.dumps writes floats with float.__repr__ (shortest round-trip)


def dec(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}[v]
    return float(v)


def dump_rows(rows):
    return ",\n".join("  " + json.dumps([enc(x) for x in r], allow_nan=False, separators=(",", ":")) for r in rows)


def write_input(path, X):
    with open(path, "w") as f:
        f.write('{"numFeatures": %d, "rows": [\n' % X.shape[1])
        f.write(dump_rows(X))
        f.write("\n]}\n")


def write_expected(path, raw, pred):
    with open(path, "w") as f:
        f.write('{"raw": [\n')
        f.write(dump_rows(raw))
        f.write('\n], "pred": [\n')
        f.write(dump_rows(pred))
        f.write("\n]}\n")


def as_2d(a, n):
    a = np.asarray(a)
    return a.reshape(n, -1)


def to_py_floats(a):
    """float32/float64 ndarray -> nested lists of Python floats (exact widening)."""
    return [[float(x) for x in row] for row in a]


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


# --------------------------------------------------------------------------
# synthetic data
# --------------------------------------------------------------------------

NUM_F = 6


def gen_numeric(rng, n, nan_frac=0.0, zero_frac=0.0):
    """6 numeric features of varied kinds."""
    X = np.empty((n, NUM_F))
    X[:, 0] = np.round(rng.normal(size=n), 4)                  # 4 decimals
    X[:, 1] = np.round(rng.normal(size=n) * 10.0, 1)           # coarse decimals
    X[:, 2] = rng.uniform(-5.0, 5.0, size=n)                   # full precision
    X[:, 3] = rng.integers(0, 20, size=n).astype(np.float64)   # integer valued
    X[:, 4] = np.round(rng.exponential(100.0, size=n), 2)      # larger scale, >= 0
    X[:, 5] = np.round(rng.normal(size=n) * 1e-3, 7)           # small scale
    if zero_frac > 0:
        m = rng.random(X.shape) < zero_frac
        X[m] = 0.0
    if nan_frac > 0:
        m = rng.random(X.shape) < nan_frac
        X[m] = np.nan
    return X


def signal(X):
    """Smooth-ish signal; missing values get a distinctive substitute so the
    learned default direction matters."""
    Z = X.copy()
    subs = [2.0, -15.0, 4.0, 19.0, 500.0, 0.003]
    for j in range(min(Z.shape[1], NUM_F)):
        c = Z[:, j]
        c[np.isnan(c)] = subs[j]
    return (1.0 * Z[:, 0] + 0.05 * Z[:, 1] + 0.6 * np.sin(Z[:, 2])
            + 0.15 * (Z[:, 3] % 4) + 0.004 * Z[:, 4] - 300.0 * Z[:, 5]
            - 0.7 * (Z[:, 0] * Z[:, 2] > 0))


CAT_CARD = [300, 40, 3]  # categorical features 0..2, then 3 numeric features


def gen_categorical(rng, n, nan_frac=0.05):
    X = np.empty((n, 6))
    # zipf-ish frequencies for the big one so that there are rare categories
    p = 1.0 / np.arange(1, CAT_CARD[0] + 1) ** 0.6
    p /= p.sum()
    X[:, 0] = rng.choice(CAT_CARD[0], size=n, p=p).astype(np.float64)
    X[:, 1] = rng.integers(0, CAT_CARD[1], size=n).astype(np.float64)
    X[:, 2] = rng.integers(0, CAT_CARD[2], size=n).astype(np.float64)
    X[:, 3] = rng.normal(size=n)
    X[:, 4] = rng.uniform(-3.0, 3.0, size=n)
    X[:, 5] = np.round(rng.normal(size=n) * 5.0, 2)
    if nan_frac > 0:
        m = rng.random(X.shape) < nan_frac
        X[m] = np.nan
    return X


_CAT_EFFECT_RNG = np.random.default_rng(12345)
CAT_EFFECTS = [_CAT_EFFECT_RNG.normal(size=c) for c in CAT_CARD]


def signal_cat(X):
    s = np.zeros(X.shape[0])
    for j, eff in enumerate(CAT_EFFECTS):
        c = X[:, j]
        ok = ~np.isnan(c)
        s[ok] += 1.2 * eff[c[ok].astype(int)]
        s[~ok] += 0.8
    Z = np.nan_to_num(X[:, 3:], nan=1.0)
    s += 0.7 * Z[:, 0] + 0.4 * np.sin(2 * Z[:, 1]) + 0.05 * Z[:, 2]
    return s


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_labels(kind, rng, s):
    n = s.shape[0]
    if kind == "binary":
        return (rng.random(n) < sigmoid(1.5 * s)).astype(np.float64)
    if kind == "multiclass":
        sc = np.stack([s, -s, 0.8 * np.cos(2 * s)], axis=1) + rng.normal(size=(n, 3)) * 0.5
        return np.argmax(sc, axis=1).astype(np.float64)
    if kind == "multiclass_rare":  # class 2 is ~1% and pure noise
        y = (rng.random(n) < sigmoid(1.5 * s)).astype(np.float64)
        y[rng.random(n) < 0.01] = 2.0
        return y
    if kind == "regression":
        return 3.0 * s + rng.normal(size=n) * 0.5 + 10.0
    if kind == "regression_c":
        return 3.0 * s + rng.normal(size=n) * 0.5
    if kind == "positive":
        return np.square(1.5 * s + rng.normal(size=n) * 0.3) + 0.5
    if kind == "prob":  # labels in [0, 1]
        return np.clip(sigmoid(1.5 * s) + rng.normal(size=n) * 0.05, 0.0, 1.0)
    if kind == "count":
        return rng.poisson(np.exp(0.5 * s)).astype(np.float64)
    if kind == "gamma":
        mu = np.exp(0.4 * s)
        return rng.gamma(2.0, mu / 2.0)
    if kind == "tweedie":
        lam = np.exp(0.4 * s)
        k = rng.poisson(lam)
        return np.array([rng.gamma(2.0, 0.5, size=c).sum() for c in k])
    if kind == "linear":  # piecewise linear so linear leaves help
        return np.where(s > 0, 2.0 * s, -0.5 * s) + rng.normal(size=n) * 0.1
    raise ValueError(kind)


# --------------------------------------------------------------------------
# adversarial input rows
# --------------------------------------------------------------------------

SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e300, -1e300, 1e-36, -1e-36,
            1e-40, 5e-324, 1e-320, -5e-324,
            # LightGBM's kZeroThreshold is 1e-35f, compared in double
            float(np.float32(1e-35)), float(np.nextafter(float(np.float32(1e-35)), math.inf)),
            -float(np.float32(1e-35)), -float(np.nextafter(float(np.float32(1e-35)), math.inf)),
            # float32 overflow boundary
            float(np.finfo(np.float32).max), float(np.nextafter(3.4028235677973366e38, 0.0)),
            3.4028235677973366e38, -1.5e-45, 7e-46, 1.401298464324817e-45, 16777217.0, 0.1]

CAT_SPECIALS = [-1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 2.9999999999, 3.0000000001,
                float(np.nextafter(5.0, 0.0)),   # rounds to 5.0 as float32
                6.99999999,                      # rounds to 7.0 as float32
                1e10, 2147483648.0, 2147483647.0, 4294967296.0 + 3.0,
                16777216.0, 16777217.0, 16777215.0, 31.0, 32.0, 63.0, 64.0,
                math.nan, math.inf, -math.inf, 1e300]


def threshold_values(t, f32):
    vals = [t, float(np.nextafter(t, math.inf)), float(np.nextafter(t, -math.inf))]
    if f32:
        t32 = np.float32(t)
        up = np.nextafter(t32, np.float32(np.inf))
        dn = np.nextafter(t32, np.float32(-np.inf))
        vals += [float(up), float(dn)]
        for nb in (up, dn):
            if not np.isfinite(nb):
                continue
            mid = (float(t32) + float(nb)) / 2.0  # exact in float64
            vals += [float(np.nextafter(mid, -math.inf)), mid, float(np.nextafter(mid, math.inf))]
    return vals


def build_inputs(rng, normal_rows, base_rows, thresholds, n_thr, f32, cat_features=(),
                 cat_card=None, max_rows=300):
    rows = [r for r in normal_rows]
    clean = base_rows[~np.isnan(base_rows).any(axis=1)]
    if len(clean) == 0:
        clean = np.nan_to_num(base_rows)

    def base():
        return clean[rng.integers(len(clean))].copy()

    # thresholds of the model itself
    thr = sorted(set(thresholds))
    if len(thr) > n_thr:
        idx = rng.choice(len(thr), size=n_thr, replace=False)
        thr = [thr[i] for i in sorted(idx)]
    for feat, t in thr:
        for v in threshold_values(t, f32):
            r = base()
            r[feat] = v
            rows.append(r)
    F = normal_rows.shape[1]
    # special values
    for s in SPECIALS:
        r = base()
        k = rng.integers(1, F + 1)
        for j in rng.choice(F, size=k, replace=False):
            r[j] = s
        rows.append(r)
        r = base()
        r[:] = s
        rows.append(r)
    # categorical oddities
    for j in cat_features:
        vals = list(CAT_SPECIALS)
        if cat_card is not None:
            c = cat_card[j]
            vals += [c - 1.0, float(c), c + 1.0, c + 100.0, float(np.nextafter(np.float32(c - 1), np.float32(0))),
                     (c - 1) - 1e-9]
        for v in vals:
            r = base()
            r[j] = v
            rows.append(r)
    X = np.array(rows, dtype=np.float64)
    return X[:max_rows]


# --------------------------------------------------------------------------
# LightGBM
# --------------------------------------------------------------------------

def lgb_cases(major):
    C = []

    def add(name, label, params, rounds, data="numeric", nan=0.05, zero=0.0, n=2000, notes="",
            objective=None, min_major=2):
        if major >= min_major:
            C.append(dict(name=name, label=label, params=params, rounds=rounds, data=data, nan=nan,
                          zero=zero, n=n, notes=notes, objective=objective or params["objective"]))

    base = dict(num_leaves=15, learning_rate=0.1, min_data_in_leaf=20)
    add("binary", "binary", dict(base, objective="binary"), 15, nan=0.1,
        notes="binary logloss; NaN in training data (missing type NaN)")
    add("multiclass", "multiclass", dict(base, objective="multiclass", num_class=3), 10, nan=0.05,
        notes="softmax, 3 classes, NaN in training")
    add("regression", "regression", dict(base, objective="regression"), 15, nan=0.05,
        notes="l2 regression, NaN in training")
    add("categorical", "binary", dict(base, objective="binary", max_cat_to_onehot=4, min_data_per_group=5,
                                      cat_smooth=1.0, cat_l2=1.0, max_cat_threshold=64),
        20, data="categorical", n=4000,
        notes="categorical features 0 (300 cats, bitset splits), 1 (40 cats), 2 (3 cats -> one-hot style "
              "splits since max_cat_to_onehot=4); numeric 3..5; NaN in training")
    add("rf_binary", "binary", dict(base, objective="binary", boosting="rf", bagging_freq=1,
                                    bagging_fraction=0.632, feature_fraction=0.8), 15, nan=0.05,
        notes="boosting=rf (average_output), binary. raw (predict raw_score=True) is the SUM over trees; "
              "pred = sigmoid(sum / num_iterations)")
    add("linear_regression", "linear", dict(base, objective="regression", linear_tree=True, linear_lambda=0.01),
        10, nan=0.03, notes="linear_tree=True (is_linear, leaf_const/leaf_coeff); NaN rows fall back to leaf_value",
        min_major=3)
    if major >= 4:
        add("binary_sigmoid07", "binary", dict(base, objective="binary", sigmoid=0.7), 15, nan=0.1,
            notes="binary with sigmoid=0.7")
        add("multiclassova", "multiclass", dict(base, objective="multiclassova", num_class=3), 8, nan=0.05,
            notes="one-vs-all, 3 classes: pred = per-class sigmoid, not normalised")
        add("regression_sqrt", "positive", dict(base, objective="regression", reg_sqrt=True), 15,
            notes="l2 with reg_sqrt=True: pred = sign(raw)*raw^2")
        add("regression_l1", "regression", dict(base, objective="regression_l1"), 15, nan=0.0,
            notes="l1; no NaN in training (missing type None)")
        add("huber", "regression", dict(base, objective="huber", alpha=1.0), 15, nan=0.0,
            notes="huber alpha=1; no NaN in training (missing type None)")
        add("quantile", "regression", dict(base, objective="quantile", alpha=0.7), 15, notes="quantile alpha=0.7")
        add("poisson", "count", dict(base, objective="poisson"), 15, notes="pred = exp(raw)")
        add("gamma", "gamma", dict(base, objective="gamma"), 15, notes="pred = exp(raw)")
        add("tweedie", "tweedie", dict(base, objective="tweedie", tweedie_variance_power=1.5), 15,
            notes="tweedie variance power 1.5; pred = exp(raw)")
        add("cross_entropy", "prob", dict(base, objective="cross_entropy"), 15,
            notes="xentropy, labels in [0,1]; pred = sigmoid(raw)")
        add("cross_entropy_lambda", "prob", dict(base, objective="cross_entropy_lambda"), 15,
            notes="xentlambda, labels in [0,1]")
        add("zero_as_missing", "regression", dict(base, objective="regression", zero_as_missing=True), 15,
            zero=0.15, nan=0.05, notes="zero_as_missing=True (missing type Zero); many exact zeros in training")
        add("no_missing", "regression", dict(base, objective="regression", use_missing=False), 15,
            nan=0.05, zero=0.05, notes="use_missing=False (missing type None): NaN treated as 0 at prediction")
        add("rf_regression", "regression", dict(base, objective="regression", boosting="rf", bagging_freq=1,
                                                bagging_fraction=0.7, feature_fraction=0.7), 15, nan=0.05,
            notes="boosting=rf, regression. raw (predict raw_score=True) is the SUM over trees; "
                  "pred = sum / num_iterations")
        add("linear_binary", "binary", dict(base, objective="binary", linear_tree=True, linear_lambda=0.1), 10,
            nan=0.05, notes="linear_tree=True with binary objective")
        add("deep", "regression", dict(objective="regression", num_leaves=255, min_data_in_leaf=1,
                                       min_sum_hessian_in_leaf=0.0, learning_rate=0.3, max_bin=511), 4, n=1500,
            nan=0.02, notes="num_leaves=255, min_data_in_leaf=1: deep trees")
        add("constant", "regression", dict(objective="regression", num_leaves=15, min_data_in_leaf=5000), 20,
            n=2000, notes="min_data_in_leaf > n: training stops after one single-leaf (constant) tree")
        add("multiclass_const_mix", "multiclass_rare", dict(base, objective="multiclass", num_class=3,
                                                            min_sum_hessian_in_leaf=15.0), 10,
            nan=0.05, notes="class 2 is rare (1%) and min_sum_hessian_in_leaf high: class-2 trees are "
                            "single-leaf while classes 0/1 split (mixed normal and constant trees)")
        add("dart", "binary", dict(base, objective="binary", boosting="dart", drop_rate=0.1, skip_drop=0.0,
                                   drop_seed=7), 15, nan=0.05, notes="dart boosting (drop_rate 0.1, skip_drop 0)")
        add("categorical_multiclass", "multiclass", dict(base, objective="multiclass", num_class=3,
                                                         max_cat_to_onehot=4, min_data_per_group=5,
                                                         cat_smooth=1.0, max_cat_threshold=64),
            8, data="categorical", n=3000, notes="multiclass with categorical features 0,1,2")
    return C


def lgb_thresholds(model_text):
    out = []
    feats = None
    for line in model_text.splitlines():
        if line.startswith("Tree="):
            feats = thr = dt = None
        elif line.startswith("split_feature="):
            feats = [int(v) for v in line.split("=", 1)[1].split()]
        elif line.startswith("threshold="):
            thr = [float(v) for v in line.split("=", 1)[1].split()]
        elif line.startswith("decision_type="):
            dt = [int(v) for v in line.split("=", 1)[1].split()]
            for f, t, d in zip(feats, thr, dt):
                if (d & 1) == 0 and math.isfinite(t):
                    out.append((f, t))
    return out


def run_lightgbm(out_dir, only):
    import lightgbm as lgb
    ver = lgb.__version__
    major, minor = (int(p) for p in ver.split(".")[:2])
    # 2.2.x still writes "version=v2" model files; 2.3 moved to "v3".
    prefix = "lgb22" if (major, minor) < (2, 3) else "lgb%d" % major
    entries = []
    for c in lgb_cases(major):
        name = "%s_%s" % (prefix, c["name"])
        if only and c["name"] not in only and name not in only:
            continue
        seed = seed_of(c["name"])
        rng = np.random.default_rng(seed)
        if c["data"] == "categorical":
            X = gen_categorical(rng, c["n"])
            s = signal_cat(X)
            cats = [0, 1, 2]
        else:
            X = gen_numeric(rng, c["n"], nan_frac=c["nan"], zero_frac=c["zero"])
            s = signal(X)
            cats = []
        y = make_labels(c["label"], rng, s)
        params = dict(c["params"])
        params.update(seed=seed % 100000, verbose=-1, num_threads=2)
        if major >= 3:
            params.update(deterministic=True, force_col_wise=True)
        ds = lgb.Dataset(X, label=y, params=params, categorical_feature=cats if cats else "auto",
                         free_raw_data=False)
        booster = lgb.train(params, ds, num_boost_round=c["rounds"])
        case_dir = os.path.join(out_dir, name)
        os.makedirs(case_dir, exist_ok=True)
        model_path = os.path.join(case_dir, "model.txt")
        booster.save_model(model_path)
        # the file on disk is the judge
        b2 = lgb.Booster(model_file=model_path)
        text = open(model_path).read()
        # inputs
        irng = np.random.default_rng(seed + 1)
        if c["data"] == "categorical":
            normal = gen_categorical(irng, 100)
        else:
            normal = gen_numeric(irng, 100, nan_frac=c["nan"], zero_frac=c["zero"])
        Xin = build_inputs(irng, normal, X[:500], lgb_thresholds(text),
                           n_thr=20 if not cats else 12, f32=False, cat_features=cats,
                           cat_card=CAT_CARD if cats else None)
        Xin = np.ascontiguousarray(Xin, dtype=np.float64)
        n = Xin.shape[0]
        raw = as_2d(b2.predict(Xin, raw_score=True), n)
        pred = as_2d(b2.predict(Xin), n)
        write_input(os.path.join(case_dir, "input.json"), Xin)
        write_expected(os.path.join(case_dir, "expected.json"), to_py_floats(raw), to_py_floats(pred))
        entries.append(dict(name=name, library="lightgbm", libraryVersion=ver, model="model.txt",
                            objective=c["objective"], numFeatures=int(X.shape[1]), numOutputs=int(raw.shape[1]),
                            notes=c["notes"]))
        print("%-40s rows=%d outputs=%d model=%dB" % (name, n, raw.shape[1], os.path.getsize(model_path)))
    return entries


# --------------------------------------------------------------------------
# XGBoost
# --------------------------------------------------------------------------

def xgb_cases(major, minor):
    C = []

    def add(name, label, params, rounds, data="numeric", nan=0.05, n=2000, notes="", special=None):
        C.append(dict(name=name, label=label, params=params, rounds=rounds, data=data, nan=nan, n=n,
                      notes=notes, special=special, objective=params.get("objective")))

    base = dict(max_depth=4, eta=0.3, tree_method="hist")
    add("binary_logistic", "binary", dict(base, objective="binary:logistic"), 12, nan=0.1,
        notes="default base_score (auto-estimated intercept in 2.x/3.x, 0.5 in 1.x); NaN in training so "
              "default_left matters")
    add("binary_logistic_base03", "binary", dict(base, objective="binary:logistic", base_score=0.3), 12,
        nan=0.1, notes="explicit base_score=0.3 (margin starts at logit(0.3))")
    add("binary_logitraw", "binary", dict(base, objective="binary:logitraw"), 12, notes="pred == raw margin; base_score is used as the initial margin as-is (no logit)")
    add("binary_hinge", "binary", dict(base, objective="binary:hinge"), 12, notes="pred = raw > 0 ? 1 : 0")
    add("reg_logistic", "prob", dict(base, objective="reg:logistic"), 12, notes="labels in [0,1]")
    add("multi_softprob", "multiclass", dict(base, objective="multi:softprob", num_class=3), 6,
        notes="3 classes, softmax probabilities")
    add("multi_softmax", "multiclass", dict(base, objective="multi:softmax", num_class=3), 6,
        notes="3 classes; raw has 3 columns, pred has ONE column: the argmax class index")
    add("reg_squarederror", "regression", dict(base, objective="reg:squarederror"), 12, notes="")
    if (major, minor) >= (1, 7):
        add("reg_absoluteerror", "regression", dict(base, objective="reg:absoluteerror"), 12,
            notes="l1: leaf values refreshed by line search")
    add("reg_pseudohubererror", "regression_c", dict(base, objective="reg:pseudohubererror", huber_slope=2.0,
                                                     min_child_weight=0.1), 12,
        notes="huber_slope 2; labels centred near 0 (with labels ~10 the 2.x/3.x intercept estimate "
              "overshoots and every tree is a single leaf)")
    add("count_poisson", "count", dict(base, objective="count:poisson"), 12, notes="pred = exp(raw)")
    add("reg_gamma", "gamma", dict(base, objective="reg:gamma"), 12, notes="pred = exp(raw)")
    add("reg_tweedie", "tweedie", dict(base, objective="reg:tweedie", tweedie_variance_power=1.5), 12,
        notes="pred = exp(raw)")
    add("categorical_partition", "binary", dict(base, objective="binary:logistic", max_cat_to_onehot=1,
                                                max_cat_threshold=64), 12, data="categorical", n=4000,
        notes="features 0,1,2 categorical (300/40/3 cats), max_cat_to_onehot=1 -> partition splits; "
              "split_conditions of categorical nodes are meaningless (NaN in 1.x/2.x, 1E-45 in 3.x)")
    add("categorical_onehot", "regression", dict(base, objective="reg:squarederror", max_cat_to_onehot=64),
        10, data="categorical", n=4000,
        notes="max_cat_to_onehot=64: features 1 (40 cats) and 2 (3 cats) use one-hot splits, feature 0 (300) "
              "partition splits")
    add("dart", "binary", dict(base, objective="binary:logistic", booster="dart", rate_drop=0.1, skip_drop=0.0,
                               sample_type="uniform", normalize_type="tree"), 12, nan=0.05,
        notes="dart: rate_drop 0.1, skip_drop 0 -> weight_drop != 1")
    add("deep", "regression", dict(objective="reg:squarederror", max_depth=12, eta=0.3, tree_method="hist",
                                   min_child_weight=0.0, max_bin=1024), 3, n=1200, nan=0.02,
        notes="max_depth 12")
    add("const_mix", "regression", dict(base, objective="reg:squarederror"), 8,
        notes="8 normal trees, then 8 single-leaf trees (gamma=1e9), then 4 normal trees",
        special="const_mix")
    add("nan_inf_json", "binary", dict(base, objective="binary:logistic"), 15, nan=0.1,
        notes="trained binary:logistic model edited: split_conditions set to Infinity / -Infinity / NaN and "
              "one leaf to Infinity; JSON holds bare NaN/Infinity tokens; expected from the re-loaded booster",
        special="nan_inf")
    return C


def xgb_trees(model):
    gb = model["learner"]["gradient_booster"]
    if gb["name"] == "dart":
        return gb["gbtree"]["model"]["trees"]
    return gb["model"]["trees"]


def xgb_thresholds(model):
    out = []
    for t in xgb_trees(model):
        st = t.get("split_type", [0] * len(t["left_children"]))
        for i, l in enumerate(t["left_children"]):
            if l != -1 and st[i] == 0:
                v = float(t["split_conditions"][i])
                if math.isfinite(v):
                    out.append((int(t["split_indices"][i]), v))
    return out


def run_xgboost(out_dir, only):
    import xgboost as xgb
    ver = xgb.__version__
    major, minor = (int(p) for p in ver.split(".")[:2])
    prefix = "xgb%d" % major
    entries = []
    for c in xgb_cases(major, minor):
        name = "%s_%s" % (prefix, c["name"])
        if only and c["name"] not in only and name not in only:
            continue
        seed = seed_of(c["name"])
        rng = np.random.default_rng(seed)
        if c["data"] == "categorical":
            X = gen_categorical(rng, c["n"])
            s = signal_cat(X)
            cats = [0, 1, 2]
            ftypes = ["c", "c", "c", "q", "q", "q"]
        else:
            X = gen_numeric(rng, c["n"], nan_frac=c["nan"])
            s = signal(X)
            cats = []
            ftypes = None
        y = make_labels(c["label"], rng, s)

        def dmat(A, label=None):
            kw = dict(missing=np.nan)
            if ftypes:
                kw.update(feature_types=ftypes, enable_categorical=True)
            return xgb.DMatrix(A, label=label, **kw)

        dtrain = dmat(X, y)
        params = dict(c["params"])
        params.update(seed=seed % 100000, nthread=2)
        if c["special"] == "const_mix":
            bst = xgb.train(params, dtrain, num_boost_round=8)
            bst = xgb.train(dict(params, gamma=1e9), dtrain, num_boost_round=8, xgb_model=bst)
            bst = xgb.train(dict(params, gamma=0.0), dtrain, num_boost_round=4, xgb_model=bst)
        else:
            bst = xgb.train(params, dtrain, num_boost_round=c["rounds"])
        case_dir = os.path.join(out_dir, name)
        os.makedirs(case_dir, exist_ok=True)
        model_path = os.path.join(case_dir, "model.json")
        bst.save_model(model_path)
        if c["special"] == "nan_inf":
            edit_nan_inf(xgb, model_path)
        b2 = xgb.Booster(model_file=model_path)
        model = json.load(open(model_path))
        irng = np.random.default_rng(seed + 1)
        if c["data"] == "categorical":
            normal = gen_categorical(irng, 100)
        else:
            normal = gen_numeric(irng, 100, nan_frac=c["nan"])
        Xin = build_inputs(irng, normal, X[:500], xgb_thresholds(model), n_thr=10 if not cats else 5, f32=True,
                           cat_features=cats, cat_card=CAT_CARD if cats else None)
        # XGBoost rejects +-inf (after the float32 cast) unless missing=inf; keep only rows it accepts
        Xin, dropped = xgb_filter_rows(xgb, dmat, b2, Xin)
        Xin = np.ascontiguousarray(Xin, dtype=np.float64)
        n = Xin.shape[0]
        d = dmat(Xin)
        raw = as_2d(b2.predict(d, output_margin=True), n)
        pred = as_2d(b2.predict(d), n)
        write_input(os.path.join(case_dir, "input.json"), Xin)
        write_expected(os.path.join(case_dir, "expected.json"), to_py_floats(raw), to_py_floats(pred))
        notes = c["notes"]
        if dropped:
            notes = (notes + "; " if notes else "") + dropped
        entries.append(dict(name=name, library="xgboost", libraryVersion=ver, model="model.json",
                            objective=c["objective"], numFeatures=int(X.shape[1]), numOutputs=int(raw.shape[1]),
                            notes=notes))
        print("%-40s rows=%d outputs=%d model=%dB" % (name, n, raw.shape[1], os.path.getsize(model_path)))
    return entries


def xgb_filter_rows(xgb, dmat, booster, X):
    keep = []
    n_bad = 0
    for i in range(X.shape[0]):
        try:
            booster.predict(dmat(X[i:i + 1]))
            keep.append(i)
        except xgb.core.XGBoostError:
            n_bad += 1
    msg = ""
    if n_bad:
        msg = ("%d candidate rows omitted because XGBoost refuses them (DMatrix rejects values that are "
               "+-inf after the float32 cast when missing=NaN)" % n_bad)
    return X[keep], msg


def edit_nan_inf(xgb, model_path):
    """Put non-finite values into a trained model, have XGBoost itself re-serialise it and check the file
    holds bare NaN / Infinity tokens."""
    model = json.load(open(model_path))
    trees = xgb_trees(model)

    def inner_nodes(t):
        return [i for i, l in enumerate(t["left_children"]) if l != -1]

    def leaves(t):
        return [i for i, l in enumerate(t["left_children"]) if l == -1]

    t0, t1, t2, t3 = trees[0], trees[1], trees[2], trees[3]
    t0["split_conditions"][inner_nodes(t0)[1]] = math.inf      # x < inf: every finite value goes left
    t1["split_conditions"][inner_nodes(t1)[0]] = -math.inf     # root: x < -inf never true -> right
    t2["split_conditions"][inner_nodes(t2)[2]] = math.nan      # x < NaN never true -> right
    lf = leaves(t3)[0]
    t3["split_conditions"][lf] = math.inf                      # leaf value +inf
    t3["base_weights"][lf] = math.inf
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(model, f)  # python writes bare Infinity / -Infinity / NaN
        tmp = f.name
    b = xgb.Booster(model_file=tmp)
    os.unlink(tmp)
    b.save_model(model_path)  # XGBoost's own writer
    text = open(model_path).read()
    for tok in ("Infinity", "-Infinity", "NaN"):
        if not re.search(r"[\[,:]\s*%s\s*[,\]}]" % re.escape(tok), text):
            raise SystemExit("expected bare %s token in %s" % (tok, model_path))


# --------------------------------------------------------------------------

def merge_manifest(out_dir, entries):
    path = os.path.join(out_dir, "manifest.json")
    cases = []
    if os.path.exists(path):
        cases = json.load(open(path))["cases"]
    names = {e["name"] for e in entries}
    cases = [c for c in cases if c["name"] not in names] + entries
    cases.sort(key=lambda c: c["name"])
    with open(path, "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", choices=["lightgbm", "xgboost"], required=True)
    ap.add_argument("--out", default="test/fixtures/gbt")
    ap.add_argument("--only", nargs="*", default=None, help="case base names (e.g. binary) to (re)generate")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.lib == "lightgbm":
        entries = run_lightgbm(a.out, a.only)
    else:
        entries = run_xgboost(a.out, a.only)
    merge_manifest(a.out, entries)
    print("wrote %d cases" % len(entries), file=sys.stderr)


if __name__ == "__main__":
    main()
