#!/usr/bin/env bash
# JSON core benchmark: Inlet's parser and writer against orjson on the same generated file.
# Usage: Benchmarks/json.sh [RECORDS] [ROUNDS]     (default 200000 records, best of 3 rounds)
# Prints each side's records/s and, last, the ratios inlet/orjson. Never fails on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-200000}"
rounds="${2:-3}"
data="${TMPDIR:-/tmp}/inlet-json-bench-$records.jsonl"

[[ -f "$data" ]] || python3 Benchmarks/generate_records.py "$records" "$data"
python3 -c "import orjson" 2>/dev/null || python3 -m pip install --quiet orjson
swift build -c release --product JSONBenchmark >&2

inlet_out=$(.build/release/JSONBenchmark "$data" "$rounds")
orjson_out=$(python3 Benchmarks/orjson_benchmark.py "$data" "$rounds")
echo "$inlet_out"
echo "$orjson_out"
rate() { echo "$1" | grep "$2 records/s" | awk '{print $NF}'; }
awk -v ip="$(rate "$inlet_out" parse)" -v op="$(rate "$orjson_out" parse)" \
    -v iw="$(rate "$inlet_out" write)" -v ow="$(rate "$orjson_out" write)" \
    'BEGIN { printf "ratio parse inlet/orjson: %.2f\nratio write inlet/orjson: %.2f\n", ip / op, iw / ow }'
