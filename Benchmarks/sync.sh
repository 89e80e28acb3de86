#!/usr/bin/env bash
# End-to-end sync rate: `inlet sync` (release build) of the demo manifest against the demo API
# serving COUNT records (default 1,000,000) on loopback, into a fresh data directory, in each write
# mode. Prints records/s and peak RSS per mode. Never fails on timing.
# Usage: Benchmarks/sync.sh [COUNT] [extra inlet sync options...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${1:-1000000}"
shift || true
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product inlet >&2
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 demo/items_api.py "$count" 0 > "$work/port" &
server=$!
for _ in $(seq 600); do [[ -s "$work/port" ]] && break; sleep 0.1; done
echo "{\"api_url\": \"http://127.0.0.1:$(cat "$work/port")\"}" > "$work/config.json"
for mode in append overwrite merge; do
  /usr/bin/time -f "%M" -o "$work/$mode.rss" .build/release/inlet sync --manifest-path manifests/demo-items/manifest.yaml \
    --config "$work/config.json" --data-dir "$work/$mode" --mode "$mode" "$@" | head -1 | tee "$work/$mode.out"
  echo "$mode: $(grep -o '([0-9]* records/s)' "$work/$mode.out" | tr -d '()'), peak RSS $(( $(tail -1 "$work/$mode.rss") / 1024 )) MiB"
done
