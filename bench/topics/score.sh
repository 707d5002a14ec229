#!/usr/bin/env bash
# Scores papersift's topics and related papers with ../shared/bench/topics/score.py, next to
# its scikit-learn baselines (their stored results: see that folder's README).
#
#   bench/topics/score.sh [N] [K]     N papers of the arXiv corpus (default 10000; 0 = all),
#                                     K top topics (default: papersift's choice for the size)
#
# The scorer is copied to a scratch folder (../shared may be read-only) with a virtualenv of
# scikit-learn, numpy, scipy and PyStemmer from PyPI; nothing is written into the project.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
K=${2:-}
SHARED=${SHARED:-../shared}
CORPUS=$(realpath "$SHARED/corpora/arxiv_cs_daily_2025-03_2026-07.jsonl.gz")
WORK=${WORK:-/tmp/papersift-topics-bench}
mkdir -p "$WORK"
if [ ! -x "$WORK/scorer/.venv/bin/python" ]; then
  rm -rf "$WORK/scorer"
  cp -r "$SHARED/bench/topics" "$WORK/scorer"
  python3 -m venv "$WORK/scorer/.venv"
  "$WORK/scorer/.venv/bin/pip" install -q scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 PyStemmer==3.1.0
fi
PY="$WORK/scorer/.venv/bin/python"
SCORE="$WORK/scorer/score.py"
if [ "$N" = 0 ]; then
  INPUT=$CORPUS
else
  INPUT=$WORK/subset-$N.jsonl
  [ -s "$INPUT" ] || "$PY" "$SCORE" --corpus "$CORPUS" --n "$N" --dump-subset "$INPUT"
fi
cargo build --release --quiet --bin papersift
INDEX=$WORK/index-$N${K:+-k$K}
/usr/bin/time -f "build: %e s wall, %M KB peak" ./target/release/papersift build "$INPUT" --out "$INDEX" \
  --layout bundle -q ${K:+--topics "$K"} > /dev/null
./target/release/papersift export topics "$INDEX" --out "$WORK/topics.json"
./target/release/papersift export topics "$INDEX" --fine --out "$WORK/subtopics.json"
./target/release/papersift export related "$INDEX" --out "$WORK/related.json"
(cd "$WORK/scorer" && "$PY" score.py --corpus "$CORPUS" --n "$N" --no-baselines \
  --topics "$WORK/topics.json" --related "$WORK/related.json" --name papersift)
(cd "$WORK/scorer" && "$PY" score.py --corpus "$CORPUS" --n "$N" --no-baselines \
  --topics "$WORK/subtopics.json" --name papersift-subtopics --skip related) | grep -E 'k=|^papersift'
