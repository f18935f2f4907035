#!/usr/bin/env python3
"""Train the models that bench/gbt.ts scores, and convert them to ONNX.

Run inside the bench venv (never inside the repo; `npm run bench:setup` does this):

    python3 -m venv ~/.cache/streamscore/bench-venv
    ~/.cache/streamscore/bench-venv/bin/pip install -r scripts/bench/requirements.txt
    ~/.cache/streamscore/bench-venv/bin/python scripts/bench/make_bench_models.py

Writes to bench/.models/ (gitignored), for NAME in {synthetic, fraud}:
    NAME.txt          LightGBM text model
    NAME.onnx         TreeEnsembleClassifier, zipmap off: probabilities [N, 2]
    NAME.raw.onnx     the same trees as a TreeEnsembleRegressor: raw margins [N, 1]
    NAME.rows.f64     test rows, row-major little-endian float64 (NaN = missing)
    NAME.raw.f64      LightGBM's raw scores for them (float64)
    NAME.prob.f64     LightGBM's probabilities for them (float64)
and manifest.json (shapes, file names, library versions).

LightGBM's predictions come from the model as re-loaded from the text file, so
the file on disk is what every scorer is judged against.
"""
import argparse
import csv
import json
import os
import platform
import sys
from collections import Counter
from datetime import datetime

