"""Quality and exactness of `streamscore train` against LightGBM itself.

For each dataset: a seeded stratified split into a training part and a held-out
test part; `streamscore train` on the training part (it splits off its own
validation rows, seeded and stratified); LightGBM trained with the same
parameters on the same training and validation rows (the validation rows are
taken from streamscore's own split code); then on the test part:
  (i)  our model file loaded by lightgbm.Booster: its raw scores against our
       WASM scorer's (`streamscore score --raw`), max abs difference;
  (ii) ROC-AUC of our model and of LightGBM's, and both training times (one
       thread each; ours is the trainer's own time, binning included, CSV
       reading not; LightGBM's is lgb.train, Dataset construction included).
Datasets: "synthetic" (generated here: 100k rows, 30 features, nonlinear
interactions, missing values, 10% positives) and "fraud"
(/work/shared/data/fraud/fraud_ecommerce.csv, read in place, turned into
numeric features here).

  python check.py [--dataset synthetic|fraud|all] [--work DIR] [--trees N] ...
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime

import lightgbm as lgb
import numpy as np
from scipy.stats import rankdata

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "dist", "host", "cli", "main.js")
FRAUD = os.environ.get("FRAUD_CSV", "/work/shared/data/fraud/fraud_ecommerce.csv")


def auc(y, s):
    """ROC-AUC (Mann-Whitney, ties count one half)."""
    y = np.asarray(y)
    r = rankdata(s)
    npos = int(y.sum())
    nneg = len(y) - npos
    return (r[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def synthetic(rows=100_000, seed=20240611):
    """30 features: mixed distributions, correlated pairs, interactions,
    thresholds, missing values (some at random, one whose missingness carries
    signal); the intercept puts positives near 10%."""
    g = np.random.default_rng(seed)
    n = rows
    X = np.empty((n, 30))
    X[:, 0:8] = g.normal(size=(n, 8))
    X[:, 8:12] = g.uniform(-2, 2, size=(n, 4))
    X[:, 12:16] = g.lognormal(0, 1, size=(n, 4))
    X[:, 16:20] = g.poisson(3, size=(n, 4))
    X[:, 20:24] = X[:, 0:4] * 0.7 + g.normal(scale=0.7, size=(n, 4))  # correlated copies
    X[:, 24:27] = g.integers(0, 12, size=(n, 3))  # small-cardinality codes
    X[:, 27:30] = g.normal(size=(n, 3))  # pure noise
    margin = (
        1.2 * np.sin(1.5 * X[:, 0])
        + 0.9 * X[:, 1] * X[:, 2]
        + 1.0 * ((X[:, 3] > 0.8) & (X[:, 8] < 0))
        + 0.6 * np.log1p(X[:, 12])
        - 0.25 * X[:, 16]
        + 0.8 * np.tanh(X[:, 9] * X[:, 13])
        + 0.5 * np.isin(X[:, 24], [2, 5, 7])
        + 0.4 * np.abs(X[:, 10]) * (X[:, 17] > 3)
        + 0.3 * X[:, 4]
    )
    # Missing at random in six columns; in column 5 missing means riskier.
    for c, rate in [(6, 0.2), (11, 0.1), (14, 0.3), (18, 0.05), (21, 0.15), (25, 0.1)]:
        X[g.random(n) < rate, c] = np.nan
    miss5 = g.random(n) < 0.25
    margin += 0.9 * miss5
    X[miss5, 5] = np.nan
    margin += g.logistic(size=n) * 0.3
    intercept = -3.4
    y = (g.random(n) < 1 / (1 + np.exp(-(margin + intercept)))).astype(np.int64)
    names = [f"f{i:02d}" for i in range(30)]
    return names, X, y


def fraud(path=FRAUD):
    """Numeric features of the e-commerce fraud data: purchase value, age,
    codes for sex/source/browser, seconds from signup to purchase, purchase
    hour and weekday, rows sharing the device and the IP address."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    device = Counter(r["device_id"] for r in rows)
    ip = Counter(r["ip_address"] for r in rows)
    codes = {k: {v: i for i, v in enumerate(sorted({r[k] for r in rows}))} for k in ("sex", "source", "browser")}
    fmt = "%m/%d/%Y %H:%M"
    X = np.empty((len(rows), 10))
    y = np.empty(len(rows), dtype=np.int64)
    for i, r in enumerate(rows):
        signup = datetime.strptime(r["signup_time"], fmt)
        purchase = datetime.strptime(r["purchase_time"], fmt)
        X[i] = [
            float(r["purchase_value"]), float(r["age"]),
            codes["sex"][r["sex"]], codes["source"][r["source"]], codes["browser"][r["browser"]],
            (purchase - signup).total_seconds(), purchase.hour, purchase.weekday(),
            device[r["device_id"]], ip[r["ip_address"]],
        ]
        y[i] = int(r["class"])
    names = ["purchase_value", "age", "sex", "source", "browser", "signup_to_purchase_s",
             "purchase_hour", "purchase_weekday", "device_shared", "ip_shared"]
    return names, X, y


