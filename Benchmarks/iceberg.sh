#!/usr/bin/env bash
# Iceberg benchmarks: Inlet against pyiceberg in one run, same rows (15 API-like columns), SQLite
# catalog, local warehouse, zstd.
#  1. append ROWS rows to a new table (pyiceberg from Python dicts): rows/s and peak RSS, ratios;
#     Inlet's rate is with two writer threads (the machine has two cores), its one-thread rate beside;
#  2. merge MERGE rows (half updates of the newest ids, half new ids) into a table of ROWS rows
#     appended in 10 commits (pyiceberg: Table.upsert): merge rows/s, ratio.
# Usage: Benchmarks/iceberg.sh [ROWS] [MERGE]   (defaults 1,000,000 and 100,000). Never fails on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-1000000}"
merge="${2:-100000}"
python="${INLET_PYTHON:-$HOME/.cache/inlet-iceberg/venv/bin/python}"
[[ -x "$python" ]] || { echo "needs the reference venv: run .ci/run once (or set INLET_PYTHON)" >&2; exit 2; }
swift build -c release --product IcebergBenchmark >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inlet" "$work/pyiceberg"
/usr/bin/time -f "%M" -o "$work/inlet.rss" .build/release/IcebergBenchmark "$work/inlet" "$rows" | tee "$work/inlet.out"
/usr/bin/time -f "%M" -o "$work/py.rss" "$python" Benchmarks/iceberg_pyiceberg.py "$work/pyiceberg" "$rows" | tee "$work/py.out"
inlet_rate=$(awk '/append rows\/s:/ {print $NF}' "$work/inlet.out")
inlet_one_thread=$(awk '/append rows\/s \(one thread\)/ {print $NF}' "$work/inlet.out")
py_rate=$(awk '/append rows\/s/ {print $NF}' "$work/py.out")
inlet_rss=$(tail -1 "$work/inlet.rss")
py_rss=$(tail -1 "$work/py.rss")
echo "inlet peak RSS: $((inlet_rss / 1024)) MiB; pyiceberg peak RSS: $((py_rss / 1024)) MiB"
awk -v a="$inlet_rate" -v b="$py_rate" -v m="$inlet_rss" -v n="$py_rss" \
  -v o="$inlet_one_thread" \
  'BEGIN { printf "ratio append rows/s inlet/pyiceberg: %.1f (one thread: %.1f)\nratio append peak RSS pyiceberg/inlet: %.1f\n", a / b, o / b, n / m }'

mkdir -p "$work/inlet-merge" "$work/pyiceberg-merge"
/usr/bin/time -f "%M" -o "$work/inlet-merge.rss" .build/release/IcebergBenchmark "$work/inlet-merge" "$rows" 10 "$merge" | tee "$work/inlet-merge.out"
/usr/bin/time -f "%M" -o "$work/py-merge.rss" "$python" Benchmarks/iceberg_pyiceberg_merge.py "$work/pyiceberg-merge" "$rows" 10 "$merge" | tee "$work/py-merge.out"
inlet_merge=$(awk '/merge rows\/s/ {print $NF}' "$work/inlet-merge.out")
py_merge=$(awk '/merge rows\/s/ {print $NF}' "$work/py-merge.out")
echo "merge peak RSS (whole process): inlet $(( $(tail -1 "$work/inlet-merge.rss") / 1024 )) MiB; pyiceberg $(( $(tail -1 "$work/py-merge.rss") / 1024 )) MiB"
awk -v a="$inlet_merge" -v b="$py_merge" 'BEGIN { printf "ratio merge rows/s inlet/pyiceberg: %.1f\n", a / b }'
