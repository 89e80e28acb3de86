# Sourced by the benchmarks that run Inlet beside the Python Airbyte CDK against a loopback server.
# Sets:
#   INLET  the inlet to measure: as given, else .build/release/inlet, built as the README's release build
#   cdk    source-declarative-manifest: from CDK_VENV when given, else the venv .ci/run makes, else
#          the conformance harness's, else one made under ~/.cache/inlet-bench (airbyte-cdk 7.39.1)
#   work   a scratch directory, removed on exit with the server
# and defines start_server SCRIPT ARGS..., which runs a Python server that prints "listening PORT"
# and sets `port`. Needs /usr/bin/time, which measures both.
if [[ -z "${INLET:-}" ]]; then
  INLET="$PWD/.build/release/inlet"
  swift build -c release --product inlet --static-swift-stdlib -Xlinker -no-pie >&2
fi
for candidate in "${CDK_VENV:-}" "$HOME/.cache/inlet-cdk/venv" "$HOME/.cache/inlet-conformance/venv" "$HOME/.cache/inlet-bench/venv"; do
  [[ -n "$candidate" && -x "$candidate/bin/source-declarative-manifest" ]] && { CDK_VENV="$candidate"; break; }
done
if [[ ! -x "${CDK_VENV:-}/bin/source-declarative-manifest" ]]; then
  CDK_VENV="$HOME/.cache/inlet-bench/venv"
  { python3 -m venv "$CDK_VENV" && "$CDK_VENV/bin/pip" install --quiet airbyte-cdk==7.39.1; } >&2
fi
cdk="$CDK_VENV/bin/source-declarative-manifest"
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

work="$(mktemp -d)"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_server() {
  python3 "$@" > "$work/server.out" &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  port="$(awk '/listening/ {print $2}' "$work/server.out")"
  [[ -n "$port" ]] || { echo "the benchmark server did not start" >&2; exit 1; }
}
