#!/usr/bin/env bash
# Latency-bound read: Inlet against the Python Airbyte CDK (airbyte-cdk 7.39.1) on one loopback API
# that answers every page after DELAY seconds, as a remote API would: STREAMS streams x PAGES pages
# of 100 records, the same manifest and catalog for both, once with a concurrency_level of STREAMS
# and once without one. Runs alternate so both see the same machine.
# Usage: Benchmarks/multistream.sh [RUNS] [DELAY] [STREAMS] [PAGES]   (default 3 runs, 0.1 s, 8 streams, 5 pages)
# Env: INLET, CDK_VENV (see Benchmarks/side_by_side.sh). Prints each run, then per manifest the
# medians of wall time and peak RSS and Inlet's wall time as a fraction of the CDK's; the floor is
# PAGES x DELAY. Never fails on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-3}"
delay="${2:-0.1}"
streams="${3:-8}"
pages="${4:-5}"
here=Benchmarks/multistream
source Benchmarks/side_by_side.sh
start_server "$here/latency_server.py" --delay "$delay" --pages "$pages"
echo "{\"api_url\": \"http://127.0.0.1:$port\"}" > "$work/config.json"
python3 "$here/make_manifest.py" "$streams" "$work/concurrent.yaml" "$work/catalog.json" --concurrency "$streams"
python3 "$here/make_manifest.py" "$streams" "$work/default.yaml" "$work/catalog.json"
expected=$(( streams * pages * 100 ))

# manifest, name, then the command: appends "wall_seconds peak_rss_kib" to $work/<manifest>.<name>
measure() {
  local manifest="$1" name="$2"; shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" read --config "$work/config.json" --catalog "$work/catalog.json" \
    --manifest-path "$work/$manifest.yaml" > "$work/out" 2> /dev/null || true
  local records wall rss
  records="$(grep -c '"type":"RECORD"' "$work/out" || true)"
  read -r wall rss < "$work/time"
  echo "$manifest manifest, $name: $records of $expected records in ${wall}s, peak RSS $((rss / 1024)) MiB"
  echo "$wall $rss" >> "$work/$manifest.$name"
}
for run in $(seq "$runs"); do
  for manifest in concurrent default; do
    measure "$manifest" cdk "$cdk"
    measure "$manifest" inlet "$INLET"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "floor: $pages pages x ${delay}s = $(awk -v p="$pages" -v d="$delay" 'BEGIN { print p * d }')s per stream"
for manifest in concurrent default; do
  label=$([[ $manifest == concurrent ]] && echo "concurrency_level $streams" || echo "no concurrency_level")
  cdk_wall=$(cut -d' ' -f1 "$work/$manifest.cdk" | median); inlet_wall=$(cut -d' ' -f1 "$work/$manifest.inlet" | median)
  cdk_rss=$(cut -d' ' -f2 "$work/$manifest.cdk" | median); inlet_rss=$(cut -d' ' -f2 "$work/$manifest.inlet" | median)
  printf '%-22s CDK %6.2fs %4d MiB   Inlet %6.2fs %4d MiB   Inlet/CDK wall %.3f\n' "$label:" "$cdk_wall" $((${cdk_rss%.*} / 1024)) \
    "$inlet_wall" $((${inlet_rss%.*} / 1024)) "$(awk -v a="$inlet_wall" -v b="$cdk_wall" 'BEGIN { print a / b }')"
done
