#!/usr/bin/env bash
# Process host forwarding: LINES pre-built RECORD lines (~300 bytes each) written by a child
# (`cat FILE`) and read by ProcessConnector into messages, against a plain `cat FILE | wc -l` in
# the same run; prints lines/s and the ratio. Never fails on timing.
# Usage: Benchmarks/forward.sh [LINES]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lines="${1:-1000000}"
swift build -c release --product ForwardBenchmark >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$lines" > "$work/records.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"type": "RECORD", "record": {"stream": "orders", "emitted_at": 1700000000000, "data": {
        "id": i, "reference": "ord_%08d" % i, "customer": {"id": i // 3, "email": "buyer%d@shop.example" % (i // 3)},
        "total": round(i * 1.37, 2), "paid": i % 2 == 0, "labels": ["batch-%d" % (i % 7), "lane-%d" % (i % 3)],
        "created": "2024-01-01T00:00:00Z", "note": "Deliver to the side entrance; ring twice."}}}))
PY
start=$(date +%s.%N); cat "$work/records.jsonl" | wc -l > /dev/null; end=$(date +%s.%N)
cat_rate=$(awk -v n="$lines" -v a="$start" -v b="$end" 'BEGIN { printf "%d", n / (b - a) }')
echo "cat lines/s: $cat_rate"
.build/release/ForwardBenchmark "$work/records.jsonl" | tee "$work/inlet.out"
inlet_rate=$(awk '/lines\/s/ {print $NF}' "$work/inlet.out")
awk -v a="$inlet_rate" -v b="$cat_rate" 'BEGIN { printf "ratio inlet/cat: %.2f\n", a / b }'
