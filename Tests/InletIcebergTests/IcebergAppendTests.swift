import Foundation
import InletIceberg
import InletJSON
import InletParquet
import Testing

/// Tables written by Inlet, read by pyiceberg and DuckDB through `../shared/iceberg/iceberg_verify.py`,
/// and tables written by pyiceberg appended to by Inlet.
@Suite("Iceberg appends read by pyiceberg and DuckDB")
struct IcebergAppendTests {
    private let schema = IcebergSchema(fields: [
        IcebergField(id: 1, name: "id", type: .long, isRequired: true),
        IcebergField(id: 2, name: "name", type: .string),
        IcebergField(id: 3, name: "amount", type: .double),
        IcebergField(id: 4, name: "active", type: .boolean),
        IcebergField(id: 5, name: "quantity", type: .int),
        IcebergField(id: 6, name: "updated_at", type: .timestamptz),
        IcebergField(id: 7, name: "day", type: .date),
    ], identifierFieldIDs: [1])

    private func rows(_ range: Range<Int>) -> [[ParquetValue?]] {
        range.map { index in
            [.int64(Int64(index)), index % 9 == 0 ? nil : .string("name \(index)"), .double(Double(index) * 0.25),
             index % 4 == 0 ? nil : .boolean(index % 2 == 0), .int32(Int32(index % 1000)),
             .int64(1_717_200_000_000_000 + Int64(index) * 1_000_000), .int32(19_875 + Int32(index % 365))]
        }
    }

    @Test func appendsAreReadIdenticallyByBothReaders() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        var table = try catalog.createTable(namespace: "ns", name: "orders", schema: schema)
        try table.append(rows: rows(0..<3000))
        try table.append(rows: rows(3000..<5000), compression: .gzip)
        #expect(table.metadata.lastSequenceNumber == 2)
        #expect(throws: IcebergError.tableExists("ns.orders")) { _ = try catalog.createTable(namespace: "ns", name: "orders", schema: schema) }

