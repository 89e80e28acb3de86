"""pyiceberg's upsert of MERGE rows (half updates of the newest ids, half new ids) into a table of ROWS
rows appended in BATCHES commits (the same rows as IcebergBenchmark); prints the upsert's rows/s."""
import sys, time
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, LongType, StringType, TimestamptzType, DoubleType, StructType, ListType
from iceberg_rows import ARROW_SCHEMA, NAMES, record

directory, count, batches, merged = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fields, next_id = [], 1
for kind, group in zip((LongType, StringType, TimestamptzType, DoubleType), NAMES):
    for n in group:
        fields.append(NestedField(next_id, n, kind(), required=(n == "id")))
        next_id += 1
fields.append(NestedField(15, "attributes", StructType(
    NestedField(16, "plan", StringType()), NestedField(17, "seats", LongType()),
    NestedField(18, "tags", ListType(19, StringType(), element_required=False)), NestedField(20, "source", StringType()))))
schema = Schema(*fields, identifier_field_ids=[1])


def rows(start, stop, version=None):
    return pa.Table.from_pylist([record(i, version) for i in range(start, stop)], schema=ARROW_SCHEMA)

catalog = SqlCatalog("default", uri=f"sqlite:///{directory}/catalog.db", warehouse=f"file://{directory}/warehouse")
catalog.create_namespace("bench")
table = catalog.create_table("bench.records", schema=schema)
size = count // batches
for b in range(batches):
    table.append(rows(b * size, count if b == batches - 1 else (b + 1) * size))
incoming = pa.concat_tables([rows(count - merged // 2, count, version=99), rows(count, count + merged - merged // 2)])
started = time.perf_counter()
table.upsert(incoming)
seconds = time.perf_counter() - started
print(f"pyiceberg merge rows: {merged} into {count} in {seconds:.2f} s")
print(f"pyiceberg merge rows/s: {int(merged / seconds)}")
