#!/usr/bin/env bash
# Manifest load benchmark (release build): load + resolve + type the corpus's largest manifests and
# larger copies of them (~600-750 KB). Needs the conformance corpus (../shared/conformance/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
corpus="${INLET_CONFORMANCE_CACHE:-$HOME/.cache/inlet-conformance}/corpus"
teams="$corpus/airbyte-source-microsoft-teams-1.1.11/manifest.yaml"
snapchat="$corpus/airbyte-source-snapchat-marketing-1.2.12/manifest.yaml"
[[ -f "$teams" && -f "$snapchat" ]] || bash ../shared/conformance/setup.sh >&2
scratch="${TMPDIR:-/tmp}"
(cd /tmp && python3 "$OLDPWD/Benchmarks/inflate_manifest.py" "$teams" 4 "$scratch/inlet-bench-teams-x4.yaml")
(cd /tmp && python3 "$OLDPWD/Benchmarks/inflate_manifest.py" "$snapchat" 3 "$scratch/inlet-bench-snapchat-x3.yaml")
swift build -c release --product ManifestBenchmark >&2
for manifest in "$teams" "$snapchat" "$scratch/inlet-bench-teams-x4.yaml" "$scratch/inlet-bench-snapchat-x3.yaml"; do
  printf '%s: ' "$(basename "$(dirname "$manifest")")/$(basename "$manifest")"
  .build/release/ManifestBenchmark "$manifest" 5
done
