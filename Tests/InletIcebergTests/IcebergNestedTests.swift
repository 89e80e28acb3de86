import Foundation
import InletIceberg
import InletJSON
import InletParquet
import Testing

/// Tables with struct, list and map columns: written, merged and rewritten by Inlet, read by
/// pyiceberg and DuckDB; and tables pyiceberg wrote with such columns, merged into by Inlet.
@Suite("Iceberg tables with nested columns")
struct IcebergNestedTests {
    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "customer", type: .structure([
            IcebergField(id: 3, name: "name", type: .string),
            IcebergField(id: 4, name: "tier", type: .int, isRequired: true),
        ])),
        IcebergField(id: 5, name: "tags", type: .list(elementID: 6, element: .string)),
        IcebergField(id: 7, name: "counters", type: .map(keyID: 8, key: .string, valueID: 9, value: .long)),
        IcebergField(id: 10, name: "lines", type: .list(elementID: 11, element: .structure([
            IcebergField(id: 12, name: "sku", type: .string, isRequired: true),
            IcebergField(id: 13, name: "qty", type: .int),
        ]), elementRequired: true)),
    ], identifierFieldIDs: [1])

    private func row(_ i: Int, version: Int = 1) -> [ParquetValue?] {
        [
            .int64(Int64(i)),
            i % 5 == 0 ? nil : .structure([i % 3 == 0 ? nil : .string("customer \(i)"), .int32(Int32(version))]),
            i % 4 == 0 ? nil : .list((0..<(i % 3)).map { $0 == 1 && i % 2 == 0 ? nil : .string("tag\($0)") }),
            i % 6 == 0 ? nil : .map(keys: (0..<(i % 3)).map { .string("c\($0)") }, values: (0..<(i % 3)).map { .int64(Int64(i + $0)) }),
            .list((0..<(i % 3)).map { .structure([.string("sku-\(i)-\($0)"), $0 == 1 ? nil : .int32(Int32($0 + version))]) }),
        ]
    }

    /// pyiceberg's view of the table: rows by id, maps as objects, in canonical JSON.
    private func pyicebergRows(_ lake: TestWarehouse, _ table: String) async throws -> [Int64: JSONValue] {
        let output = try await lake.pyiceberg("""
            import json
            t = catalog.load_table("ns.\(table)")
            def canon(v):
                if isinstance(v, list) and v and all(isinstance(e, tuple) for e in v): return {k: canon(x) for k, x in v}
                if isinstance(v, dict): return {k: canon(x) for k, x in v.items()}
                if isinstance(v, list): return [canon(x) for x in v]
                return v
            print(json.dumps([canon(r) for r in t.scan().to_arrow().to_pylist()]))
            """)
        let rows = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "").arrayValue ?? []
        return Dictionary(rows.map { ($0["id"]?.intValue ?? -1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test(arguments: [RowRemoval.copyOnWrite, .positionDeletes])
    func nestedColumnsAreAppendedAndMergedAndReadByBothReaders(removal: RowRemoval) async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "n", schema: schema)
        try table.append(rows: (0..<600).map { row($0) })
        try table.append(rows: (600..<1000).map { row($0) })
        try await lake.verify("n", rows: 1000, snapshots: 2)
        try table.merge(rows: (990..<1010).map { row($0, version: 2) }, removal: removal)
        try await lake.verify("n", rows: 1010, snapshots: 3)

        let rows = try await pyicebergRows(lake, "n")
        #expect(rows.count == 1010)
        #expect(rows[7] == ["id": 7, "customer": ["name": "customer 7", "tier": 1], "tags": ["tag0"], "counters": ["c0": 7],
                            "lines": [["sku": "sku-7-0", "qty": 1]]])
        #expect(rows[20] == ["id": 20, "customer": .null, "tags": .null, "counters": ["c0": 20, "c1": 21], "lines": [
            ["sku": "sku-20-0", "qty": 1], ["sku": "sku-20-1", "qty": .null]]])
        #expect(rows[996] == ["id": 996, "customer": ["name": .null, "tier": 2], "tags": .null, "counters": .null, "lines": []])
        #expect(rows[1004] == ["id": 1004, "customer": ["name": "customer 1004", "tier": 2], "tags": .null, "counters": ["c0": 1004, "c1": 1005],
                               "lines": [["sku": "sku-1004-0", "qty": 2], ["sku": "sku-1004-1", "qty": .null]]])
        #expect(rows[1005] == ["id": 1005, "customer": .null, "tags": [], "counters": [], "lines": []])
        #expect(rows[998]?["tags"] == ["tag0", .null])
    }

    @Test func nestedColumnsCannotKeyAMergeOrSourceAPartition() throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "k", schema: schema)
        #expect(throws: IcebergError.invalidMetadata("merge key 'customer' is not a primitive column")) {
            try table.merge(rows: [row(1)], keyFieldIDs: [2])
        }
        #expect(throws: IcebergError.self) {
            try lake.catalog().createTable(namespace: "ns", name: "p", schema: schema,
                                           partitionSpec: IcebergPartitionSpec(fields: [.init(sourceID: 5, fieldID: 1000, name: "tags", transform: .identity)]))
        }
    }

    @Test func inletMergesIntoNestedFilesPyicebergWrote() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        try await lake.pyiceberg("""
            import pyarrow as pa
            from pyiceberg.schema import Schema
            from pyiceberg.types import NestedField, LongType, StringType, IntegerType, StructType, ListType, MapType
            catalog.create_namespace("ns")
            table = catalog.create_table("ns.py", schema=Schema(
                NestedField(1, "id", LongType(), required=True),
                NestedField(2, "customer", StructType(NestedField(3, "name", StringType()), NestedField(4, "tier", IntegerType(), required=True))),
                NestedField(5, "tags", ListType(6, StringType(), element_required=False)),
                NestedField(7, "counters", MapType(8, StringType(), 9, LongType(), value_required=False)),
                identifier_field_ids=[1]))
            arrow = table.schema().as_arrow()
            n = 500
            table.append(pa.Table.from_pylist([{
                "id": i,
                "customer": None if i % 5 == 0 else {"name": f"py {i}", "tier": 1},
                "tags": None if i % 4 == 0 else [f"t{j}" for j in range(i % 3)],
                "counters": None if i % 6 == 0 else [(f"c{j}", i + j) for j in range(i % 3)],
            } for i in range(n)], schema=arrow))
            """)
        var table = try SQLiteCatalog(path: lake.database, warehouse: "file://" + lake.warehouse).loadTable(namespace: "ns", name: "py")
        let fields = try table.metadata.currentSchema.fields
        #expect(fields.map(\.name) == ["id", "customer", "tags", "counters"])
        try table.merge(rows: [
            [.int64(10), .structure([.string("swift"), .int32(2)]), .list([.string("s")]), .map(keys: [.string("k")], values: [nil])],
            [.int64(900), nil, .list([]), .map(keys: [], values: [])],
        ])
        try await lake.verify("py", rows: 501, snapshots: 2)
        let rows = try await pyicebergRows(lake, "py")
        #expect(rows[10] == ["id": 10, "customer": ["name": "swift", "tier": 2], "tags": ["s"], "counters": ["k": .null]])
        #expect(rows[900] == ["id": 900, "customer": .null, "tags": [], "counters": []])
        #expect(rows[11] == ["id": 11, "customer": ["name": "py 11", "tier": 1], "tags": ["t0", "t1"], "counters": ["c0": 11, "c1": 12]])
        #expect(rows[12] == ["id": 12, "customer": ["name": "py 12", "tier": 1], "tags": .null, "counters": .null])
    }
}

