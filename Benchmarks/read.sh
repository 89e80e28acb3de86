#!/usr/bin/env bash
# Read benchmark: Inlet against the Python Airbyte CDK (source-declarative-manifest, airbyte-cdk 7.39.1)
# on the same loopback API, manifest and catalog, runs alternating so both see the same machine.
# Usage: Benchmarks/read.sh [PAGES] [RUNS]      (default 100 pages x 1000 records, 3 runs each)
# Env: INLET (default: .build/release/inlet, built as the README's release build), CDK_VENV (a venv with airbyte-cdk;
# default as Benchmarks/side_by_side.sh finds it).
# Prints each run, then medians and the ratios: records/s, peak RSS, start-up (`spec` wall time).
# Never fails on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pages="${1:-100}"
runs="${2:-3}"
here=Benchmarks/read
source Benchmarks/side_by_side.sh
start_server "$here/api_server.py" --pages "$pages" --max-requests $(( (pages + 2) * runs * 2 + 10 ))
echo "{\"api_url\": \"http://127.0.0.1:$port\", \"limit\": 1000}" > "$work/config.json"

# name, then the command: appends "records wall_seconds peak_rss_kib" to $work/<name>.read
measure_read() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" read --config "$work/config.json" \
    --catalog "$here/catalog.json" --manifest-path "$here/orders.yaml" > "$work/out" 2> /dev/null || true
  local records wall rss
  records="$(grep -c '"type":"RECORD"' "$work/out" || true)"
  read -r wall rss < "$work/time"
  echo "$name read: $records records in ${wall}s, peak RSS $((rss / 1024)) MiB"
  echo "$records $wall $rss" >> "$work/$name.read"
}
# name, then the command: appends the wall seconds of `spec` (best of 5) to $work/<name>.start
measure_start() {
  local name="$1"; shift
  python3 - "$@" spec --manifest-path "$here/orders.yaml" >> "$work/$name.start" <<'PY'
import subprocess, sys, time
best = float("inf")
for _ in range(5):
    started = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    best = min(best, time.perf_counter() - started)
print(best)
PY
}

for _ in $(seq "$runs"); do
  measure_read cdk "$cdk"
  measure_read inlet "$INLET"
  measure_start cdk "$cdk"
  measure_start inlet "$INLET"
done

python3 - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
def reads(name):
    rows = [list(map(float, line.split())) for line in open(f"{work}/{name}.read")]
    rate = statistics.median(r[0] / max(r[1], 0.001) for r in rows)
    return rate, statistics.median(r[2] for r in rows) / 1024, statistics.median(r[0] for r in rows)
def start(name):
    return statistics.median(float(line) for line in open(f"{work}/{name}.start"))
(c_rate, c_rss, c_records), (i_rate, i_rss, i_records) = reads("cdk"), reads("inlet")
c_start, i_start = start("cdk"), start("inlet")
print(f"cdk:   {c_rate:,.0f} records/s, {c_rss:.0f} MiB peak RSS, start-up {c_start * 1000:.1f} ms")
print(f"inlet: {i_rate:,.0f} records/s, {i_rss:.0f} MiB peak RSS, start-up {i_start * 1000:.1f} ms")
same = "" if c_records == i_records and c_records > 0 else f"  (record counts differ: cdk {c_records:.0f}, inlet {i_records:.0f})"
print(f"ratio records/s inlet/cdk: {i_rate / c_rate:.1f}{same}")
print(f"ratio peak RSS cdk/inlet: {c_rss / i_rss:.1f}")
print(f"ratio start-up cdk/inlet: {c_start / max(i_start, 0.001):.1f}")
PY
