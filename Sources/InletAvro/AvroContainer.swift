public import InletJSON
import InletZlib

/// Avro object container files, as Iceberg's manifests and manifest lists are: header with the
/// schema, codec and metadata, then blocks of records, each followed by the file's sync marker.
public enum AvroContainer {
    public enum Codec: String, Sendable {
        case null
        /// Raw RFC 1951 deflate, pyiceberg's default.
        case deflate
    }

    private static let magic: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]   // "Obj" 1

    /// A whole file holding `records`, with `metadata` beside the schema and codec.
    public static func write(_ records: [AvroValue], schema: AvroSchema, metadata: [(String, String)] = [],
                             codec: Codec = .null) throws(AvroError) -> [UInt8] {
        var header = AvroEncoder()
        header.bytes = magic
        var entries: [(String, AvroValue)] = [
            ("avro.schema", .bytes(Array(JSONWriter.string(from: schema.json).utf8))),
            ("avro.codec", .bytes(Array(codec.rawValue.utf8))),
        ]
        entries += metadata.map { ($0.0, .bytes(Array($0.1.utf8))) }
        try header.encode(.map(entries), as: .map(values: .bytes))
        var generator = SystemRandomNumberGenerator()
        let sync = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        header.bytes += sync
        guard !records.isEmpty else { return header.bytes }
        var block = AvroEncoder()
        for record in records { try block.encode(record, as: schema) }
        let data = codec == .deflate ? try deflate(block.bytes) : block.bytes
        header.varint(Int64(records.count))
        header.varint(Int64(data.count))
        header.bytes += data
        header.bytes += sync
        return header.bytes
    }

    /// A file's schema (as written), metadata and records.
    public struct Contents: Sendable {
        public var schema: AvroSchema
        public var metadata: [String: String]
        public var records: [AvroValue]
    }

    public static func read(_ bytes: [UInt8]) throws(AvroError) -> Contents {
        var decoder = AvroDecoder(bytes)
        guard Array(try decoder.take(4)) == magic else { throw .notAContainerFile("the magic bytes are missing") }
        guard case .map(let entries) = try decoder.decode(.map(values: .bytes)) else { throw .corrupt("header") }
        var metadata: [String: String] = [:]
        var schemaJSON: [UInt8] = []
        var codec = "null"
        for (key, value) in entries {
            guard case .bytes(let data) = value else { continue }
            switch key {
            case "avro.schema": schemaJSON = data
            case "avro.codec": codec = String(decoding: data, as: UTF8.self)
            default: metadata[key] = String(decoding: data, as: UTF8.self)
            }
        }
        guard let parsedSchema = try? JSONParser.parse(schemaJSON) else { throw .corrupt("the header's schema is not JSON") }
        let schema = try AvroSchema(json: parsedSchema)
        let sync = Array(try decoder.take(16))
        var records: [AvroValue] = []
        while !decoder.isAtEnd {
            let count = try decoder.varint()
            let size = try decoder.varint()
            let raw = Array(try decoder.take(Int(size)))
            let data: [UInt8]
            switch codec {
            case "null": data = raw
            case "deflate": data = try inflate(raw)
            default: throw .unsupportedCodec(codec)
            }
            var block = AvroDecoder(data)
            for _ in 0..<count { records.append(try block.decode(schema)) }
            guard Array(try decoder.take(16)) == sync else { throw .corrupt("a block does not end with the sync marker") }
        }
        return Contents(schema: schema, metadata: metadata, records: records)
    }

    private static func deflate(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        do { return try RawDeflate.compress(input) } catch { throw .corrupt("\(error)") }
    }

    private static func inflate(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        do { return try RawDeflate.decompress(input) } catch { throw .corrupt("\(error)") }
    }
}
