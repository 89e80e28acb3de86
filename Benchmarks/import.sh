#!/usr/bin/env bash
# File import, Inlet vs DuckDB in the same run: the same ROWS x 10-column CSV (default 1,000,000
# rows, ~110 MB) into a zstd Parquet-backed Iceberg table by `inlet import` (release build) and into
# a zstd Parquet file by DuckDB (`COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`).
# Prints rows/s and peak RSS for both, the ratio, and `inlet preview`'s time on the same file; then a
# XLSX_ROWS x 9 workbook (default 200,000, written by xlsxwriter) read by `inlet import` and by
# python-calamine (to Python rows), as a ratio. Never fails on timing.
# Usage: Benchmarks/import.sh [ROWS] [XLSX_ROWS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-1000000}"
xlsx_rows="${2:-200000}"
python="${INLET_PYTHON:-$HOME/.cache/inlet-iceberg/venv/bin/python}"
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product inlet >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" - "$work/data.csv" "$rows" <<'PY'
import random, sys
random.seed(3)
path, rows = sys.argv[1], int(sys.argv[2])
notes = ["", "rush", '"gift, wrapped"', "ok"]
with open(path, "w") as out:
    out.write("id,customer,amount,price,quantity,active,day,created_at,country,note\n")
    for i in range(1, rows + 1):
        out.write(f"{i},customer {random.randint(1, 99999)},{random.randint(-10**9, 10**9)},{random.randint(0, 10**7) / 100:.2f},"
                  f"{random.randint(1, 500)},{'true' if i % 3 else 'false'},2024-{1 + i % 12:02d}-{1 + i % 28:02d},"
                  f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d},"
                  f"{random.choice(['DE', 'FR', 'US', 'JP', 'BR'])},{random.choice(notes)}\n")
PY
echo "csv: $rows rows, $(( $(stat -c %s "$work/data.csv") / 1048576 )) MiB"

seconds() { python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$1" "$2"; }

start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/inlet.rss" .build/release/inlet import "$work/data.csv" --table bench --data-dir "$work/inlet" \
  --no-archive-staging > "$work/inlet.out"
inlet_seconds=$(seconds "$start" "$(date +%s.%N)")
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/duckdb.rss" "$python" -c "
import duckdb, sys
duckdb.connect().execute(\"COPY (SELECT * FROM read_csv('$work/data.csv')) TO '$work/duck.parquet' (FORMAT parquet, COMPRESSION zstd)\")
"
duck_seconds=$(seconds "$start" "$(date +%s.%N)")
start=$(date +%s.%N)
.build/release/inlet preview "$work/data.csv" --rows 5 > "$work/preview.out"
preview_seconds=$(seconds "$start" "$(date +%s.%N)")

python3 - "$rows" "$inlet_seconds" "$duck_seconds" "$(tail -1 "$work/inlet.rss")" "$(tail -1 "$work/duckdb.rss")" "$preview_seconds" <<'PY'
import sys
rows, inlet, duck, inlet_rss, duck_rss, preview = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"inlet import: {inlet:.2f} s, {rows / inlet:,.0f} rows/s, peak RSS {inlet_rss / 1024:.0f} MiB")
print(f"duckdb COPY:  {duck:.2f} s, {rows / duck:,.0f} rows/s, peak RSS {duck_rss / 1024:.0f} MiB")
print(f"ratio (Inlet rows/s / DuckDB rows/s): {duck / inlet:.2f}")
print(f"inlet preview: {preview:.2f} s")
PY
head -3 "$work/inlet.out"

"$python" - "$work/data.xlsx" "$xlsx_rows" <<'PY'
import datetime, random, sys
import xlsxwriter
random.seed(5)
book = xlsxwriter.Workbook(sys.argv[1], {"constant_memory": True})
sheet = book.add_worksheet("data")
dates = book.add_format({"num_format": "yyyy-mm-dd"})
sheet.write_row(0, 0, ["id", "customer", "amount", "price", "quantity", "active", "day", "country", "note"])
for i in range(1, int(sys.argv[2]) + 1):
    sheet.write_number(i, 0, i)
    sheet.write_string(i, 1, f"customer {random.randint(1, 99999)}")
    sheet.write_number(i, 2, random.randint(-10**9, 10**9))
    sheet.write_number(i, 3, random.randint(0, 10**7) / 100)
    sheet.write_number(i, 4, random.randint(1, 500))
    sheet.write_boolean(i, 5, i % 3 == 0)
    sheet.write_datetime(i, 6, datetime.date(2024, 1 + i % 12, 1 + i % 28), dates)
    sheet.write_string(i, 7, random.choice(["DE", "FR", "US", "JP", "BR"]))
    sheet.write_string(i, 8, random.choice(["", "rush", "gift, wrapped", "ok"]))
book.close()
PY
echo "xlsx: $xlsx_rows rows x 9 columns, $(( $(stat -c %s "$work/data.xlsx") / 1048576 )) MiB"
start=$(date +%s.%N)
.build/release/inlet import "$work/data.xlsx" --table bench_xlsx --data-dir "$work/inlet" --no-archive-staging > /dev/null
inlet_xlsx=$(seconds "$start" "$(date +%s.%N)")
start=$(date +%s.%N)
"$python" -c "
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path('$work/data.xlsx').get_sheet_by_index(0).to_python()
print(len(rows))" > /dev/null
calamine_xlsx=$(seconds "$start" "$(date +%s.%N)")
python3 - "$xlsx_rows" "$inlet_xlsx" "$calamine_xlsx" <<'PY'
import sys
rows, inlet, calamine = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"inlet import (xlsx into Iceberg): {inlet:.2f} s, {rows / inlet:,.0f} rows/s")
print(f"python-calamine (read to rows):  {calamine:.2f} s, {rows / calamine:,.0f} rows/s")
print(f"ratio (Inlet rows/s / calamine rows/s): {calamine / inlet:.2f}")
PY
