import Foundation
import InletTestSupport
import InletAvro
import InletJSON
import Testing

/// Container files as Iceberg's manifest lists use them, checked against fastavro both ways.
@Suite("Avro container files")
struct AvroContainerTests {
    /// Part of Iceberg's `manifest_file` schema: unions, an array with an element id, bytes.
    private let schema = AvroSchema.record(name: "manifest_file", fields: [
        AvroField("manifest_path", .string, fieldID: 500),
        AvroField("manifest_length", .long, fieldID: 501),
        AvroField("partition_spec_id", .int, fieldID: 502),
        AvroField("added_snapshot_id", .optional(.long), fieldID: 503, defaultValue: .null),
        AvroField("partitions", .optional(.array(items: .record(name: "r508", fields: [
            AvroField("contains_null", .boolean, fieldID: 509),
            AvroField("lower_bound", .optional(.bytes), fieldID: 510, defaultValue: .null),
        ]), elementID: 508)), fieldID: 507, defaultValue: .null),
        AvroField("ratio", .double, fieldID: 9000),
    ])

    private func records(_ count: Int) -> [AvroValue] {
        (0..<count).map(record)
    }

    private func record(_ index: Int) -> AvroValue {
        let snapshot: AvroValue = index % 2 == 0 ? .union(branch: 0, .null) : .union(branch: 1, .long(Int64(index) << 40))
        let summary: AvroValue = .record([.boolean(index % 3 == 0), .union(branch: 1, .bytes([0, 255, UInt8(index % 256)]))])
        let partitions: [AvroValue] = index % 4 == 0 ? [] : [summary]
        let path = "file:///warehouse/ns/t/metadata/\(index)-m0.avro"
        let length = Int64(index) * 1_000_003 - 5
        return .record([.string(path), .long(length), .int(Int32(index % 3)), snapshot,
                        .union(branch: 1, .array(partitions)), .double(Double(index) / 7)])
    }

    @Test(arguments: [AvroContainer.Codec.null, .deflate])
    func roundTripsThroughItsOwnReader(codec: AvroContainer.Codec) throws {
        let bytes = try AvroContainer.write(records(300), schema: schema, metadata: [("format-version", "2")], codec: codec)
        let contents = try AvroContainer.read(bytes)
        #expect(contents.schema == schema)
        #expect(contents.metadata["format-version"] == "2")
        #expect(contents.records == records(300))
    }

    @Test func fastavroReadsOurFilesAndWeReadItsDeflatedOnes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-avro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ours = directory.appendingPathComponent("ours.avro")
        try Data(try AvroContainer.write(records(50), schema: schema, metadata: [("snapshot-id", "42")], codec: .deflate)).write(to: ours)
        let theirs = directory.appendingPathComponent("theirs.avro")
        let script = #"""
        import fastavro, json, sys
        with open(sys.argv[1], "rb") as f:
            reader = fastavro.reader(f)
            schema = reader.writer_schema
            rows = list(reader)
            meta = reader.metadata
        def plain(v):
            if isinstance(v, bytes): return list(v)
            if isinstance(v, list): return [plain(x) for x in v]
            if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
            return v
        ids = [f.get("field-id") for f in json.loads(meta["avro.schema"])["fields"]]
        # Write the same rows back with fastavro, deflated, for our reader.
        with open(sys.argv[2], "wb") as out:
            fastavro.writer(out, fastavro.parse_schema(json.loads(meta["avro.schema"])), rows, codec="deflate",
                            metadata={"written-by": "fastavro"})
        print(json.dumps({"rows": plain(rows), "ids": ids, "snapshot": meta.get("snapshot-id")}))
        """#
        let finished = try await FinishedProcess.run(ReferencePython.path, ["-c", script, ours.path, theirs.path], errors: .apart)
        #expect(finished.status == 0, "\(finished.errors)")
        let seen = try JSONParser.parse(Array(finished.output.utf8))
        #expect(seen["ids"] == [500, 501, 502, 503, 507, 9000])
        #expect(seen["snapshot"] == "42")
        let rows = try #require(seen["rows"]?.arrayValue)
        #expect(rows.count == 50)
        #expect(rows[3]["manifest_path"] == "file:///warehouse/ns/t/metadata/3-m0.avro")
        #expect(rows[3]["added_snapshot_id"] == .int(3 << 40))
        #expect(rows[3]["partitions"]?[0]?["lower_bound"] == [0, 255, 3])
        #expect(rows[2]["added_snapshot_id"] == .null)

        let back = try AvroContainer.read(Array(try Data(contentsOf: theirs)))
        #expect(back.metadata["written-by"] == "fastavro")
        #expect(back.records == records(50))
    }

    @Test func damagedFilesAreRefusedWithTheReason() throws {
        var bytes = try AvroContainer.write(records(3), schema: schema)
        #expect(throws: AvroError.notAContainerFile("the magic bytes are missing")) { try AvroContainer.read(Array(bytes.dropFirst())) }
        bytes.removeLast(5)
        #expect(throws: AvroError.self) { try AvroContainer.read(bytes) }
    }
}
