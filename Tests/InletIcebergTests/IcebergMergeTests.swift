import Foundation
import InletIceberg
import InletJSON
import InletParquet
import Testing

/// Upserts as copy-on-write, read back by pyiceberg and DuckDB.
@Suite("Iceberg merges")
struct IcebergMergeTests {
    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "name", type: .string),
        IcebergField(id: 3, name: "version", type: .int),
    ], identifierFieldIDs: [1])

    private func row(_ id: Int, _ name: String, version: Int32 = 1) -> [ParquetValue?] {
        [.int64(Int64(id)), .string(name), .int32(version)]
    }

    /// Rows as pyiceberg sees them: id → (name, version).
    private func tableRows(_ lake: TestWarehouse, _ table: String) async throws -> [Int: [String]] {
        let output = try await lake.pyiceberg("""
            import json
            t = catalog.load_table("ns.\(table)")
            print(json.dumps([[r["id"], r["name"], r["version"]] for r in t.scan().to_arrow().to_pylist()]))
            """)
        var rows: [Int: [String]] = [:]
        for row in try JSONParser.parse(output).arrayValue ?? [] {
            guard let id = row[0]?.intValue else { continue }
            #expect(rows[Int(id)] == nil, "id \(id) appears twice")
            rows[Int(id)] = [row[1]?.stringValue ?? "null", row[2]?.intValue.map(String.init) ?? "null"]
        }
        return rows
    }

    @Test func rowsOfMatchingKeysAreReplacedAndOnlyFilesThatCanMatchAreRead() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "t", schema: schema)
        // Three files with even ids: [0, 1998], [2000, 3998], [4000, 5998].
        for file in 0..<3 { try table.append(rows: stride(from: file * 2000, to: (file + 1) * 2000, by: 2).map { row($0, "old \($0)") }) }
        // Updates of even ids and inserts of odd ids, all inside the second file's range; id 2500 twice.
        var incoming = stride(from: 2500, through: 2600, by: 2).map { row($0, "new \($0)", version: 2) }
        incoming += stride(from: 2501, through: 2599, by: 2).map { row($0, "inserted \($0)", version: 2) }
        incoming.append(row(2500, "newest 2500", version: 3))
        try table.merge(rows: incoming)

        let summary = try #require(table.metadata.currentSnapshot?["summary"]?.objectValue)
        #expect(summary["operation"] == "overwrite")
        #expect(summary["inlet.files-read"] == "1")
        #expect(summary["deleted-data-files"] == "1")
        #expect(summary["total-records"] == "3050")
        try await lake.verify("t", rows: 3050, snapshots: 4, extra: ["--expect-operation", "overwrite"])
        let rows = try await tableRows(lake, "t")
        #expect(rows.count == 3050)
        #expect(rows[2500] == ["newest 2500", "3"])
        #expect(rows[2502] == ["new 2502", "2"])
        #expect(rows[2501] == ["inserted 2501", "2"])
        #expect(rows[2498] == ["old 2498", "1"])
        #expect(rows[4000] == ["old 4000", "1"])
        // A second merge works on top of the rewritten files.
        try table.merge(rows: [row(0, "first again", version: 9), row(5998, "last again", version: 9)])
        try await lake.verify("t", rows: 3050, snapshots: 5)
        let again = try await tableRows(lake, "t")
        #expect(again[0] == ["first again", "9"] && again[5998] == ["last again", "9"] && again[2500] == ["newest 2500", "3"])
    }

    @Test func positionDeletesAreReadByBothReadersAndHonouredByLaterRewrites() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "d", schema: schema)
        for file in 0..<3 { try table.append(rows: stride(from: file * 2000, to: (file + 1) * 2000, by: 2).map { row($0, "old \($0)") }) }
        var incoming = stride(from: 2500, through: 2600, by: 2).map { row($0, "new \($0)", version: 2) }
        incoming += stride(from: 2501, through: 2599, by: 2).map { row($0, "inserted \($0)", version: 2) }
        try table.merge(rows: incoming, removal: .positionDeletes)
        let summary = try #require(table.metadata.currentSnapshot?["summary"]?.objectValue)
        #expect(summary["added-delete-files"] == "1" && summary["added-position-deletes"] == "51" && summary["deleted-data-files"] == nil)
        try await lake.verify("d", rows: 3050, snapshots: 4)
        var rows = try await tableRows(lake, "d")
        #expect(rows.count == 3050 && rows[2500] == ["new 2500", "2"] && rows[2498] == ["old 2498", "1"])
        // A copy-on-write merge rewriting the same file keeps the earlier deletes: no old row returns.
        try table.merge(rows: [row(2502, "third 2502", version: 3), row(2700, "new 2700", version: 3)])
        try await lake.verify("d", rows: 3050, snapshots: 5)
        rows = try await tableRows(lake, "d")
        #expect(rows.count == 3050 && rows[2502] == ["third 2502", "3"] && rows[2504] == ["new 2504", "2"] && rows[2700] == ["new 2700", "3"])
        // A second round of position deletes on top of the first.
        try table.merge(rows: [row(2504, "fourth 2504", version: 4)], removal: .positionDeletes)
        try await lake.verify("d", rows: 3050, snapshots: 6)
        await #expect(try tableRows(lake, "d")[2504] == ["fourth 2504", "4"])
    }

    @Test func anOverwriteByFilterReplacesOnlyTheSelectedRows() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "f", schema: schema)
        for file in 0..<3 { try table.append(rows: (file * 1000..<(file + 1) * 1000).map { row($0, "old \($0 % 3)") }) }
        try table.overwrite(rows: (1000..<1500).map { row($0, "replaced", version: 2) }, where: .between(fieldID: 1, lower: .int64(1000), upper: .int64(1999)))
        let summary = try #require(table.metadata.currentSnapshot?["summary"]?.objectValue)
        #expect(summary["inlet.files-read"] == "1" && summary["total-records"] == "2500")
        try await lake.verify("f", rows: 2500, snapshots: 4)
        var rows = try await tableRows(lake, "f")
        #expect(rows[1200] == ["replaced", "2"] && rows[1700] == nil && rows[999] == ["old 0", "1"] && rows[2000] == ["old 2", "1"])
        // A filter on a column without usable bounds reads every file; rows it does not match stay.
        try table.overwrite(rows: [row(9000, "nine thousand")], where: .isIn(fieldID: 2, [.string("old 1"), .string("replaced")]))
        rows = try await tableRows(lake, "f")
        let expected: Int = 2500 - 500 - 2000 / 3 + 1
        #expect(rows.count == expected, "\(rows.count)")
        #expect(rows[9000] == ["nine thousand", "1"] && rows[1200] == nil && rows[0] == ["old 0", "1"])
        try await lake.verify("f", rows: rows.count, snapshots: 5)
    }

    @Test func mergesIntoFilesPyicebergWrote() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        try await lake.pyiceberg("""
            import pyarrow as pa
            from pyiceberg.schema import Schema
            from pyiceberg.types import NestedField, LongType, StringType, IntegerType
            catalog.create_namespace("ns")
            table = catalog.create_table("ns.p", schema=Schema(
                NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType(), required=False),
                NestedField(3, "version", IntegerType(), required=False), identifier_field_ids=[1]))
            n = 1000
            table.append(pa.table({"id": pa.array(range(n), pa.int64()), "name": [f"py {i % 10}" for i in range(n)],
                                   "version": pa.array([1] * n, pa.int32())},
                                  schema=pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string()),
                                                    pa.field("version", pa.int32())])))
            """)
        var table = try SQLiteCatalog(path: lake.database, warehouse: "file://" + lake.warehouse).loadTable(namespace: "ns", name: "p")
        try table.merge(rows: [row(10, "swift 10", version: 2), row(2000, "swift 2000", version: 2)])
        try await lake.verify("p", rows: 1001, snapshots: 2)
        let rows = try await tableRows(lake, "p")
        #expect(rows[10] == ["swift 10", "2"] && rows[2000] == ["swift 2000", "2"] && rows[11] == ["py 1", "1"])
    }
}