        let report = try await lake.verify("orders", rows: 5000, snapshots: 2, extra: ["--expect-operation", "append"])
        #expect(report.contains("rows=5000") && report.hasSuffix("OK\n"), "\(report)")
        // A second writer from the same catalog sees the table as committed.
        let reloaded = try catalog.loadTable(namespace: "ns", name: "orders")
        #expect(reloaded.metadata.currentSnapshotID == table.metadata.currentSnapshotID)
    }

    @Test func emptyAppendsAndRefusedRowsLeaveNothingBehind() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "e", schema: schema)
        #expect(try table.append(rows: []) == nil)
        #expect(table.metadata.currentSnapshotID == nil)
        // The third row is refused (id is required): no snapshot, and no data file stays behind.
        #expect(throws: IcebergError.self) { try table.append(rows: rows(0..<2) + [[nil, nil, nil, nil, nil, nil, nil]]) }
        #expect(table.metadata.currentSnapshotID == nil)
        let data = (try? FileManager.default.contentsOfDirectory(atPath: lake.warehouse + "/ns/e/data")) ?? []
        #expect(data.isEmpty, "\(data)")
        try table.append(rows: rows(0..<5))
        try await lake.verify("e", rows: 5, snapshots: 1)
    }

    @Test func everyPrimitiveTypeIsReadBackByPyicebergAsWritten() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let types: [IcebergType] = [.boolean, .int, .long, .float, .double, .date, .timestamp, .timestamptz, .string, .binary]
        let schema = IcebergSchema(fields: types.enumerated().map { IcebergField(id: Int32($0.offset + 1), name: $0.element.primitiveName!, type: $0.element) })
        var table = try lake.catalog().createTable(namespace: "ns", name: "types", schema: schema)
        let rows: [[ParquetValue?]] = (0..<20).map { index in
            if index == 7 { return Array(repeating: nil, count: types.count) }
            return [.boolean(index % 2 == 0), .int32(Int32(index) - 10), .int64(Int64(index) << 40), .float(Float(index) / 8),
                    .double(-Double(index) * 1.25), .int32(19_000 + Int32(index)), .int64(1_700_000_000_000_000 + Int64(index)),
                    .int64(1_700_000_000_000_000 - Int64(index)), .string("é\(index)"), .bytes([0, 255, UInt8(index)])]
        }
        try table.append(rows: rows)
        try await lake.verify("types", rows: 20, snapshots: 1)
        let output = try await lake.pyiceberg("""
            import json, datetime
            t = catalog.load_table("ns.types")
            def plain(v):
                if isinstance(v, bytes): return list(v)
                if isinstance(v, datetime.datetime):
                    if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
                    return int(v.timestamp() * 1_000_000)
                if isinstance(v, datetime.date): return (v - datetime.date(1970, 1, 1)).days
                return v
            rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: (r["int"] is None, r["int"] or 0))
            print(json.dumps([[plain(r[c]) for c in ["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string", "binary"]] for r in rows]))
            print(json.dumps([str(f.field_type) for f in t.schema().fields]))
            """)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.last == #"["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string", "binary"]"#)
        let read = try JSONParser.parse(lines.first ?? "").arrayValue ?? []
        #expect(read.count == 20)
        #expect(read.last == .array(Array(repeating: .null, count: 10)))
        let second = try #require(read.dropFirst().first?.arrayValue)
        #expect(second == [false, -9, .int(1 << 40), 0.125, -1.25, 19_001, .int(1_700_000_000_000_001), .int(1_699_999_999_999_999), "é1", [0, 255, 1]])
    }

    @Test func inletAppendsToATableThatPyicebergCreated() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let (database, warehouse) = (lake.database, lake.warehouse)
        try await lake.pyiceberg("""
            import pyarrow as pa, sys
            from pyiceberg.schema import Schema
            from pyiceberg.types import NestedField, LongType, StringType
            catalog.create_namespace("ns")
            table = catalog.create_table("ns.events", schema=Schema(
                NestedField(1, "id", LongType(), required=True), NestedField(2, "kind", StringType(), required=False)))
            table.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "kind": ["a", None, "c"]},
                                  schema=pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("kind", pa.string())])))
            """)
        var table = try SQLiteCatalog(path: database, warehouse: "file://" + warehouse).loadTable(namespace: "ns", name: "events")
        try table.append(rows: [[.int64(4), .string("d")], [.int64(5), nil]])
        let report = try await lake.verify("events", rows: 5, snapshots: 2)
        #expect(report.contains("rows=5 ") && report.hasSuffix("OK\n"), "\(report)")
        // Overwriting deletes pyiceberg's data file as well as Inlet's; pyiceberg then appends on top.
        try table.overwrite(rows: [[.int64(9), .string("z")]])
        try await lake.pyiceberg("""
            import pyarrow as pa
            table = catalog.load_table("ns.events")
            assert table.scan().to_arrow().to_pylist() == [{"id": 9, "kind": "z"}], table.scan().to_arrow().to_pylist()
            table.append(pa.table({"id": pa.array([10], pa.int64()), "kind": ["y"]},
                                  schema=pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("kind", pa.string())])))
            """)
        try await lake.verify("events", rows: 2, snapshots: 4)
    }

    @Test func anOverwriteReplacesEveryRowInOneSnapshot() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        var table = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
        try table.append(rows: rows(0..<1000))
        try table.append(rows: rows(1000..<3000))
        try table.overwrite(rows: rows(5000..<5500))
        let summary = try #require(table.metadata.currentSnapshot?["summary"]?.objectValue)
        #expect(summary["deleted-data-files"] == "2" && summary["deleted-records"] == "3000" && summary["total-records"] == "500")
        let report = try await lake.verify("t", rows: 500, snapshots: 3, extra: ["--expect-operation", "overwrite"])
        #expect(report.contains("rows=500 ") && report.hasSuffix("OK\n"), "\(report)")
        // Appending after the overwrite carries only the new data.
        try table.append(rows: rows(6000..<6010))
        try await lake.verify("t", rows: 510, snapshots: 4)
    }

    @Test func schemaEvolutionNeedsNoRewriteAndBothReadersFollowIt() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        var table = try catalog.createTable(namespace: "ns", name: "t", schema: IcebergSchema(fields: [
            IcebergField(id: 1, name: "id", type: .long, isRequired: true),
            IcebergField(id: 2, name: "count", type: .int, isRequired: true),
            IcebergField(id: 3, name: "ratio", type: .float),
        ]))
        let firstRows = (0..<100).map { index -> [ParquetValue?] in [.int64(Int64(index)), .int32(Int32(index)), .float(Float(index) / 2)] }
        try table.append(rows: firstRows)
        try table.updateSchema([.addColumn(name: "note", type: .string), .widen(column: "count", to: .long),
                                .widen(column: "ratio", to: .double), .makeOptional(column: "count")])
        #expect(throws: IcebergError.invalidMetadata("column 'note' cannot change from string to long")) {
            try table.updateSchema([.widen(column: "note", to: .long)])
        }
        #expect(throws: IcebergError.invalidMetadata("column 'id' already exists")) {
            try table.updateSchema([.addColumn(name: "id", type: .string)])
        }
        let evolved = try table.metadata.currentSchema
        #expect(evolved.schemaID == 1 && evolved.fields.map(\.id) == [1, 2, 3, 4])
        let laterRows = (100..<150).map { index -> [ParquetValue?] in
            let count: ParquetValue? = index % 2 == 0 ? nil : .int64(Int64(index) << 33)
            return [.int64(Int64(index)), count, .double(0.1), .string("n\(index)")]
        }
        try table.append(rows: laterRows)
        let report = try await lake.verify("t", rows: 150, snapshots: 2)
        #expect(report.contains("(2, 'count', 'long', False)") && report.contains("(4, 'note', 'string', False)"), "\(report)")
        #expect(report.contains("('ratio', 'DOUBLE')") && report.hasSuffix("OK\n"), "\(report)")
    }

    @Test func aLostRaceIsRebuiltOnTheWinnersSnapshot() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let catalog = try lake.catalog()
        var first = try catalog.createTable(namespace: "ns", name: "t", schema: schema)
        var second = try catalog.loadTable(namespace: "ns", name: "t")
        try first.append(rows: rows(0..<10))
        // `second` still holds the empty table; its commit must land on top of `first`'s.
        try second.append(rows: rows(10..<25))
        #expect(second.metadata.lastSequenceNumber == 2)
        // The losing attempt's manifest list and metadata file are gone: every file left is the table's.
        let metadataFiles = try FileManager.default.contentsOfDirectory(atPath: lake.warehouse + "/ns/t/metadata")
        #expect(metadataFiles.filter { $0.hasSuffix(".metadata.json") }.count == 3)
        #expect(metadataFiles.filter { $0.hasPrefix("snap-") }.count == 2)
        try await lake.verify("t", rows: 25, snapshots: 2)
    }
}

