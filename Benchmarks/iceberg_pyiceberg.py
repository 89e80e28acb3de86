"""pyiceberg appending ROWS rows built as Python dicts (the same 15 columns as IcebergBenchmark) to a
new table in a fresh SqlCatalog on SQLite, as a connector's records would reach it."""
import sys, time
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from iceberg_rows import ARROW_SCHEMA, record

directory, count = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
table = pa.Table.from_pylist([record(i) for i in range(count)], schema=ARROW_SCHEMA)
catalog = SqlCatalog("default", uri=f"sqlite:///{directory}/catalog.db", warehouse=f"file://{directory}/warehouse")
catalog.create_namespace("bench")
iceberg = catalog.create_table("bench.records", schema=ARROW_SCHEMA)
iceberg.append(table)
seconds = time.perf_counter() - started
print(f"pyiceberg append rows: {count} in {seconds:.2f} s")
print(f"pyiceberg append rows/s: {int(count / seconds)}")
