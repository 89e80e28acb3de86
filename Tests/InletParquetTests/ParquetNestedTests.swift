import Foundation
import InletJSON
import InletParquet
import Testing

/// Lists, structs and maps, with nulls and empty lists at every level, written by Inlet and read
/// back by pyarrow, DuckDB and Inlet's own reader.
@Suite("Nested Parquet columns")
struct ParquetNestedTests {
    private static func string(_ name: String, _ id: Int32, required: Bool = false) -> ParquetField {
        ParquetField(name: name, fieldID: id, isRequired: required, kind: .primitive(.byteArray, .string))
    }

    private let fields: [ParquetField] = [
        ParquetField(name: "id", fieldID: 1, isRequired: true, kind: .primitive(.int64, nil)),
        ParquetField(name: "address", fieldID: 2, kind: .structure([
            string("street", 3),
            ParquetField(name: "zip", fieldID: 4, isRequired: true, kind: .primitive(.int32, nil)),
            ParquetField(name: "tags", fieldID: 5, kind: .list(element: string("element", 6))),
        ])),
        ParquetField(name: "scores", fieldID: 7, kind: .list(element: ParquetField(name: "element", fieldID: 8, isRequired: true,
                                                                                   kind: .primitive(.double, nil)))),
        ParquetField(name: "attributes", fieldID: 9, kind: .map(
            key: string("key", 10, required: true),
            value: ParquetField(name: "value", fieldID: 11, kind: .primitive(.int64, nil)))),
        ParquetField(name: "matrix", fieldID: 12, kind: .list(element: ParquetField(
            name: "element", fieldID: 13, kind: .list(element: ParquetField(name: "element", fieldID: 14, kind: .primitive(.int32, nil)))))),
        ParquetField(name: "contacts", fieldID: 15, isRequired: true, kind: .list(element: ParquetField(
            name: "element", fieldID: 16, kind: .structure([string("name", 17, required: true), string("phone", 18)])))),
    ]

    private func row(_ i: Int) -> [ParquetValue?] {
        let address: ParquetValue? = i % 10 == 0 ? nil : .structure([
            i % 3 == 0 ? nil : .string("street \(i)"),
            .int32(Int32(i % 1000)),
            i % 4 == 0 ? nil : .list((0..<(i % 3)).map { $0 == 1 && i % 5 == 0 ? nil : .string("t\($0)-\(i % 50)") }),
        ])
        let scores: ParquetValue? = i % 7 == 0 ? nil : .list((0..<(i % 4)).map { .double(Double(i) + Double($0) / 4) })
        let attributes: ParquetValue? = i % 6 == 0 ? nil : .map(keys: (0..<(i % 3)).map { .string("k\($0)") },
                                                                 values: (0..<(i % 3)).map { $0 == 1 ? nil : .int64(Int64(i * 10 + $0)) })
        let matrix: ParquetValue? = i % 8 == 0 ? nil : .list((0..<(i % 3)).map { r in
            r == 1 && i % 2 == 0 ? nil : .list((0..<((i + r) % 3)).map { .int32(Int32(r * 10 + $0)) })
        })
        let contacts: ParquetValue = .list((0..<(i % 2 + 1)).map { c in
            c == 0 && i % 9 == 0 ? nil : .structure([.string("n\(c)-\(i)"), i % 3 == 1 ? nil : .string("555-\(i)")])
        })
        return [.int64(Int64(i)), address, scores, attributes, matrix, contacts]
    }

    /// What the Python readers give for a value (maps as objects, empty maps as empty lists).
    private func json(_ value: ParquetValue?, _ field: ParquetField) -> JSONValue {
        guard let value else { return .null }
        switch (value, field.kind) {
        case (.int32(let number), _): return .int(Int64(number))
        case (.int64(let number), _): return .int(number)
        case (.double(let number), _): return .double(number)
        case (.string(let text), _): return .string(text)
        case (.structure(let values), .structure(let children)):
            return .object(JSONObject(zip(children, values).map { ($0.name, json($1, $0)) }))
        case (.list(let elements), .list(let element)): return .array(elements.map { json($0, element) })
        case (.map(let keys, let values), .map(_, let valueField)):
            guard !keys.isEmpty else { return [] }
            return .object(JSONObject(zip(keys, values).map { key, value in
                guard case .string(let name) = key else { return ("?", .null) }
                return (name, json(value, valueField))
            }))
        default: return "unexpected"
        }
    }

