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
# Workbooks: xlsxwriter (shared strings, rich strings, formulas with cached values, date and
# date-time formats, a second sheet) and openpyxl (the 1904 date system).
import xlsxwriter
import openpyxl
import zipfile

book = xlsxwriter.Workbook(path("typed.xlsx"))
sheet = book.add_worksheet("Orders")
date_format = book.add_format({"num_format": "dd/mm/yyyy"})
stamp_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
bold = book.add_format({"bold": True})
sheet.write_row(0, 0, ["id", "name", "price", "active", "day", "at", "zip", "twice", "note"])
for index, record in enumerate(records, start=1):
    sheet.write_number(index, 0, record["id"])
    if index % 50 == 0:
        sheet.write_rich_string(index, 1, "rich ", bold, "bold", f" {index}")
    else:
        sheet.write_string(index, 1, record["name"])
    sheet.write_number(index, 2, float(record["price"]))
    sheet.write_boolean(index, 3, record["active"])
    sheet.write_datetime(index, 4, record["day"], date_format)
    sheet.write_datetime(index, 5, record["at"].replace(microsecond=0), stamp_format)
    sheet.write_string(index, 6, record["zip"])
    sheet.write_formula(index, 7, f"=A{index + 1}*2", None, record["id"] * 2)
    if record["note"]:
        sheet.write_string(index, 8, record["note"] + ("\r" if index % 9 == 0 else ""))
other = book.add_worksheet("Second")
other.write_row(0, 0, ["key", "value"])
for index in range(1, 11):
    other.write_row(index, 0, [f"k{index}", index * 0.5])
book.close()

mac = openpyxl.Workbook()
mac.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
sheet = mac.active
sheet.title = "Mac"
sheet.append(["id", "day", "amount"])
for index in range(1, 101):
    sheet.append([index, dt.datetime(1999, 12, 31) + dt.timedelta(days=index * 3), index * 1.5])
    sheet.cell(row=index + 1, column=2).number_format = "yyyy-mm-dd"
mac.save(path("mac1904.xlsx"))


def workbook_with_sheet(name, sheet_xml):
    """A minimal workbook whose one sheet is `sheet_xml` (bytes or a writer of chunks)."""
    with zipfile.ZipFile(path(name), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        if callable(sheet_xml):
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                sheet_xml(member)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def bomb(member):
    member.write(b"<worksheet><sheetData>")
    chunk = b" " * (1 << 20)
    for _ in range(512):
        member.write(chunk)
    member.write(b"</sheetData></worksheet>")


workbook_with_sheet("bomb.xlsx", bomb)
workbook_with_sheet("dtd.xlsx", '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                    '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
# Avro object containers by fastavro, in every codec, with logical types and nested values.
import fastavro
import uuid as uuidlib

avro_schema = {
    "type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "long"},
        {"name": "small", "type": "int"},
        {"name": "name", "type": ["null", "string"]},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "big", "type": {"type": "fixed", "name": "Big", "size": 11, "logicalType": "decimal", "precision": 25, "scale": 3}},
        {"name": "ratio", "type": "double"},
        {"name": "active", "type": "boolean"},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "local_at", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "key", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "tags", "type": {"type": "array", "items": "long"}},
        {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": "string"}]}]},
    ],
}
avro_records = []
for record in records:
    avro_records.append({
        "id": record["id"], "small": record["id"] % 1000, "name": None if record["id"] % 11 == 0 else record["name"],
        "price": record["price"], "big": decimal.Decimal(record["amount"]) * 1000 / 1000,
        "ratio": record["ratio"], "active": record["active"], "day": record["day"],
        "at": record["at"].replace(tzinfo=dt.timezone.utc), "local_at": record["at"].replace(microsecond=(record["at"].microsecond // 1000) * 1000),
        "colour": ["RED", "GREEN", "BLUE"][record["id"] % 3], "key": str(uuidlib.UUID(int=record["id"] * 7919)),
        "tags": [record["id"], record["id"] % 5], "address": None if record["id"] % 4 == 0 else {"city": "Köln", "zip": record["zip"]},
    })
for codec in ("null", "deflate", "snappy", "zstandard"):
    with open(path(f"typed.{codec}.avro"), "wb") as handle:
        fastavro.writer(handle, avro_schema, avro_records, codec=codec, sync_interval=16000)
with open(path("typed.deflate.avro"), "rb") as source, open(path("truncated.avro"), "wb") as target:
    data = source.read()
    target.write(data[: len(data) * 2 // 3])
# Excel 97-2003 workbooks by xlwt: typed cells, dates, a second sheet, and a shared string table
# of 80,000 strings (ASCII and not, so that CONTINUE records cut both kinds of characters).
import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Orders")
date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
stamp_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
for column, title in enumerate(["id", "name", "price", "active", "day", "at", "zip", "note"]):
    sheet.write(0, column, title)
for index, record in enumerate(records[:3000], start=1):
    sheet.write(index, 0, record["id"])
    sheet.write(index, 1, record["name"])
    sheet.write(index, 2, float(record["price"]))
    sheet.write(index, 3, record["active"])
    sheet.write(index, 4, record["day"], date_style)
    sheet.write(index, 5, record["at"].replace(microsecond=0), stamp_style)
    sheet.write(index, 6, record["zip"])
    if record["note"]:
        sheet.write(index, 7, record["note"])
second = book.add_sheet("Strings")
second.write(0, 0, "plain")
second.write(0, 1, "wide")
for index in range(1, 40001):
    second.write(index, 0, f"plain string number {index:06d}")
    second.write(index, 1, f"grüße {index} – ünïcödé ☃ {index * 7}")
book.save(path("typed.xls"))

with open(path("typed.xls"), "rb") as handle:
    data = bytearray(handle.read())
# The record after the workbook's BOF (INTERFACEHDR) made a FILEPASS: an encrypted workbook.
bof = data.find(bytes([0x09, 0x08, 0x10, 0x00, 0x00, 0x06]))
after = bof + 4 + 16
assert data[after:after + 2] == bytes([0xE1, 0x00])
data[after:after + 2] = bytes([0x2F, 0x00])
with open(path("encrypted.xls"), "wb") as handle:
    handle.write(data)
with open(path("really_csv.xls"), "w", encoding="utf-8") as handle:
    handle.write("a,b\n1,2\n3,4\n")
print("ok")