def stratified_split(y, test_fraction, seed):
    g = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        g.shuffle(idx)
        test[idx[: int(round(len(idx) * test_fraction))]] = True
    return np.flatnonzero(~test), np.flatnonzero(test)


def write_csv(path, names, X, y):
    with open(path, "w") as f:
        f.write(",".join(["label"] + names) + "\n")
        for row, label in zip(X.tolist(), y.tolist()):
            f.write(str(label) + "," + ",".join("" if v != v else repr(v) for v in row) + "\n")


def our_valid_rows(labels, fraction, seed, work):
    """Indices of the validation rows `streamscore train` takes: its own split code."""
    src = os.path.join(work, "labels.json")
    with open(src, "w") as f:
        json.dump([int(v) for v in labels], f)
    split_js = os.path.join(ROOT, "dist", "host", "train", "split.js")
    code = (
        f"import {{ validationSplit }} from {json.dumps(split_js)};"
        f"import {{ readFileSync }} from 'node:fs';"
        f"const y = Float64Array.from(JSON.parse(readFileSync({json.dumps(src)}, 'utf8')));"
        f"const s = validationSplit(y, {fraction}, {seed}, true);"
        f"process.stdout.write(JSON.stringify(Array.from(s.valid)));"
    )
    out = subprocess.run(["node", "--input-type=module", "-e", code], check=True, capture_output=True, text=True)
    return np.array(json.loads(out.stdout), dtype=np.int64)


def run(name, args):
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    names, X, y = synthetic() if name == "synthetic" else fraud()
    train_idx, test_idx = stratified_split(y, args.test_fraction, args.seed)
    Xtr, ytr, Xte, yte = X[train_idx], y[train_idx], X[test_idx], y[test_idx]
    train_csv = os.path.join(work, "train.csv")
    test_csv = os.path.join(work, "test.csv")
    write_csv(train_csv, names, Xtr, ytr)
    write_csv(test_csv, names, Xte, yte)
    print(f"== {name}: {len(y)} rows, {X.shape[1]} features, {y.mean():.2%} positive; "
          f"train {len(train_idx)}, test {len(test_idx)}")

    # Ours.
    model = os.path.join(work, "streamscore.txt")
    cmd = ["node", CLI, "train", "--data", train_csv, "--label", "label", "--out", model,
           "--trees", str(args.trees), "--leaves", str(args.leaves), "--learning-rate", str(args.learning_rate),
           "--min-data-in-leaf", str(args.min_data_in_leaf), "--feature-fraction", str(args.feature_fraction),
           "--lambda-l2", str(args.lambda_l2), "--max-bin", str(args.max_bin), "--seed", str(args.seed),
           "--valid-fraction", str(args.valid_fraction), "--early-stopping-rounds", str(args.early_stopping_rounds)]
    print("$ " + " ".join(cmd))
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    ours_wall = time.perf_counter() - t0
    sys.stdout.write(out.stderr)
    ours_time = float(out.stderr.split("time: ")[1].split(" s")[0])

    # Our scorer on the test rows; LightGBM loading our file on the same rows.
    scored = subprocess.run(["node", CLI, "score", "--model", model, "--input", test_csv, "--raw"],
                            check=True, capture_output=True, text=True)
    ours_raw = np.array([float(v) for v in scored.stdout.split()])
    lgb_reads_ours = lgb.Booster(model_file=model).predict(Xte, raw_score=True)
    diff = float(np.max(np.abs(ours_raw - lgb_reads_ours)))

    # LightGBM on the same training and validation rows, same parameters.
    valid = our_valid_rows(ytr, args.valid_fraction, args.seed, work)
    is_valid = np.zeros(len(ytr), dtype=bool)
    is_valid[valid] = True
    params = {
        "objective": "binary", "metric": "auc", "num_leaves": args.leaves, "learning_rate": args.learning_rate,
        "min_data_in_leaf": args.min_data_in_leaf, "feature_fraction": args.feature_fraction,
        "lambda_l2": args.lambda_l2, "max_bin": args.max_bin, "num_threads": 1, "seed": args.seed,
        "deterministic": True, "verbose": -1,
    }
    t0 = time.perf_counter()
    dtrain = lgb.Dataset(Xtr[~is_valid], ytr[~is_valid], feature_name=names)
    dvalid = lgb.Dataset(Xtr[is_valid], ytr[is_valid], reference=dtrain)
    callbacks = [lgb.early_stopping(args.early_stopping_rounds, verbose=False)] if args.early_stopping_rounds > 0 else []
    booster = lgb.train(params, dtrain, num_boost_round=args.trees, valid_sets=[dvalid], callbacks=callbacks)
    lgb_time = time.perf_counter() - t0
    lgb_raw = booster.predict(Xte, raw_score=True, num_iteration=booster.best_iteration or None)

    theirs = booster.model_to_string(num_iteration=booster.best_iteration or None)
    with open(os.path.join(work, "lightgbm.txt"), "w") as f:
        f.write(theirs)
    same_trees = trees_text(open(model).read()) == trees_text(theirs)
    ours_vs_lgb = float(np.max(np.abs(ours_raw - lgb_raw)))

    a_ours = auc(yte, ours_raw)
    a_lgb = auc(yte, lgb_raw)
    result = {
        "dataset": name, "rows": len(y), "features": X.shape[1], "positive_rate": float(y.mean()),
        "test_rows": len(test_idx),
        "ours": {"test_auc": a_ours, "trees": booster_trees(model), "train_seconds": ours_time, "process_seconds": ours_wall},
        "lightgbm": {"test_auc": a_lgb, "trees": booster.best_iteration or booster.num_trees(), "train_seconds": lgb_time},
        "auc_gap": a_ours - a_lgb,
        "lightgbm_reads_our_model_max_abs_diff": diff,
        "ours_vs_lightgbm_raw_max_abs_diff": ours_vs_lgb,
        "identical_trees": same_trees,
    }
    print(f"our model vs LightGBM's: trees {'identical' if same_trees else 'differ'}, max |raw diff| = {ours_vs_lgb:.3g} on the test rows")
    print(f"LightGBM reading our model vs our scorer: max |raw diff| = {diff:.3g} over {len(yte)} test rows")
    print(f"test AUC: ours {a_ours:.5f} ({result['ours']['trees']} trees, {ours_time:.2f} s)  "
          f"LightGBM {a_lgb:.5f} ({result['lightgbm']['trees']} trees, {lgb_time:.2f} s)  gap {a_ours - a_lgb:+.5f}")
    return result


