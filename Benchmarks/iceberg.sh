#!/usr/bin/env bash
# Iceberg append benchmark: Inlet against pyiceberg, appending the same ROWS 15-column API-like rows to
# a new table (SQLite catalog, local warehouse, zstd), in one run. Prints rows/s and peak RSS of each
# and the ratios. Usage: Benchmarks/iceberg.sh [ROWS]   (default 1,000,000). Never fails on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-1000000}"
python="${INLET_PYTHON:-$HOME/.cache/inlet-iceberg/venv/bin/python}"
[[ -x "$python" ]] || { echo "needs the reference venv: run .ci/run once (or set INLET_PYTHON)" >&2; exit 2; }
swift build -c release --product IcebergBenchmark >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inlet" "$work/pyiceberg"
/usr/bin/time -f "%M" -o "$work/inlet.rss" .build/release/IcebergBenchmark "$work/inlet" "$rows" | tee "$work/inlet.out"
/usr/bin/time -f "%M" -o "$work/py.rss" "$python" Benchmarks/iceberg_pyiceberg.py "$work/pyiceberg" "$rows" | tee "$work/py.out"
inlet_rate=$(awk '/rows\/s/ {print $NF}' "$work/inlet.out")
py_rate=$(awk '/rows\/s/ {print $NF}' "$work/py.out")
inlet_rss=$(tail -1 "$work/inlet.rss")
py_rss=$(tail -1 "$work/py.rss")
echo "inlet peak RSS: $((inlet_rss / 1024)) MiB; pyiceberg peak RSS: $((py_rss / 1024)) MiB"
awk -v a="$inlet_rate" -v b="$py_rate" -v m="$inlet_rss" -v n="$py_rss" \
  'BEGIN { printf "ratio rows/s inlet/pyiceberg: %.1f\nratio peak RSS pyiceberg/inlet: %.1f\n", a / b, n / m }'
