"""Writes test/fixtures/train/: a small CSV and the models LightGBM trains on
it, for test/train-matches-lightgbm-trees.test.ts (our trainer must grow the
same first trees: same bins, splits, thresholds, missing-value directions).

  ~/.cache/streamscore/train-venv/bin/python scripts/train-check/make_fixture.py
"""

import json
import os

import lightgbm as lgb
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "train")
PARAMS = {
    "num_leaves": 15, "learning_rate": 0.1, "min_data_in_leaf": 20, "max_bin": 63, "lambda_l2": 0.5,
    "num_threads": 1, "deterministic": True, "verbose": -1, "seed": 1,
}
TREES = 10
# name: objective and parameters on top of PARAMS. Feature fractions of 0.3
# and 0.7 of the 7 usable features take both of LightGBM's sampling branches;
# bagging draws a bag per tree (bagging_freq 1, as streamscore does).
MODELS = {
    "lightgbm_binary": {"objective": "binary"},
    "lightgbm_regression": {"objective": "regression"},
    "lightgbm_binary_sampled": {"objective": "binary", "feature_fraction": 0.3, "seed": 11, "max_depth": 4},
    "lightgbm_regression_sampled": {"objective": "regression", "feature_fraction": 0.7, "seed": 12, "min_gain_to_split": 1.0},
    "lightgbm_binary_bagged": {"objective": "binary", "bagging_fraction": 0.6, "bagging_freq": 1, "seed": 13},
}


def data(n=2000, seed=3):
    g = np.random.default_rng(seed)
    X = np.empty((n, 8))
    X[:, 0] = g.normal(size=n)
    X[:, 1] = g.normal(size=n)
    X[:, 1][g.random(n) < 0.2] = np.nan  # missing at random
    X[:, 2] = np.where(g.random(n) < 0.4, 0.0, g.normal(size=n) * 3)  # many zeros, both signs
    X[:, 3] = g.integers(0, 10, size=n)  # few distinct values
    X[:, 4] = g.lognormal(size=n)  # all positive, long tail
    X[:, 5] = g.uniform(-1, 1, size=n)
    X[:, 6] = -g.exponential(size=n)  # all negative
    X[:, 7] = 4.0  # constant: cannot split
    X = np.round(X, 4)  # a smaller file; still mostly distinct values
    margin = 1.2 * X[:, 0] + np.nan_to_num(X[:, 1]) * X[:, 5] + 0.3 * X[:, 2] + (X[:, 3] > 6) - 0.5 * np.log(X[:, 4]) + 0.4 * X[:, 6]
    miss = g.random(n) < 0.25
    margin += 1.0 * miss
    X[miss, 5] = np.nan  # missingness carries signal
    label = (g.random(n) < 1 / (1 + np.exp(-margin))).astype(int)
    target = np.round(margin + g.normal(scale=0.5, size=n), 4)
    return X, label, target


def main():
    os.makedirs(OUT, exist_ok=True)
    X, label, target = data()
    names = [f"x{i}" for i in range(X.shape[1])]
    with open(os.path.join(OUT, "data.csv"), "w") as f:
        f.write(",".join(["label", "target"] + names) + "\n")
        for y, t, row in zip(label.tolist(), target.tolist(), X.tolist()):
            f.write(f"{y},{t!r}," + ",".join("" if v != v else repr(v) for v in row) + "\n")
    for name, extra in MODELS.items():
        y = label if extra["objective"] == "binary" else target
        b = lgb.train({**PARAMS, **extra}, lgb.Dataset(X, y, feature_name=names), num_boost_round=TREES)
        b.save_model(os.path.join(OUT, f"{name}.txt"))
    with open(os.path.join(OUT, "params.json"), "w") as f:
        json.dump({**PARAMS, "trees": TREES, "lightgbm": lgb.__version__, "models": MODELS}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
