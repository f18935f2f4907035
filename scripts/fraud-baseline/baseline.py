#!/usr/bin/env python3
"""The published fraud baseline of ../shared/data/README.md, recomputed: a
LightGBM model on 10 simple point-in-time features (time since signup, value,
age, sex, source, browser, purchase hour, weekday, signup hour, prior
purchases on the same device), on the random split (seeded stratified 25%)
and on the time split (the latest 25% of purchases), the same splits
`streamscore eval fraud` uses in spirit. Prints one JSON line per split.

    python baseline.py /work/shared/data/fraud/fraud_ecommerce.csv [--seeds 1 2 3]

Needs lightgbm, pandas, scikit-learn (scripts/fraud-baseline/requirements.txt).
"""
import argparse, json
import numpy as np, pandas as pd, lightgbm as lgb
from sklearn.metrics import roc_auc_score, average_precision_score


def features(raw):
    pt = pd.to_datetime(raw["purchase_time"])
    st = pd.to_datetime(raw["signup_time"])
    # Prior purchases on the same device: purchases strictly earlier in time.
    order = np.lexsort((np.arange(len(raw)), pt.values))
    prior = np.zeros(len(raw))
    seen = {}
    for i in order:
        dev = raw["device_id"].iat[i]
        prior[i] = seen.get(dev, 0)
        seen[dev] = seen.get(dev, 0) + 1
    cat = lambda c: raw[c].astype("category").cat.codes
    return pd.DataFrame({
        "seconds_since_signup": (pt - st).dt.total_seconds(),
        "value": raw["purchase_value"], "age": raw["age"],
        "sex": cat("sex"), "source": cat("source"), "browser": cat("browser"),
        "hour": pt.dt.hour, "weekday": pt.dt.weekday, "signup_hour": st.dt.hour,
        "device_prior_purchases": prior,
    }), pt


def holdout(y, pt, split, seed):
    n = len(y)
    test = np.zeros(n, bool)
    if split == "time":
        order = np.lexsort((np.arange(n), pt.values))
        test[order[round(n * 0.75):]] = True
        return test
    rng = np.random.default_rng(seed)
    for cls in (0, 1):
        rows = np.flatnonzero(y == cls)
        test[rng.choice(rows, round(len(rows) * 0.25), replace=False)] = True
    return test


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    a = ap.parse_args()
    raw = pd.read_csv(a.data)
    X, pt = features(raw)
    y = raw["class"].values
    for split in ("random", "time"):
        aucs, aps = [], []
        for seed in (a.seeds if split == "random" else a.seeds[:1]):
            test = holdout(y, pt, split, seed)
            params = dict(objective="binary", verbose=-1, seed=seed, num_threads=1)
            m = lgb.train(params, lgb.Dataset(X[~test], y[~test], categorical_feature=["sex", "source", "browser"]), 100)
            p = m.predict(X[test])
            aucs.append(roc_auc_score(y[test], p))
            aps.append(average_precision_score(y[test], p))
        print(json.dumps({"split": split, "auc": float(np.mean(aucs)), "prAuc": float(np.mean(aps)), "runs": len(aucs), "lightgbm": lgb.__version__}))


if __name__ == "__main__":
    main()
