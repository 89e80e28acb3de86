#!/usr/bin/env python3
"""Compares an imported Iceberg table with its source file, cell by cell.

The table is read twice, by pyiceberg and by DuckDB's iceberg extension; the file by a reference
reader: DuckDB's read_csv (all columns as text) for csv, pyarrow for parquet, Python's json for
json/jsonl. Each source cell is normalised to the table column's type, then the rows are compared
as multisets (import order is not promised across data files).

Prints `OK <rows> rows, <columns> columns` or the first differences, and exits 1 on any.
"""
import argparse
import datetime as dt
import decimal
import glob
import json
import math
import os
import sys
from collections import Counter

METADATA = {"ingestion_time", "ingestion_run_id", "ingestion_mode", "dag_job_id", "ingestion_changes"}


def canonical(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value != 0 else "0"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except ValueError:
            pass
    return str(value)


def parse_as(text, kind, date_format):
    """A source text as the table's type holds it."""
    if text is None or text == "":
        return None
    kind = kind.lower()
    if kind == "boolean":
        return text.lower() in ("true", "yes")
    if kind in ("long", "int", "bigint", "integer"):
        return int(text.replace(",", ""))
    if kind.startswith("decimal"):
        return decimal.Decimal(text.replace(",", ""))
    if kind in ("double", "float"):
        return float(text)
    if kind == "date":
        return dt.datetime.strptime(text, date_format or "%Y-%m-%d").date()
    if kind.startswith("timestamp"):
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return stamp
    return text


def table_rows(args):
    from pyiceberg.catalog.sql import SqlCatalog
    import duckdb

    catalog = SqlCatalog("default", uri=f"sqlite:///{args.catalog}", warehouse=f"file://{os.path.abspath(args.warehouse)}")
    table = catalog.load_table(f"{args.namespace}.{args.table}")
    fields = [(f.name, str(f.field_type)) for f in table.schema().fields if f.name not in METADATA]
    names = [name for name, _ in fields]
    arrow = table.scan().to_arrow()
    pyiceberg_rows = [tuple(canonical(row[name]) for name in names) for row in arrow.to_pylist()]

    connection = duckdb.connect()
    connection.execute("SET autoinstall_known_extensions=false")
    connection.execute("SET autoload_known_extensions=false")
    connection.execute("SET TimeZone='UTC'")
    for name in ("avro", "iceberg"):
        found = []
        for path in sys.path:
            found += glob.glob(os.path.join(path, f"duckdb_extension_{name}", "extensions", "v" + duckdb.__version__, f"{name}.duckdb_extension"))
        if not found:
            raise SystemExit(f"DuckDB extension {name} is missing: pip install duckdb-extension-{name}=={duckdb.__version__}")
        connection.execute(f"LOAD '{found[0]}'")
    location = table.metadata_location
    quoted = ", ".join(f'"{name}"' for name in names)
    duck = connection.execute(f"SELECT {quoted} FROM iceberg_scan('{location}')").fetchall()
    duckdb_rows = [tuple(canonical(value) for value in row) for row in duck]
    return fields, pyiceberg_rows, duckdb_rows


def source_rows(args, fields):
    renames = dict(item.split("=", 1) for item in args.rename)
    back = {new: old for old, new in renames.items()}
    source_names = [back.get(name, name) for name, _ in fields]
    formats = dict(item.split("=", 1) for item in args.date_format)
    if args.format == "csv":
        import duckdb
        options = [f"all_varchar=true", f"header={'true' if args.header else 'false'}"]
        if args.delimiter:
            options.append(f"delim='{args.delimiter}'")
        if args.encoding:
            # DuckDB reads UTF-8 (and strict Latin-1) only: other encodings through Python's codecs and csv.
            import csv
            with open(args.source, encoding=args.encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=args.delimiter or ",")
                header = next(reader)
                records = [dict(zip(header, [value if value != "" else None for value in row])) for row in reader]
        else:
            relation = duckdb.connect().execute(f"SELECT * FROM read_csv('{args.source}', {', '.join(options)})")
            columns = [d[0] for d in relation.description]
            records = [dict(zip(columns, row)) for row in relation.fetchall()]
        nulls = set(args.null_value)
        rows = []
        for record in records:
            row = []
            for (name, kind), source in zip(fields, source_names):
                text = record.get(source)
                row.append(canonical(None if text in nulls else parse_as(text, kind, formats.get(name))))
            rows.append(tuple(row))
        return rows
    if args.format == "parquet":
        import pyarrow.parquet as pq
        records = pq.read_table(args.source).to_pylist()
        return [tuple(canonical(record.get(source)) for source in source_names) for record in records]
    if args.format in ("json", "jsonl"):
        with open(args.source, encoding="utf-8") as handle:
            if args.format == "jsonl":
                records = [json.loads(line, parse_float=decimal.Decimal) for line in handle if line.strip()]
            else:
                document = json.load(handle, parse_float=decimal.Decimal)
                records = document if isinstance(document, list) else next(v for v in document.values() if isinstance(v, list))
        rows = []
        for record in records:
            row = []
            for (name, kind), source in zip(fields, source_names):
                value = record.get(source)
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, separators=(",", ":"))
                    value = json.loads(value)
                elif isinstance(value, decimal.Decimal) and kind in ("double", "float"):
                    value = float(value)
                elif isinstance(value, str) and (kind == "date" or kind.startswith("timestamp")):
                    value = parse_as(value, kind, None)
                row.append(canonical(value))
            rows.append(tuple(row))
        return rows
    if args.format == "xlsx":
        # Two references: python-calamine and openpyxl; both must give the same rows.
        from python_calamine import CalamineWorkbook
        import openpyxl
        book = CalamineWorkbook.from_path(args.source)
        sheet = book.get_sheet_by_name(args.sheet) if args.sheet else book.get_sheet_by_index(0)
        calamine = [row for row in sheet.to_python() if any(value not in (None, "") for value in row)]
        workbook = openpyxl.load_workbook(args.source, read_only=True, data_only=True)
        worksheet = workbook[args.sheet] if args.sheet else workbook.worksheets[0]
        # openpyxl's read-only mode leaves Excel's _xHHHH_ escapes in shared strings (calamine decodes them).
        import re
        unescape = lambda value: re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else value
        opened = [[unescape(value) for value in row] for row in worksheet.iter_rows(values_only=True)
                  if any(value not in (None, "") for value in row)]
        results = []
        for reference in (calamine, opened):
            header = [str(name) for name in reference[0]]
            rows = []
            for values in reference[1:]:
                record = dict(zip(header, values))
                rows.append(tuple(canonical(spreadsheet_value(record.get(source), kind))
                                  for (name, kind), source in zip(fields, source_names)))
            results.append(rows)
        if Counter(results[0]) != Counter(results[1]):
            raise SystemExit("python-calamine and openpyxl disagree on " + args.source)
        return results[0]
    if args.format == "xls":
        import xlrd
        book = xlrd.open_workbook(args.source)
        sheet = book.sheet_by_name(args.sheet) if args.sheet else book.sheet_by_index(0)
        def value(cell):
            if cell.ctype == xlrd.XL_CELL_DATE:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            if cell.ctype == xlrd.XL_CELL_BOOLEAN:
                return bool(cell.value)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                return None
            return cell.value
        grid = [[value(cell) for cell in sheet.row(index)] for index in range(sheet.nrows)]
        grid = [row for row in grid if any(item not in (None, "") for item in row)]
        header = [str(name) for name in grid[0]]
        return [tuple(canonical(spreadsheet_value(dict(zip(header, row)).get(source), kind))
                      for (name, kind), source in zip(fields, source_names)) for row in grid[1:]]
    if args.format == "avro":
        import fastavro
        with open(args.source, "rb") as handle:
            records = list(fastavro.reader(handle))
        return [tuple(canonical(avro_value(record.get(source))) for source in source_names) for record in records]
    raise SystemExit(f"unknown format {args.format}")


