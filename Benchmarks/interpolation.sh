#!/usr/bin/env bash
# Interpolation benchmark: nanoseconds per evaluation of parsed templates, Inlet against the Airbyte
# CDK (airbyte-cdk 7.39.1 from the conformance harness's venv) on the same templates and context.
# Usage: Benchmarks/interpolation.sh [INLET_ITERATIONS] [CDK_ITERATIONS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cdk_python="${CDK_VENV:-$HOME/.cache/inlet-conformance/venv}/bin/python"
[[ -x "$cdk_python" ]] || bash ../shared/conformance/setup.sh >&2
swift build -c release --product InterpolationBenchmark >&2
inlet_out=$(.build/release/InterpolationBenchmark "${1:-200000}")
cdk_out=$("$cdk_python" Benchmarks/cdk_interpolation_benchmark.py "${2:-20000}")
echo "$inlet_out"
echo "$cdk_out"
paste <(echo "$inlet_out" | awk '{print $2}') <(echo "$cdk_out" | awk '{print $2}') <(echo "$inlet_out" | cut -d' ' -f4-) |
  awk -F'\t' '{ printf "ratio cdk/inlet (times faster): %.0fx  %s\n", $2 / $1, $3 }'
