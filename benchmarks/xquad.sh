#!/usr/bin/env bash
# XQuAD retrieval figures: English questions against paragraphs in other languages.
#   benchmarks/xquad.sh PATH/TO/xquad   (the folder with xquad.en.json, xquad.de.json, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/xquad}
mixed=ar,de,el,en,es,hi,ro,ru,th,tr,vi,zh
for pool in en de es zh "$mixed"; do
    echo "== pool: $pool"
    .venv/bin/newsdesk eval "$data/xquad.en.json" --pool "$pool" --json
done