extension IcebergMergeTests {
    /// pyarrow stores every decimal as fixed bytes; Inlet stores small ones as integers. A merge that
    /// rewrites pyiceberg's file converts them, and the values read back unchanged.
    @Test func mergesRewriteDecimalsPyicebergStoredAsBytes() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        try await lake.pyiceberg("""
            import pyarrow as pa
            from decimal import Decimal
            from pyiceberg.schema import Schema
            from pyiceberg.types import NestedField, LongType, DecimalType
            catalog.create_namespace("ns")
            table = catalog.create_table("ns.m", schema=Schema(
                NestedField(1, "id", LongType(), required=True), NestedField(2, "price", DecimalType(9, 2)),
                NestedField(3, "total", DecimalType(18, 3)), NestedField(4, "huge", DecimalType(30, 5)), identifier_field_ids=[1]))
            table.append(pa.Table.from_pylist([{"id": i, "price": Decimal(i * 125 - 300) / 100, "total": Decimal(-i * 10**12 - 7) / 1000,
                                                "huge": Decimal(i * 10**20 - 1) / 10**5} for i in range(5)], schema=table.schema().as_arrow()))
            """)
        var table = try SQLiteCatalog(path: lake.database, warehouse: "file://" + lake.warehouse).loadTable(namespace: "ns", name: "m")
        try table.merge(rows: [[.int64(9), .int32(12345), .int64(-5), .bytes(Array(repeating: 0xFF, count: 12) + [0xFE])]])
        try await lake.verify("m", rows: 6, snapshots: 2)
        let output = try await lake.pyiceberg("""
            import json
            t = catalog.load_table("ns.m")
            print(json.dumps({str(r["id"]): [str(r["price"]), str(r["total"]), str(r["huge"])] for r in t.scan().to_arrow().to_pylist()}))
            """)
        let rows = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "")
        #expect(rows["1"] == ["-1.75", "-1000000000.007", "999999999999999.99999"])
        #expect(rows["9"] == ["123.45", "-0.005", "-0.00002"])
    }
}