extension IcebergAppendTests {
    /// Decimals of each storage (INT32, INT64, fixed bytes), times, UUIDs and fixed bytes: written,
    /// rewritten by a merge, read back by pyiceberg, with bounds pyiceberg decodes.
    @Test func decimalsTimesUUIDsAndFixedBytesAreReadBackAsWritten() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        let schema = IcebergSchema(fields: [
            IcebergField(id: 1, name: "id", type: .long, isRequired: true),
            IcebergField(id: 2, name: "price", type: .decimal(precision: 9, scale: 2)),
            IcebergField(id: 3, name: "total", type: .decimal(precision: 18, scale: 4)),
            IcebergField(id: 4, name: "huge", type: .decimal(precision: 38, scale: 10)),
            IcebergField(id: 5, name: "at", type: .time),
            IcebergField(id: 6, name: "key", type: .uuid),
            IcebergField(id: 7, name: "code", type: .fixed(3)),
        ], identifierFieldIDs: [1])
        var table = try lake.catalog().createTable(namespace: "ns", name: "d", schema: schema)
        /// An unscaled value as the 16 big-endian two's-complement bytes of a decimal(38, _).
        func wide(_ value: Int64) -> ParquetValue {
            .bytes(Array(repeating: value < 0 ? 0xFF : 0, count: 8) + withUnsafeBytes(of: value.bigEndian, Array.init))
        }
        let rows: [[ParquetValue?]] = (0..<10).map { index in
            let n = Int64(index)
            if index == 4 { return [.int64(n), nil, nil, nil, nil, nil, nil] }
            return [.int64(n), .int32(Int32(index * 1234 - 5000)), .int64(n * 123_456_789 - 400_000_000), wide(n * 7_000_000_000_000 - 30_000_000_000_000),
                    .int64(n * 3_600_000_000 + 59_000_001), .bytes((0..<16).map { UInt8($0 * 16 + index) }), .bytes([UInt8(index), 0xFF, 0])]
        }
        try table.append(rows: rows)
        try await lake.verify("d", rows: 10, snapshots: 1)
        #expect(throws: IcebergError.self) { try table.append(rows: [[.int64(99), nil, nil, nil, nil, nil, .bytes([1, 2])]]) }
        try table.merge(rows: [[.int64(3), .int32(-1), .int64(-1), wide(-1), .int64(0), .bytes(Array(repeating: 0xAB, count: 16)), .bytes([1, 2, 3])]])
        try await lake.verify("d", rows: 10, snapshots: 2)
        let output = try await lake.pyiceberg("""
            import json
            t = catalog.load_table("ns.d")
            def plain(v):
                if v is None: return None
                if isinstance(v, bytes): return v.hex()
                return str(v)
            rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
            print(json.dumps({str(r["id"]): [plain(r[c]) for c in ["price", "total", "huge", "at", "key", "code"]] for r in rows}))
            # (Manifests read directly: pyiceberg's inspect.files() cannot build UUID bounds.)
            from pyiceberg.conversions import from_bytes
            bounds = {}
            for manifest in t.current_snapshot().manifests(t.io):
                for entry in manifest.fetch_manifest_entry(t.io):
                    for c in ["price", "total", "huge"]:
                        field = t.schema().find_field(c)
                        low, high = entry.data_file.lower_bounds[field.field_id], entry.data_file.upper_bounds[field.field_id]
                        bounds.setdefault(c, []).append([str(from_bytes(field.field_type, low)), str(from_bytes(field.field_type, high))])
            print(json.dumps(bounds))
            print(json.dumps([str(f.field_type) for f in t.schema().fields]))
            """)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.last == #"["long", "decimal(9, 2)", "decimal(18, 4)", "decimal(38, 10)", "time", "uuid", "fixed[3]"]"#)
        let values = try JSONParser.parse(lines[lines.count - 3])
        #expect(values["2"] == ["-25.32", "-15308.6422", "-1600.0000000000", "02:00:59.000001", "02122232-4252-6272-8292-a2b2c2d2e2f2", "02ff00"])
        #expect(values["3"] == ["-0.01", "-0.0001", "-1E-10", "00:00:00", "abababab-abab-abab-abab-abababababab", "010203"])
        #expect(values["4"] == [.null, .null, .null, .null, .null, .null])
        // Every file's bounds decode to numbers within the rows' range (the rewritten file's included).
        let bounds = try JSONParser.parse(lines[lines.count - 2])
        #expect(bounds["price"]?.arrayValue?.contains(["-50.00", "61.06"]) == true, "\(bounds)")
        #expect(bounds["huge"]?.arrayValue?.contains(["-3000.0000000000", "3300.0000000000"]) == true, "\(bounds)")
    }
}