import lightgbm as lgb
import numpy as np
import onnx
import onnxconverter_common
import onnxmltools
from onnxmltools.convert.common.data_types import FloatTensorType

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The main-domain opset: the highest onnxmltools 1.16 converts LightGBM to (it takes
# an int and picks the matching ai.onnx.ml version itself); onnxruntime 1.30 runs it.
TARGET_OPSET = 15


def synthetic(rng):
    """~50 features of mixed kinds; the label depends on many of them through
    interactions, so 255-leaf trees keep finding splits for 500 rounds."""
    n, f = 60_000, 50
    X = np.empty((n, f))
    X[:, :20] = rng.normal(size=(n, 20))
    X[:, 20:30] = rng.uniform(-3, 3, size=(n, 10))
    X[:, 30:40] = rng.integers(0, 30, size=(n, 10))
    X[:, 40:50] = np.round(rng.exponential(50.0, size=(n, 10)), 2)
    # A few features have missing values, so default directions are exercised.
    X[:, 45:50][rng.random((n, 5)) < 0.05] = np.nan
    z = (
        X[:, 0] * X[:, 1]
        + np.sin(2 * X[:, 2]) * 2
        + np.where(X[:, 20] > 0, X[:, 21], -X[:, 22])
        + (X[:, 30] % 7 == 3) * 1.5
        + np.log1p(np.nan_to_num(X[:, 45], nan=10.0)) * 0.5
        + 0.3 * X[:, 3:15].sum(axis=1)
        - 2.5
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    names = [f"f{i}" for i in range(f)]
    params = {
        "objective": "binary",
        "num_leaves": 255,
        "max_depth": 8,
        "min_data_in_leaf": 5,
        "min_sum_hessian_in_leaf": 1e-6,
        "learning_rate": 0.05,
        "feature_fraction": 0.8,
    }
    return X[:50_000], y[:50_000], X[50_000:], names, [], params, 500


FRAUD_FEATURES = [
    "purchase_value", "age", "sex", "source", "browser", "signup_to_purchase_s",
    "purchase_hour", "purchase_weekday", "signup_hour", "device_shared", "ip_shared",
]
FRAUD_CATEGORICAL = ["sex", "source", "browser"]


def fraud(rng, path):
    """The e-commerce fraud table, read in place, turned into numeric features."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    when = lambda s: datetime.strptime(s, "%m/%d/%Y %H:%M")  # noqa: E731
    devices = Counter(r["device_id"] for r in rows)
    ips = Counter(r["ip_address"] for r in rows)
    codes = {c: {v: i for i, v in enumerate(sorted({r[c] for r in rows}))} for c in FRAUD_CATEGORICAL}
    X = np.empty((len(rows), len(FRAUD_FEATURES)))
    y = np.empty(len(rows))
    for i, r in enumerate(rows):
        signup, purchase = when(r["signup_time"]), when(r["purchase_time"])
        X[i] = [
            float(r["purchase_value"]),
            float(r["age"]),
            codes["sex"][r["sex"]],
            codes["source"][r["source"]],
            codes["browser"][r["browser"]],
            (purchase - signup).total_seconds(),
            purchase.hour,
            purchase.weekday(),
            signup.hour,
            devices[r["device_id"]] - 1,  # other rows sharing the device
            ips[r["ip_address"]] - 1,  # other rows sharing the IP
        ]
        y[i] = float(r["class"])
    order = rng.permutation(len(rows))
    X, y = X[order], y[order]
    n_train = 20_000  # leaves >10,000 test rows for the largest batch
    params = {"objective": "binary", "num_leaves": 31, "learning_rate": 0.05, "min_data_in_leaf": 20}
    return X[:n_train], y[:n_train], X[n_train:], FRAUD_FEATURES, FRAUD_CATEGORICAL, params, 200


def train(X, y, names, categorical, params, rounds, model_path):
    common = {"verbose": -1, "seed": 7, "deterministic": True, "force_row_wise": True, "num_threads": 2}
    ds = lgb.Dataset(X, y, feature_name=names, categorical_feature=categorical or "auto", free_raw_data=False)
    lgb.train({**params, **common}, ds, num_boost_round=rounds).save_model(model_path)
    return lgb.Booster(model_file=model_path)


def to_onnx(booster, n_features, path):
    model = onnxmltools.convert_lightgbm(
        booster,
        # A fixed graph name: the default is a random UUID, which would make
        # every run's file differ.
        name=os.path.basename(path),
        initial_types=[("input", FloatTensorType([None, n_features]))],
        target_opset=TARGET_OPSET,
        zipmap=False,
    )
    onnx.checker.check_model(model)
    onnx.save_model(model, path)
    return {o.domain or "ai.onnx": o.version for o in model.opset_import}


def raw_booster(model_path):
    """The same trees under objective=regression: onnxmltools then emits a
    TreeEnsembleRegressor whose output is the raw margin, with no sigmoid."""
    with open(model_path) as fh:
        text = fh.read()
    # Both the header and the trailing parameters block name the objective.
    assert "objective=binary sigmoid:1" in text and "[objective: binary]" in text
    text = text.replace("objective=binary sigmoid:1", "objective=regression", 1)
    text = text.replace("[objective: binary]", "[objective: regression]", 1)
    return lgb.Booster(model_str=text)


def write_f64(path, a):
    np.ascontiguousarray(a, dtype="<f8").tofile(path)


def build(name, data, out):
    X, y, X_test, names, categorical, params, rounds = data
    model_path = os.path.join(out, f"{name}.txt")
    print(f"{name}: training {rounds} trees on {X.shape[0]} x {X.shape[1]} ...", flush=True)
    booster = train(X, y, names, categorical, params, rounds, model_path)
    raw = booster.predict(X_test, raw_score=True)
    prob = booster.predict(X_test)
    write_f64(os.path.join(out, f"{name}.rows.f64"), X_test)
    write_f64(os.path.join(out, f"{name}.raw.f64"), raw)
    write_f64(os.path.join(out, f"{name}.prob.f64"), prob)
    print(f"{name}: converting to ONNX ...", flush=True)
    opsets = to_onnx(booster, X.shape[1], os.path.join(out, f"{name}.onnx"))
    to_onnx(raw_booster(model_path), X.shape[1], os.path.join(out, f"{name}.raw.onnx"))
    dump = booster.dump_model()
    leaves = [t["num_leaves"] for t in dump["tree_info"]]
    return {
        "numFeatures": X.shape[1],
        "numRows": X_test.shape[0],
        "numTrees": len(leaves),
        "meanLeaves": sum(leaves) / len(leaves),
        "categorical": categorical,
        "params": params,
        "onnxOpsets": opsets,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "bench", ".models"))
    ap.add_argument("--fraud-csv", default=os.path.join(REPO, "..", "shared", "data", "fraud", "fraud_ecommerce.csv"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    models = {
        "synthetic": build("synthetic", synthetic(np.random.default_rng(20240501)), args.out),
        "fraud": build("fraud", fraud(np.random.default_rng(20240502), args.fraud_csv), args.out),
    }
    manifest = {
        "models": models,
        "versions": {
            "python": platform.python_version(),
            "lightgbm": lgb.__version__,
            "numpy": np.__version__,
            "onnx": onnx.__version__,
            "onnxmltools": onnxmltools.__version__,
            "onnxconverter_common": onnxconverter_common.__version__,
            "targetOpset": TARGET_OPSET,
        },
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=2)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
