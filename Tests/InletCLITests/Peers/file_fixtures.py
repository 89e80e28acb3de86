#!/usr/bin/env python3
"""Writes the file-import fixtures into a directory: typed csv, json, jsonl and parquet written by
the reference libraries, and hostile files (mixed types past the sample, Latin-1, UTF-16, a
truncated parquet)."""
import csv
import datetime as dt
import decimal
import json
import os
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

directory = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
random.seed(7)


def path(name):
    return os.path.join(directory, name)


records = []
for i in range(1, rows + 1):
    records.append({
        "id": i,
        "name": random.choice(["Ann", "Bo", "Émile", "Zoë", "李", "O'Brien", 'say "hi"', "a,b", "two\nlines"]) + f" {i}",
        "amount": random.randint(-10**15, 10**15),
        "price": decimal.Decimal(random.randint(-10**7, 10**7)) / 100,
        "ratio": random.random() * 1e6,
        "active": random.choice([True, False]),
        "day": dt.date(2000, 1, 1) + dt.timedelta(days=random.randint(0, 12000)),
        "at": dt.datetime(2020, 1, 1) + dt.timedelta(seconds=random.randint(0, 10**8), microseconds=random.randint(0, 999999)),
        "zip": f"{random.randint(0, 99999):05d}",
        "note": None if i % 7 == 0 else random.choice(["", "x", "y z"]) or None,
    })

with open(path("typed.csv"), "w", newline="", encoding="utf-8") as handle:
    writer = csv.writer(handle)
    writer.writerow(list(records[0].keys()))
    for record in records:
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else
                         v.isoformat(sep=" ") if isinstance(v, dt.datetime) else repr(v) if isinstance(v, float) else v)
                         for v in record.values()])

with open(path("semicolon.csv"), "w", newline="", encoding="utf-8") as handle:
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(["id", "label", "value"])
    for i in range(1, 501):
        writer.writerow([i, f"label; {i}", f"{i * 1.25:.2f}"])


def jsonable(record):
    out = {}
    for key, value in record.items():
        if isinstance(value, decimal.Decimal):
            out[key] = float(value)
        elif isinstance(value, (dt.date, dt.datetime)):
            out[key] = value.isoformat()
        else:
            out[key] = value
    out["tags"] = [record["id"] % 3, "t"]
    return out


with open(path("rows.jsonl"), "w", encoding="utf-8") as handle:
    for record in records:
        handle.write(json.dumps(jsonable(record), ensure_ascii=False) + "\n")
with open(path("rows.json"), "w", encoding="utf-8") as handle:
    json.dump({"count": len(records), "data": [jsonable(r) for r in records]}, handle, ensure_ascii=False, indent=1)

table = pa.table({
    "id": pa.array([r["id"] for r in records], pa.int64()),
    "small": pa.array([r["id"] % 1000 for r in records], pa.int32()),
    "name": pa.array([r["name"] for r in records], pa.string()),
    "price": pa.array([r["price"] for r in records], pa.decimal128(12, 2)),
    "big": pa.array([decimal.Decimal(r["amount"]) * 1000 for r in records], pa.decimal128(25, 3)),
    "ratio": pa.array([r["ratio"] for r in records], pa.float64()),
    "active": pa.array([r["active"] for r in records], pa.bool_()),
    "day": pa.array([r["day"] for r in records], pa.date32()),
    "at": pa.array([r["at"] for r in records], pa.timestamp("us")),
    "at_utc": pa.array([r["at"].replace(tzinfo=dt.timezone.utc) for r in records], pa.timestamp("ms", tz="UTC")),
    "note": pa.array([r["note"] for r in records], pa.string()),
    "tags": pa.array([[r["id"], r["id"] + 1] for r in records], pa.list_(pa.int64())),
})
pq.write_table(table, path("typed.parquet"), row_group_size=max(1, rows // 3), compression="zstd")
pq.write_table(table, path("snappy.parquet"), compression="snappy")
with open(path("typed.parquet"), "rb") as source, open(path("truncated.parquet"), "wb") as target:
    data = source.read()
    target.write(data[: len(data) // 2] + data[-8:])

# Integers for more rows than the sample holds, then one value that is not.
with open(path("mixed.csv"), "w", encoding="utf-8") as handle:
    handle.write("id,count\n")
    for i in range(1, 25001):
        handle.write(f"{i},{i * 2}\n")
    handle.write("25001,1.5\n25002,7\n")

with open(path("latin1.csv"), "wb") as handle:
    handle.write("name,city\nMüller,Köln\nJosé,São Paulo\n".encode("cp1252") + b"Euro \x80,x\n")
with open(path("utf16.csv"), "wb") as handle:
    handle.write("name,emoji\nZoë,😀\n李,é\n".encode("utf-16"))
with open(path("ragged.csv"), "w", encoding="utf-8") as handle:
    handle.write("a,b,c\n1,2,3\n4,5\n6,7,8\n")
with open(path("fake.xls"), "w", encoding="utf-8") as handle:
    handle.write("<html><body><table><tr><td>1</td></tr></table></body></html>")
print("ok")
