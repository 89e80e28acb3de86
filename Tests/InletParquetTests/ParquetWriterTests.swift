import Foundation
import InletParquet
import Testing

/// Files written by Inlet, read back by pyarrow and DuckDB.
@Suite("Parquet files read by pyarrow and DuckDB")
struct ParquetWriterTests {
    private let columns = [
        ParquetColumn(name: "id", fieldID: 1, physicalType: .int64, isRequired: true),
        ParquetColumn(name: "name", fieldID: 2, physicalType: .byteArray, logicalType: .string),
        ParquetColumn(name: "score", fieldID: 3, physicalType: .double),
        ParquetColumn(name: "active", fieldID: 4, physicalType: .boolean),
        ParquetColumn(name: "count", fieldID: 5, physicalType: .int32),
        ParquetColumn(name: "ratio", fieldID: 6, physicalType: .float),
        ParquetColumn(name: "updated", fieldID: 7, physicalType: .int64, logicalType: .timestampMicros(adjustedToUTC: true)),
        ParquetColumn(name: "day", fieldID: 8, physicalType: .int32, logicalType: .date),
        ParquetColumn(name: "payload", fieldID: 9, physicalType: .byteArray, logicalType: .json),
    ]

    private func row(_ index: Int) -> [ParquetValue?] {
        [
            .int64(Int64(index)),
            index % 7 == 3 ? nil : .string(index % 5 == 0 ? "é ✓ \(index)" : "name-\(index)"),
            index % 11 == 0 ? nil : .double(Double(index) * 1.5),
            index % 3 == 0 ? nil : .boolean(index % 2 == 0),
            .int32(Int32(index % 100) - 50),
            .float(Float(index) / 4),
            .int64(1_717_200_000_000_000 + Int64(index)),
            .int32(19_875 + Int32(index % 30)),
            .string("{\"k\": \(index)}"),
        ]
    }

    private func expected(_ index: Int) -> [Any?] {
        row(index).map { value -> Any? in
            switch value {
            case nil: return nil
            case .boolean(let flag)?: return flag
            case .int32(let number)?: return Int(number)
            case .int64(let number)?: return Int(number)
            case .float(let number)?: return Double(number)
            case .double(let number)?: return number
            case .string(let text)?: return text
            case .bytes(let bytes)?: return String(decoding: bytes, as: UTF8.self)
            case .list?, .structure?, .map?: return nil
            }
        }
    }

    private func same(_ lhs: Any?, _ rhs: Any?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil), (nil, is NSNull), (is NSNull, nil): return true
        case (let a as Bool, let b as Bool): return a == b
        case (let a as NSNumber, let b as NSNumber): return a.doubleValue == b.doubleValue
        case (let a as Int, let b as NSNumber): return Double(a) == b.doubleValue
        case (let a as Double, let b as NSNumber): return a == b.doubleValue
        case (let a as String, let b as String): return a == b
        default: return false
        }
    }

    @Test(arguments: [(ParquetCompression.zstd, 1 << 20), (.gzip, 1 << 20), (.snappy, 0), (.uncompressed, 2 << 10)])
    func everyTypeRoundTripsThroughBothReaders(compression: ParquetCompression, dictionaryBytes: Int) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Small pages and row groups, so the file has several of each.
        var writer = try ParquetFileWriter(path: path, columns: columns,
                                           options: .init(compression: compression, rowGroupBytes: 8 << 10, pageBytes: 4 << 10,
                                                          dictionaryBytes: dictionaryBytes))
        let count = 5000
        for index in 0..<count { try writer.write(row: row(index)) }
        let summary = try writer.close()
        #expect(summary.rowCount == Int64(count))
        #expect(summary.fileSize == Int64((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1))
        #expect(summary.rowGroupOffsets.count > 1)
        #expect(summary.columns[1].nullCount == Int64((0..<count).filter { $0 % 7 == 3 }.count))
        #expect(summary.columns[0].minimum == .int64(0) && summary.columns[0].maximum == .int64(Int64(count - 1)))

        let read = try await ParquetReaders.read(path)
        #expect(read["field_ids"] as? [Int] == Array(1...9))
        #expect((read["row_groups"] as? Int ?? 0) == summary.rowGroupOffsets.count)
        #expect(read["types"] as? [String] == ["int64", "string", "double", "bool", "int32", "float",
                                               "timestamp[us, tz=UTC]", "date32[day]", "extension<arrow.json>"]
                || read["types"] as? [String] == ["int64", "string", "double", "bool", "int32", "float",
                                                  "timestamp[us, tz=UTC]", "date32[day]", "string"])
        for reader in ["arrow", "duckdb"] {
            let rows = try #require(read[reader] as? [[Any]], "\(reader) rows")
            #expect(rows.count == count, "\(reader)")
            var mismatches = 0
            for (index, values) in rows.enumerated() where !zip(values, expected(index)).allSatisfy({ same($0, $1) }) || values.count != 9 {
                mismatches += 1
                if mismatches < 3 { Issue.record("\(reader) row \(index): \(values) ≠ \(expected(index))") }
            }
            #expect(mismatches == 0, "\(reader)")
        }
        // Statistics of the first row group, as pyarrow reads them (strings compare as bytes).
        let stats = try #require(read["stats"] as? [Any])
        let idStats = try #require(stats[0] as? [Any])
        #expect(same(idStats[0], 0) && same(idStats[2], 0))
        let nameStats = try #require(stats[1] as? [Any])
        #expect(nameStats[0] as? String == "name-1")
        #expect((nameStats[1] as? String)?.hasPrefix("é ✓") == true)
    }

    @Test func misfitRowsAreRefusedWithTheColumnNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try ParquetFileWriter(path: path, columns: Array(columns.prefix(2)))
        #expect(throws: ParquetError.missingRequiredValue(column: "id")) { try writer.write(row: [nil, .string("x")]) }
        #expect(throws: ParquetError.typeMismatch(column: "name", expected: "byteArray", got: "int64")) {
            try writer.write(row: [.int64(1), .int64(2)])
        }
        #expect(throws: ParquetError.rowWidth(expected: 2, got: 1)) { try writer.write(row: [.int64(1)]) }
        #expect(throws: ParquetError.io(path: "/nonexistent/x.parquet", operation: "creating", errno: ENOENT)) {
            _ = try ParquetFileWriter(path: "/nonexistent/x.parquet", columns: columns)
        }
    }
}
