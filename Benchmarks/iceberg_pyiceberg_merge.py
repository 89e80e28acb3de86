"""pyiceberg's upsert of MERGE rows (half updates of the newest ids, half new ids) into a table of ROWS
rows appended in BATCHES commits (the same rows as IcebergBenchmark); prints the upsert's rows/s."""
import sys, time, datetime
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, LongType, StringType, TimestamptzType, DoubleType, StructType, ListType

directory, count, batches, merged = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
statuses = ["active", "pending", "closed", "archived"]
countries = ["US", "DE", "FR", "JP", "BR", "IN"]
utc = datetime.timezone.utc
base_created = datetime.datetime(2024, 1, 1, tzinfo=utc)
base_updated = datetime.datetime(2024, 6, 1, tzinfo=utc)
# The nested object of an API record: a struct with a list inside.
attributes = pa.struct([pa.field("plan", pa.string()), pa.field("seats", pa.int64()), pa.field("tags", pa.list_(pa.string())),
                        pa.field("source", pa.string())])
names = (["id", "account_id", "quantity", "version"], ["name", "email", "status", "country", "description"],
         ["created_at", "updated_at"], ["amount", "score", "ratio"])
arrow = pa.schema([pa.field("id", pa.int64(), nullable=False)] + [pa.field(n, pa.int64()) for n in names[0][1:]]
                  + [pa.field(n, pa.string()) for n in names[1]] + [pa.field(n, pa.timestamp("us", tz="UTC")) for n in names[2]]
                  + [pa.field(n, pa.float64()) for n in names[3]] + [pa.field("attributes", attributes)])
fields, next_id = [], 1
for kind, group in zip((LongType, StringType, TimestamptzType, DoubleType), names):
    for n in group:
        fields.append(NestedField(next_id, n, kind(), required=(n == "id")))
        next_id += 1
fields.append(NestedField(15, "attributes", StructType(
    NestedField(16, "plan", StringType()), NestedField(17, "seats", LongType()),
    NestedField(18, "tags", ListType(19, StringType(), element_required=False)), NestedField(20, "source", StringType()))))
schema = Schema(*fields, identifier_field_ids=[1])

def rows(start, stop, version=None):
    return pa.Table.from_pylist([{
        "id": i, "account_id": i // 7, "quantity": i % 97, "version": i % 5 if version is None else version,
        "name": f"Customer {i}", "email": f"user{i}@example.com", "status": statuses[i % 4], "country": countries[i % 6],
        "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
        "created_at": base_created + datetime.timedelta(seconds=i), "updated_at": base_updated + datetime.timedelta(seconds=i),
        "amount": (i % 10000) * 1.37, "score": ((i * 31) % 1000) / 10, "ratio": (i % 100) / 100,
        "attributes": {"plan": "pro", "seats": i % 50, "tags": [f"t{i % 10}", f"g{i % 7}"], "source": "api"},
    } for i in range(start, stop)], schema=arrow)

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
