"""pyiceberg appending ROWS rows built as Python dicts (the same 15 columns as IcebergBenchmark) to a
new table in a fresh SqlCatalog on SQLite, as a connector's records would reach it."""
import sys, time, datetime
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog

directory, count = sys.argv[1], int(sys.argv[2])
statuses = ["active", "pending", "closed", "archived"]
countries = ["US", "DE", "FR", "JP", "BR", "IN"]
utc = datetime.timezone.utc
base_created = datetime.datetime(2024, 1, 1, tzinfo=utc)
base_updated = datetime.datetime(2024, 6, 1, tzinfo=utc)
# The nested object of an API record: a struct with a list inside.
attributes = pa.struct([pa.field("plan", pa.string()), pa.field("seats", pa.int64()), pa.field("tags", pa.list_(pa.string())),
                        pa.field("source", pa.string())])
started = time.perf_counter()
rows = [{
    "id": i, "account_id": i // 7, "quantity": i % 97, "version": i % 5,
    "name": f"Customer {i}", "email": f"user{i}@example.com", "status": statuses[i % 4], "country": countries[i % 6],
    "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "created_at": base_created + datetime.timedelta(seconds=i), "updated_at": base_updated + datetime.timedelta(seconds=i),
    "amount": (i % 10000) * 1.37, "score": ((i * 31) % 1000) / 10, "ratio": (i % 100) / 100,
    "attributes": {"plan": "pro", "seats": i % 50, "tags": [f"t{i % 10}", f"g{i % 7}"], "source": "api"},
} for i in range(count)]
schema = pa.schema([pa.field("id", pa.int64(), nullable=False)] + [pa.field(n, pa.int64()) for n in ("account_id", "quantity", "version")]
                   + [pa.field(n, pa.string()) for n in ("name", "email", "status", "country", "description")]
                   + [pa.field(n, pa.timestamp("us", tz="UTC")) for n in ("created_at", "updated_at")]
                   + [pa.field(n, pa.float64()) for n in ("amount", "score", "ratio")] + [pa.field("attributes", attributes)])
table = pa.Table.from_pylist(rows, schema=schema)
catalog = SqlCatalog("default", uri=f"sqlite:///{directory}/catalog.db", warehouse=f"file://{directory}/warehouse")
catalog.create_namespace("bench")
iceberg = catalog.create_table("bench.records", schema=schema)
iceberg.append(table)
seconds = time.perf_counter() - started
print(f"pyiceberg append rows: {count} in {seconds:.2f} s")
print(f"pyiceberg append rows/s: {int(count / seconds)}")
