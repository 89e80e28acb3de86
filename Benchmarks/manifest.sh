#!/usr/bin/env bash
# Manifest load benchmark: load + resolve + type a ~700 KB manifest built from the corpus's largest
# (microsoft-teams), in a release build. Needs the conformance corpus (../shared/conformance/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
corpus="${INLET_CONFORMANCE_CACHE:-$HOME/.cache/inlet-conformance}/corpus"
source_manifest="$corpus/airbyte-source-microsoft-teams-1.1.11/manifest.yaml"
[[ -f "$source_manifest" ]] || bash ../shared/conformance/setup.sh >&2
inflated="${TMPDIR:-/tmp}/inlet-manifest-bench.yaml"
(cd /tmp && python3 "$OLDPWD/Benchmarks/inflate_manifest.py" "$source_manifest" "${1:-3}" "$inflated")
swift build -c release --product ManifestBenchmark >&2
.build/release/ManifestBenchmark "$source_manifest" 5
.build/release/ManifestBenchmark "$inflated" 5
