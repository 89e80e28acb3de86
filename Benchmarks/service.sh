#!/usr/bin/env bash
# The ingestion service under load, on loopback, with the release build:
#   1. wrk on GET /api/v1/sources with a valid token: requests/s and latency percentiles
#      (goal: >= 5,000 requests/s, p99 <= 10 ms on 2 cores);
#   2. a sync of COUNT demo records (default 1,000,000) through the service against `inlet sync` of
#      the same API and connector (goal: the service within 10%);
#   3. 20 connections triggered at once: how they end, the wall time, the service's peak RSS.
# Needs wrk (apt-get install wrk). Never fails on timing.
# Usage: Benchmarks/service.sh [COUNT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${1:-1000000}"
command -v wrk >/dev/null && command -v bc >/dev/null || .ci/install-packages wrk bc
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product inlet >&2
inlet="$PWD/.build/release/inlet"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 demo/items_api.py "$count" 0 > "$work/api-port" &
pids+=($!)
"$inlet" serve --port 0 --insecure-dev-auth --dev-tenant bench --data-dir "$work/service" --max-concurrent-syncs 2 2> "$work/serve.log" &
serve=$!
pids+=($serve)
# The demo API renders its records first: a million take a few seconds.
for _ in $(seq 600); do grep -q "serving on" "$work/serve.log" 2>/dev/null && [[ -s "$work/api-port" ]] && break; sleep 0.1; done
port=$(grep -o 'serving on http://127.0.0.1:[0-9]*' "$work/serve.log" | cut -d: -f3)
token=$(grep -o 'valid 24 h: .*' "$work/serve.log" | cut -d' ' -f4)
api="http://127.0.0.1:$port/api/v1"
auth=(-H "Authorization: Bearer $token" -H "X-Tenant-Id: bench" -H "Content-Type: application/json")
id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
source_id=$(curl -s "${auth[@]}" -X POST "$api/sources" \
  -d '{"name": "demo", "connectorType": "demo-items", "connectionConfig": {"api_url": "http://127.0.0.1:'"$(cat "$work/api-port")"'"}}' | id)

for connections in 10 50; do
  echo "== 1. GET /api/v1/sources under wrk (2 threads, $connections connections, 10 s)"
  wrk -t2 -c$connections -d10s --latency -H "Authorization: Bearer $token" -H "X-Tenant-Id: bench" "$api/sources" > "$work/wrk.txt"
  grep -E "Requests/sec|^ +50%|^ +99%" "$work/wrk.txt"
done

echo "== 2. $count records: the service against inlet sync (2 rounds, alternating)"
# Polls cheaply (grep, not a Python per poll), so that polling takes no CPU from the sync.
wait_for() { while curl -s "${auth[@]}" "$api/syncs/$1" | grep -q '"status":"\(RUNNING\|PENDING\)"'; do sleep 0.05; done; }
echo '{"api_url": "http://127.0.0.1:'"$(cat "$work/api-port")"'"}' > "$work/config.json"
for round in 1 2; do
  connection=$(curl -s "${auth[@]}" -X POST "$api/connections" \
    -d '{"sourceId": "'"$source_id"'", "name": "all '$round'", "syncMode": "INCREMENTAL", "writeMode": "overwrite", "targetSchema": "round'$round'"}' | id)
  started=$(date +%s.%N)
  sync=$(curl -s "${auth[@]}" -X POST "$api/syncs/connections/$connection/trigger" | id)
  wait_for "$sync"
  service_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  started=$(date +%s.%N)
  "$inlet" sync --connector demo-items --config "$work/config.json" --data-dir "$work/cli$round" --mode overwrite > /dev/null 2>&1
  cli_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  echo "round $round: service $(curl -s "${auth[@]}" "$api/syncs/$sync" | grep -o '"status":"[A-Z]*"' | head -1) ${service_seconds}s," \
       "inlet sync ${cli_seconds}s, service / inlet sync $(echo "scale=3; $service_seconds / $cli_seconds" | bc)"
done

echo "== 3. 20 connections triggered at once"
connections=()
for n in $(seq 20); do
  connections+=("$(curl -s "${auth[@]}" -X POST "$api/connections" -d '{"sourceId": "'"$source_id"'", "name": "c'"$n"'", "targetSchema": "c'"$n"'"}' | id)")
done
started=$(date +%s.%N)
syncs=()
for connection in "${connections[@]}"; do syncs+=("$(curl -s "${auth[@]}" -X POST "$api/syncs/connections/$connection/trigger" | id)"); done
for sync in "${syncs[@]}"; do
  wait_for "$sync"
  curl -s "${auth[@]}" "$api/syncs/$sync" | grep -o '"status":"[A-Z]*"' | head -1
done | sort | uniq -c
echo "20 syncs in $(echo "$(date +%s.%N) - $started" | bc)s; the service's peak RSS: $(awk '/VmHWM/ {print int($2 / 1024) " MiB"}' /proc/$serve/status)"