extension IcebergMergeTests {
    @Test(arguments: [RowRemoval.copyOnWrite, .positionDeletes])
    func aMergeByCursorKeepsTheNewerRowOfEachKey(removal: RowRemoval) async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let schema = IcebergSchema(fields: [
            IcebergField(id: 1, name: "id", type: .long, isRequired: true), IcebergField(id: 2, name: "name", type: .string),
            IcebergField(id: 3, name: "updated", type: .long),
        ])
        var table = try lake.catalog().createTable(namespace: "ns", name: "c", schema: schema)
        try table.append(rows: (0..<10).map { [.int64(Int64($0)), .string("v1"), .int64(10)] })
        try table.merge(rows: [
            [.int64(1), .string("older"), .int64(5)],      // older than the table's row: dropped
            [.int64(2), .string("newer"), .int64(20)],     // newer: replaces it
            [.int64(3), .string("no cursor"), nil],        // a null cursor is oldest: dropped
            [.int64(4), .string("b"), .int64(30)], [.int64(4), .string("a"), .int64(25)],   // greatest cursor of the batch wins
            [.int64(42), .string("new"), nil],            // a new key is added whatever its cursor
        ], keyFieldIDs: [1], cursorFieldID: 3, removal: removal)
        try await lake.verify("c", rows: 11, snapshots: 2)
        let output = try await lake.pyiceberg("""
            import json
            print(json.dumps({str(r["id"]): r["name"] for r in catalog.load_table("ns.c").scan().to_arrow().to_pylist()}))
            """)
        let names = try JSONParser.parse(output.split(separator: "\n").last.map(String.init) ?? "")
        #expect(names["1"] == "v1" && names["2"] == "newer" && names["3"] == "v1" && names["4"] == "b" && names["42"] == "new")
    }
}