    @Test func nestedValuesSurviveEveryReader() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-nested-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested.parquet").path
        let count = 3000
        // Small pages and a small dictionary: many pages per chunk, and dictionaries that fill mid-page.
        var writer = try ParquetFileWriter(path: path, fields: fields,
                                           options: .init(compression: .zstd, rowGroupBytes: 8 << 10, pageBytes: 2 << 10, dictionaryBytes: 600))
        for index in 0..<count { try writer.write(row: row(index)) }
        let summary = try writer.close()
        #expect(summary.rowCount == Int64(count))
        #expect(summary.columns.map(\.fieldID) == [1, 3, 4, 6, 8, 10, 11, 14, 17, 18])
        #expect(summary.columns.map(\.isRepeated) == [false, false, false, true, true, true, true, true, true, true])

        // Inlet's reader assembles exactly what was written.
        let reader = try ParquetFileReader(path: path)
        #expect(reader.fields == fields)
        for (position, field) in fields.enumerated() {
            let values = try reader.values(ofFieldID: try #require(field.fieldID))
            #expect(values.count == count)
            let mismatch = (0..<count).first { values[$0] != row($0)[position] }
            #expect(mismatch == nil, "field \(field.name) differs at row \(mismatch ?? -1)")
        }

        let script = #"""
        import json, sys, duckdb, pyarrow.parquet as pq
        def canon(v):
            if isinstance(v, list) and v and all(isinstance(e, tuple) for e in v): return {k: canon(x) for k, x in v}
            if isinstance(v, dict): return {k: canon(x) for k, x in v.items()} if v else []
            if isinstance(v, list): return [canon(x) for x in v]
            return v
        table = pq.read_table(sys.argv[1])
        arrow = [[canon(v) for v in row.values()] for row in table.to_pylist()]
        duck = [[canon(v) for v in row] for row in duckdb.connect().execute("SELECT * FROM read_parquet(?) ORDER BY id", [sys.argv[1]]).fetchall()]
        print(json.dumps({"arrow": arrow, "duckdb": duck, "row_groups": pq.ParquetFile(sys.argv[1]).metadata.num_row_groups}))
        """#
        let output = try await JSONParser.parse(try ParquetReaders.run(script, [path]))
        #expect((output["row_groups"]?.intValue ?? 0) > 1)
        let expected = JSONValue.array((0..<count).map { index in .array(zip(fields, row(index)).map { json($1, $0) }) })
        for reader in ["arrow", "duckdb"] {
            let rows = output[reader]?.arrayValue ?? []
            #expect(rows.count == count, "\(reader)")
            let mismatch = rows.indices.first { rows[$0] != expected[$0] }
            #expect(mismatch == nil, "\(reader) row \(mismatch ?? -1): \(mismatch.map { JSONWriter.string(from: rows[$0]) } ?? "") != \(mismatch.map { JSONWriter.string(from: expected[$0] ?? .null) } ?? "")")
        }
    }

    @Test func valuesThatDoNotFitTheirFieldAreRefusedWithTheirPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-nested-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try ParquetFileWriter(path: path, fields: fields)
        var bad = row(1)
        bad[1] = .structure([.string("s"), nil, nil])
        #expect(throws: ParquetError.missingRequiredValue(column: "address.zip")) { try writer.write(row: bad) }
        bad = row(1)
        bad[4] = .list([.list([.string("x")])])
        #expect(throws: ParquetError.typeMismatch(column: "matrix.element.element", expected: "int32", got: "byteArray")) {
            try writer.write(row: bad)
        }
        bad = row(1)
        bad[3] = .list([])
        #expect(throws: ParquetError.typeMismatch(column: "attributes", expected: "map", got: "list")) { try writer.write(row: bad) }
        try writer.write(row: row(2))
        #expect(try writer.close().rowCount == 1)
    }
}
