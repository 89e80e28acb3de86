#!/usr/bin/env bash
# The README's main job: serve the demo API on loopback, sync it with `inlet sync` into ./inlet-data
# (local Iceberg warehouse, SQLite catalog and state), then stop the API. Needs only python3.
# Usage: demo/sync.sh [COUNT] [extra inlet sync options...]   (COUNT items, default 4000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
inlet="${INLET:-$root/.build/release/inlet}"
[[ -x "$inlet" ]] || inlet="$root/.build/debug/inlet"
count="${1:-4000}"
shift || true
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$root/demo/items_api.py" "$count" 0 > "$work/port" &
server=$!
for _ in $(seq 50); do [[ -s "$work/port" ]] && break; sleep 0.1; done
echo "{\"api_url\": \"http://127.0.0.1:$(cat "$work/port")\"}" > "$work/config.json"
"$inlet" sync --manifest-path "$root/manifests/demo-items/manifest.yaml" --config "$work/config.json" "$@"