def avro_value(value):
    """fastavro's value as the table holds it: uuids as text, nested values as JSON."""
    import uuid
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, default=str))
    return value


def spreadsheet_value(value, kind):
    """A spreadsheet reader's value as the table's type holds it."""
    if value is None or value == "":
        return None
    kind = kind.lower()
    if kind in ("long", "int") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind in ("double", "float") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    if kind.startswith("timestamp") and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if kind == "string" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--namespace", default="raw")
    parser.add_argument("--table", required=True)
    parser.add_argument("--header", action="store_true")
    parser.add_argument("--sheet")
    parser.add_argument("--delimiter")
    parser.add_argument("--encoding")
    parser.add_argument("--rename", action="append", default=[])
    parser.add_argument("--date-format", action="append", default=[], help="COLUMN=strptime format")
    parser.add_argument("--null-value", action="append", default=[])
    parser.add_argument("--expect-types", help="JSON object of column: Iceberg type")
    args = parser.parse_args()

    fields, from_pyiceberg, from_duckdb = table_rows(args)
    expected = source_rows(args, fields)
    failures = []
    if args.expect_types:
        wanted = json.loads(args.expect_types)
        actual = {name: kind for name, kind in fields}
        for name, kind in wanted.items():
            if actual.get(name) != kind:
                failures.append(f"column {name}: type {actual.get(name)}, expected {kind}")
    for reader, rows in (("pyiceberg", from_pyiceberg), ("duckdb", from_duckdb)):
        if Counter(rows) != Counter(expected):
            missing = list((Counter(expected) - Counter(rows)).elements())[:3]
            extra = list((Counter(rows) - Counter(expected)).elements())[:3]
            failures.append(f"{reader}: {len(rows)} rows vs {len(expected)} in the source; missing {missing}; unexpected {extra}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"OK {len(expected)} rows, {len(fields)} columns")


if __name__ == "__main__":
    main()
