import Foundation
import InletTestSupport
import InletParquet
import Testing

/// Files written by pyarrow (dictionary pages, v1 and v2 data pages, several codecs) and by Inlet,
/// read by Inlet's reader.
@Suite("Reading Parquet files")
struct ParquetReaderTests {
    private func expected(_ index: Int) -> [ParquetValue?] {
        [
            .int64(Int64(index)),
            index % 7 == 3 ? nil : .string("n\(index % 50)"),
            .double(Double(index) * 0.5),
            index % 5 == 0 ? nil : .boolean(index % 2 == 0),
            .int32(Int32(index % 100)),
            .int32(19_000 + Int32(index % 300)),
            .int64(1_700_000_000_000_000 + Int64(index)),
        ]
    }

    @Test(arguments: [("zstd", "1.0"), ("zstd", "2.0"), ("gzip", "1.0"), ("snappy", "1.0"), ("snappy", "2.0"), ("none", "2.0")])
    func readsWhatPyarrowWrites(codec: String, pageVersion: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-read-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let count = 4321
        let script = #"""
        import sys, datetime, pyarrow as pa, pyarrow.parquet as pq
        path, codec, version, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        def field(name, type, fid, nullable=True):
            return pa.field(name, type, nullable=nullable, metadata={b"PARQUET:field_id": str(fid).encode()})
        schema = pa.schema([field("id", pa.int64(), 1, False), field("name", pa.string(), 2), field("amount", pa.float64(), 3),
                            field("flag", pa.bool_(), 4), field("count", pa.int32(), 5), field("day", pa.date32(), 6),
                            field("ts", pa.timestamp("us", tz="UTC"), 7)])
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        rows = {"id": list(range(n)), "name": [None if i % 7 == 3 else f"n{i % 50}" for i in range(n)],
                "amount": [i * 0.5 for i in range(n)], "flag": [None if i % 5 == 0 else i % 2 == 0 for i in range(n)],
                "count": [i % 100 for i in range(n)], "day": [datetime.date(1970, 1, 1) + datetime.timedelta(days=19000 + i % 300) for i in range(n)],
                "ts": [epoch + datetime.timedelta(microseconds=1_700_000_000_000_000 + i) for i in range(n)]}
        pq.write_table(pa.table(rows, schema=schema), path, compression=codec, use_dictionary=True,
                       data_page_version=version, row_group_size=1000)
        """#
        let written = try await FinishedProcess.run(ParquetReaders.python, ["-c", script, path, codec, pageVersion, String(count)])
        try #require(written.status == 0, "\(written.output)")

        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == Int64(count))
        #expect(reader.columns.map(\.fieldID) == [1, 2, 3, 4, 5, 6, 7])
        #expect(reader.columns.map(\.name) == ["id", "name", "amount", "flag", "count", "day", "ts"])
        // Read and compared on a thread of its own: seconds of work in a debug build, which would
        // hold one of the cooperative pool's two threads.
        let differing = try await onOwnThread { [self] () throws -> [String] in
            let reader = try ParquetFileReader(path: path)
            return try reader.columns.enumerated().compactMap { position, column in
                let values = try reader.values(ofFieldID: column.fieldID)
                return values == (0..<count).map { expected($0)[position] } ? nil : column.name
            }
        }
        #expect(differing.isEmpty, "columns read differently: \(differing)")
    }

    @Test(arguments: [ParquetCompression.zstd, .gzip, .snappy, .uncompressed])
    func readsWhatInletWrites(compression: ParquetCompression) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-read-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let columns = [
            ParquetColumn(name: "id", fieldID: 1, physicalType: .int64, isRequired: true),
            ParquetColumn(name: "name", fieldID: 2, physicalType: .byteArray, logicalType: .string),
            ParquetColumn(name: "amount", fieldID: 3, physicalType: .double),
            ParquetColumn(name: "flag", fieldID: 4, physicalType: .boolean),
            ParquetColumn(name: "count", fieldID: 5, physicalType: .int32),
            ParquetColumn(name: "day", fieldID: 6, physicalType: .int32, logicalType: .date),
            ParquetColumn(name: "ts", fieldID: 7, physicalType: .int64, logicalType: .timestampMicros(adjustedToUTC: true)),
        ]
        var writer = try ParquetFileWriter(path: path, columns: columns,
                                           options: .init(compression: compression, rowGroupBytes: 8 << 10, pageBytes: 2 << 10))
        for index in 0..<3000 { try writer.write(row: expected(index)) }
        _ = try writer.close()
        let reader = try ParquetFileReader(path: path)
        #expect(reader.columns == columns)
        for column in columns {
            let position = columns.firstIndex(of: column)!
            #expect(try reader.values(ofFieldID: column.fieldID) == (0..<3000).map { expected($0)[position] }, "column \(column.name)")
        }
    }

    @Test func aFileThatIsNotParquetIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-read-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("definitely not parquet".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ParquetError.corrupt("\(path) has no Parquet footer")) { _ = try ParquetFileReader(path: path) }
    }
}
