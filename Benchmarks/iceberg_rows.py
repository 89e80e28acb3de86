"""The rows of the Iceberg benchmarks, as Python dicts and their Arrow schema: the same 15 columns
(4 long, 5 string, 2 timestamptz, 3 double, a struct with a list inside) as IcebergBenchmark."""
import datetime
import pyarrow as pa

STATUSES = ["active", "pending", "closed", "archived"]
COUNTRIES = ["US", "DE", "FR", "JP", "BR", "IN"]
UTC = datetime.timezone.utc
BASE_CREATED = datetime.datetime(2024, 1, 1, tzinfo=UTC)
BASE_UPDATED = datetime.datetime(2024, 6, 1, tzinfo=UTC)
NAMES = (["id", "account_id", "quantity", "version"], ["name", "email", "status", "country", "description"],
         ["created_at", "updated_at"], ["amount", "score", "ratio"])
ATTRIBUTES = pa.struct([pa.field("plan", pa.string()), pa.field("seats", pa.int64()), pa.field("tags", pa.list_(pa.string())),
                        pa.field("source", pa.string())])
ARROW_SCHEMA = pa.schema([pa.field("id", pa.int64(), nullable=False)] + [pa.field(n, pa.int64()) for n in NAMES[0][1:]]
                         + [pa.field(n, pa.string()) for n in NAMES[1]] + [pa.field(n, pa.timestamp("us", tz="UTC")) for n in NAMES[2]]
                         + [pa.field(n, pa.float64()) for n in NAMES[3]] + [pa.field("attributes", ATTRIBUTES)])


def record(i, version=None):
    """Row number i as a connector's record would reach pyiceberg."""
    return {
        "id": i, "account_id": i // 7, "quantity": i % 97, "version": i % 5 if version is None else version,
        "name": f"Customer {i}", "email": f"user{i}@example.com", "status": STATUSES[i % 4], "country": COUNTRIES[i % 6],
        "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
        "created_at": BASE_CREATED + datetime.timedelta(seconds=i), "updated_at": BASE_UPDATED + datetime.timedelta(seconds=i),
        "amount": (i % 10000) * 1.37, "score": ((i * 31) % 1000) / 10, "ratio": (i % 100) / 100,
        "attributes": {"plan": "pro", "seats": i % 50, "tags": [f"t{i % 10}", f"g{i % 7}"], "source": "api"},
    }
