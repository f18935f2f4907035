#!/usr/bin/env bash
# Rebuilds models/fraud-ecommerce.txt, the default fraud model of `serve`:
# the point-in-time features of every row of the Fraud_Data prefix, and our
# own trainer with the fraud parameters of host/fraud/eval.ts (FRAUD_PARAMS),
# on all rows (no hold-out; docs/FRAUD.md has the held-out figures).
#   bash scripts/models/make-fraud-model.sh [DATA_DIR]   (default ../shared/data/fraud)
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-../shared/data/fraud}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node dist/host/cli/main.js features --source fraud-ecommerce --data "$data/fraud_ecommerce.csv" \
  --ip-country "$data/ip_to_country.csv" --out "$tmp/features.csv"
# The first column is the input row number: a key, not a feature.
cut -d, -f2- "$tmp/features.csv" > "$tmp/train.csv"
node dist/host/cli/main.js train --data "$tmp/train.csv" --label class --out models/fraud-ecommerce.txt \
  --trees 300 --learning-rate 0.05 --leaves 4 --min-data-in-leaf 100 --feature-fraction 0.8 \
  --lambda-l2 1 --valid-fraction 0 --early-stopping-rounds 0 --seed 1