extension IcebergNestedTests {
    /// (The new column is a struct, not a list of structs: pyiceberg 0.12 reads a null list of structs
    /// as an empty list, even in tables it wrote itself, so the readers would disagree.)
    @Test func aNestedColumnAddedLaterGetsFreshIdsAndOlderRowsReadItAsNull() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "e", schema: schema)
        try table.append(rows: (0..<10).map { row($0) })
        // The ids given inside the new type are placeholders: the table numbers them after its last id.
        try table.updateSchema([.addColumn(name: "refund", type: .structure([
            IcebergField(id: 0, name: "amount", type: .double), IcebergField(id: 0, name: "reasons", type: .list(elementID: 0, element: .string)),
        ]))])
        let added = try #require(try table.metadata.currentSchema.fields.last)
        #expect(added == IcebergField(id: 14, name: "refund", type: .structure([
            IcebergField(id: 15, name: "amount", type: .double), IcebergField(id: 16, name: "reasons", type: .list(elementID: 17, element: .string)),
        ])))
        try table.append(rows: (10..<20).map { row($0) + [.structure([.double(1.5), .list([.string("late")])])] })
        try await lake.verify("e", rows: 20, snapshots: 2)
        // A merge rewrites an old file (no `refund` column) together with a new row.
        try table.merge(rows: [row(3) + [.structure([nil, .list([])])]])
        try await lake.verify("e", rows: 20, snapshots: 3)
        let rows = try await pyicebergRows(lake, "e")
        #expect(rows[1]?["refund"] == .null && rows[3]?["refund"] == ["amount": .null, "reasons": []])
        #expect(rows[12]?["refund"] == ["amount": 1.5, "reasons": ["late"]])
    }
}
