#!/usr/bin/env bash
# The README's first command: installs what the build needs (Debian packages, only when missing),
# builds the release `inlet`, then runs the main job (demo/sync.sh: the demo API synced into
# ./inlet-data). Arguments are passed on to demo/sync.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "$(uname -s)" == Linux ]]; then
  # The codecs the Parquet writer links (zstd, snappy, zlib), pkg-config to find them, and python3
  # for the demo API.
  build_packages=(libzstd-dev libsnappy-dev zlib1g-dev pkg-config)
  command -v python3 >/dev/null 2>&1 || build_packages+=(python3)
  "$root/.ci/install-packages" "${build_packages[@]}"
  swift build -c release --static-swift-stdlib -Xlinker -no-pie --product inlet
else
  swift build -c release --product inlet
fi
INLET="$root/.build/release/inlet" "$root/demo/sync.sh" "$@"
