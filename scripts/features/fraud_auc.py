"""Sanity check of the fraud features' signal: LightGBM on the output of
`streamscore features`, with a seeded stratified random 75/25 split by row
(the protocol of shared/data/README.md) and a time split (first 75% of the
purchases in time order, which is the file's row order, for training).

    python scripts/features/fraud_auc.py /tmp/fraud_features.csv [--seeds 5]

Needs numpy, scikit-learn and lightgbm (a venv under ~/.cache/streamscore/).
Reports ROC-AUC and PR-AUC; the published 10-simple-feature LightGBM
baseline on the random split is ROC-AUC 0.765, PR-AUC 0.61.
"""
import argparse
import csv

import lightgbm as lgb
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    data = np.array([[float(v) if v != "" else np.nan for v in r] for r in rows[1:]])
    names = header[1:-1]
    return names, data[:, 1:-1], data[:, -1].astype(int)


def fit_score(names, x_tr, y_tr, x_te, y_te, seed):
    params = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_data_in_leaf=40,
                  feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1, seed=seed, verbose=-1)
    model = lgb.train(params, lgb.Dataset(x_tr, y_tr, feature_name=names), num_boost_round=300)
    p = model.predict(x_te)
    return roc_auc_score(y_te, p), average_precision_score(y_te, p), model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    names, x, y = load(args.features)
    print(f"{len(y)} rows, {len(names)} features, {y.mean():.3f} fraud")
    aucs, aps = [], []
    for seed in range(args.seeds):
        tr, te = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=seed)
        auc, ap_, model = fit_score(names, x[tr], y[tr], x[te], y[te], seed)
        aucs.append(auc)
        aps.append(ap_)
    print(f"random stratified 75/25, {args.seeds} seeds: ROC-AUC {np.mean(aucs):.4f} (+-{np.std(aucs):.4f}), PR-AUC {np.mean(aps):.4f}")
    cut = int(len(y) * 0.75)
    auc, ap_, _ = fit_score(names, x[:cut], y[:cut], x[cut:], y[cut:], 0)
    print(f"time split (first 75% of purchases train): ROC-AUC {auc:.4f}, PR-AUC {ap_:.4f}")
    gain = model.feature_importance("gain")
    top = sorted(zip(gain, names), reverse=True)[:12]
    print("top features by gain (last random-split model): " + ", ".join(f"{n} {g:.0f}" for g, n in top))


if __name__ == "__main__":
    main()