def trees_text(model_text):
    """The tree blocks of a LightGBM text model (from "Tree=0" to "end of trees")."""
    start = model_text.index("Tree=0")
    return model_text[start:model_text.index("end of trees", start)]


def booster_trees(model):
    with open(model) as f:
        return sum(1 for line in f if line.startswith("Tree="))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="all", choices=["synthetic", "fraud", "all"])
    p.add_argument("--work", default="/tmp/streamscore-train-check")
    p.add_argument("--trees", type=int, default=500)
    p.add_argument("--leaves", type=int, default=31)
    p.add_argument("--learning-rate", type=float, default=0.05)
    p.add_argument("--min-data-in-leaf", type=int, default=20)
    p.add_argument("--feature-fraction", type=float, default=0.8)
    p.add_argument("--lambda-l2", type=float, default=1.0)
    p.add_argument("--max-bin", type=int, default=255)
    p.add_argument("--valid-fraction", type=float, default=0.1)
    p.add_argument("--early-stopping-rounds", type=int, default=50)
    p.add_argument("--test-fraction", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--repeats", type=int, default=1,
                   help="run each dataset with seeds seed, seed+1, ... (a new test split and training seed each)")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()
    results = []
    base = args.seed
    for d in ["synthetic", "fraud"] if args.dataset == "all" else [args.dataset]:
        for k in range(args.repeats):
            args.seed = base + k
            results.append({**run(d, args), "seed": args.seed})
    args.seed = base
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print("\n| dataset | seed | test AUC ours | test AUC LightGBM | gap | trees ours / LightGBM | same trees | train s ours / LightGBM | LightGBM reading our file vs our scorer |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        o, l = r["ours"], r["lightgbm"]
        print(f"| {r['dataset']} | {r['seed']} | {o['test_auc']:.5f} | {l['test_auc']:.5f} | {r['auc_gap']:+.5f} | "
              f"{o['trees']} / {l['trees']} | {'yes' if r['identical_trees'] else 'no'} | "
              f"{o['train_seconds']:.2f} / {l['train_seconds']:.2f} | max diff {r['lightgbm_reads_our_model_max_abs_diff']:.3g} |")
    for d in dict.fromkeys(r["dataset"] for r in results):
        gaps = [r["auc_gap"] for r in results if r["dataset"] == d]
        print(f"{d}: mean AUC gap {np.mean(gaps):+.5f} over {len(gaps)} run(s), largest |gap| {max(map(abs, gaps)):.5f} (target 0.005)")


if __name__ == "__main__":
    main()