extension IcebergAppendTests {
    @Test func batchesWrittenByThreeWorkersLandInOneSnapshot() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "w", schema: schema)
        let chunks = stride(from: 0, to: 5000, by: 400).map { $0..<min($0 + 400, 5000) }
        try table.append(batches: chunks, workers: 3) { chunk in
            chunk.map { index in
                [.int64(Int64(index)), .string("name \(index)"), .double(Double(index) * 0.25), nil, .int32(Int32(index % 1000)), nil, nil]
            }
        }
        try await lake.verify("w", rows: 5000, snapshots: 1)
        let data = try FileManager.default.contentsOfDirectory(atPath: lake.warehouse + "/ns/w/data")
        #expect(data.count == 3, "\(data)")
        let rows = try await lake.pyiceberg("""
            t = catalog.load_table("ns.w")
            print(sorted(r["id"] for r in t.scan().to_arrow().to_pylist()) == list(range(5000)))
            """)
        #expect(rows.hasSuffix("True\n"))
    }

    @Test func aBatchThatCannotBeConvertedFailsTheWriteAndLeavesNoFile() async throws {
        let lake = try TestWarehouse()
        defer { lake.remove() }
        var table = try lake.catalog().createTable(namespace: "ns", name: "f", schema: schema)
        try table.append(rows: rows(0..<10))
        let chunks = stride(from: 0, to: 4000, by: 100).map { $0..<($0 + 100) }
        #expect(throws: IcebergError.invalidMetadata("record 2345 has no id")) {
            try table.append(batches: chunks, workers: 2) { (chunk) throws(IcebergError) -> [[ParquetValue?]] in
                if chunk.contains(2345) { throw .invalidMetadata("record 2345 has no id") }
                return chunk.map { [.int64(Int64($0)), nil, nil, nil, nil, nil, nil] }
            }
        }
        let data = try FileManager.default.contentsOfDirectory(atPath: lake.warehouse + "/ns/f/data")
        #expect(data.count == 1, "\(data)")
        try await lake.verify("f", rows: 10, snapshots: 1)
    }
}
