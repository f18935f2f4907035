#!/usr/bin/env python3
"""How high can the random-split ROC-AUC go on this prefix of Fraud_Data?

The purchases made within two minutes of signing up are all frauds and every
model ranks them first, so the whole-file ROC-AUC is close to
    q + (1 - q) * hard
where q is their share of the frauds and `hard` the ROC-AUC on the other rows.
This script measures q, the `hard` the 0.80 bar needs, and what LightGBM
reaches on those rows:

1. `ours`: LightGBM itself on streamscore's 85 point-in-time features, on ten
   seeded stratified 25% splits (numpy's generator: not the splits of
   `streamscore eval`), with FRAUD_PARAMS and with a more regularised setting.
2. `oracle`: the same features plus what a stream may not see: counts of
   the device, the IP and the country over the whole file (future rows too),
   the raw IP number, the absolute signup and purchase minutes, the user id
   and the country; trained on the same ten splits (`oracle-splits`), and
   trained and tested (4-fold, 3 repeats) on the hard rows alone (`oracle`).

    npx streamscore features --source fraud-ecommerce --data FRAUD.csv \
        --ip-country IP.csv --out /tmp/features.csv
    python ceiling.py FRAUD.csv IP.csv /tmp/features.csv

Needs lightgbm, pandas, scikit-learn (requirements.txt). Prints JSON lines.
"""
import argparse, json
import numpy as np, pandas as pd, lightgbm as lgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

FRAUD_PARAMS = dict(objective="binary", num_leaves=4, learning_rate=0.05, min_data_in_leaf=100,
                    feature_fraction=0.8, lambda_l2=1, verbose=-1, num_threads=2)
REGULARISED = dict(FRAUD_PARAMS, num_leaves=3, lambda_l2=50, min_sum_hessian_in_leaf=5)


def countries(raw, ranges):
    lo = ranges["lower_bound_ip_address"].to_numpy(float)
    hi = ranges["upper_bound_ip_address"].to_numpy(float)
    ip = raw["ip_address"].to_numpy(float)
    i = np.searchsorted(lo, ip, side="right") - 1
    ok = (i >= 0) & ~np.isnan(ip)
    ok[ok] &= ip[ok] <= hi[i[ok]]
    return np.where(ok, ranges["country"].to_numpy()[np.clip(i, 0, None)], "unknown")


def stratified(y, seed):
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), bool)
    for cls in (0, 1):
        rows = np.flatnonzero(y == cls)
        test[rng.choice(rows, round(len(rows) * 0.25), replace=False)] = True
    return test


def splits(X, y, quick, params):
    """ROC-AUC over ten seeded stratified 25% hold-outs, overall and on the hard rows."""
    auc, hard = [], []
    for seed in range(1, 11):
        test = stratified(y, seed)
        m = lgb.train(dict(params, seed=seed), lgb.Dataset(X[~test], y[~test]), 300)
        auc.append(roc_auc_score(y[test], m.predict(X[test])))
        h = test & ~quick
        hard.append(roc_auc_score(y[h], m.predict(X[h])))
    return {"auc": float(np.mean(auc)), "aucSd": float(np.std(auc)), "hard": float(np.mean(hard)), "splits": len(auc)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("ip_country")
    ap.add_argument("features")
    a = ap.parse_args()
    raw = pd.read_csv(a.data)
    feats = pd.read_csv(a.features)
    raw = raw.iloc[feats["row"].to_numpy() - feats["row"].min()].reset_index(drop=True)
    y = feats["class"].to_numpy()
    assert (raw["class"].to_numpy() == y).all(), "the feature rows do not line up with the data rows"
    X = feats.drop(columns=["row", "class"])
    quick = X["user_seconds_since_signup"].to_numpy() < 120
    q = y[quick].sum() / y.sum()
    print(json.dumps({"quickRows": int(quick.sum()), "quickFraudRate": float(y[quick].mean()),
                      "quickShareOfFrauds": float(q), "hardNeededFor0.80": float((0.80 - q) / (1 - q))}))

    for name, params in (("FRAUD_PARAMS", FRAUD_PARAMS), ("regularised", REGULARISED)):
        print(json.dumps(dict(model="ours", params=name, **splits(X, y, quick, params))))

    Z = X.copy()
    raw["country"] = countries(raw, pd.read_csv(a.ip_country))
    for col in ("device_id", "ip_address", "country"):
        Z["whole_file_count_" + col] = raw.groupby(col)[col].transform("count").to_numpy()
    Z["whole_file_device_ips"] = raw.groupby("device_id")["ip_address"].transform("nunique").to_numpy()
    Z["whole_file_ip_devices"] = raw.groupby("ip_address")["device_id"].transform("nunique").to_numpy()
    Z["ip_number"] = raw["ip_address"].to_numpy()
    Z["purchase_minute"] = pd.to_datetime(raw["purchase_time"]).astype("int64") // 60_000_000_000
    Z["signup_minute"] = pd.to_datetime(raw["signup_time"]).astype("int64") // 60_000_000_000
    Z["user_id"] = raw["user_id"].to_numpy()
    Z["country"] = pd.Categorical(raw["country"]).codes
    for name, params in (("FRAUD_PARAMS", FRAUD_PARAMS), ("regularised", REGULARISED)):
        print(json.dumps(dict(model="oracle-splits", params=name, **splits(Z, y, quick, params))))
    Zh, yh = Z[~quick].reset_index(drop=True), y[~quick]
    for name, params in (("FRAUD_PARAMS", FRAUD_PARAMS), ("regularised", REGULARISED)):
        hard = []
        for rep in range(3):
            for tr, te in StratifiedKFold(4, shuffle=True, random_state=rep).split(Zh, yh):
                m = lgb.train(dict(params, seed=rep), lgb.Dataset(Zh.iloc[tr], yh[tr]), 300)
                hard.append(roc_auc_score(yh[te], m.predict(Zh.iloc[te])))
        print(json.dumps({"model": "oracle", "params": name, "hard": float(np.mean(hard)), "folds": len(hard)}))


if __name__ == "__main__":
    main()
