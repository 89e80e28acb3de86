public import InletJSON
import CZlib

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

    // MARK: - Raw deflate

    private static func deflate(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw .corrupt("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 16)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int32 in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .corrupt("deflate returned \(status)") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    private static func inflate(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(input.count * 4, 4096))
        var input = input
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
                }
            }
        }
        guard status == Z_STREAM_END else { throw .corrupt("a deflate block does not inflate (zlib status \(status))") }
        return output
    }
}
