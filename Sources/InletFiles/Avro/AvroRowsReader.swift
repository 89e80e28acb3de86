import CSnappy
import CZlib
import CZstd
import InletJSON
import InletParquet
import InletZlib

/// Reads an Avro object container file one block at a time: its writer's schema (named types,
/// logical types), the null, deflate, snappy (CRC-checked) and zstandard codecs, each block's sync
/// marker checked. Top-level fields are the columns; nested values land as JSON.
public final class AvroRowsReader: TabularReader {
    public let columnNames: [String]
    public let declaredTypes: [ColumnType]?
    public let layout = FileLayout(format: .avro)
    /// The records the blocks' headers count, walked header to header without decoding (nil when
    /// a header does not read, which the import then reports).
    public var recordedRowCount: Int? {
        var offset = firstBlock
        var records = 0
        while offset < file.size {
            guard let head = try? file.read(at: offset, count: 20) else { return nil }
            var varints = AvroBytes(bytes: head, path: file.path)
            guard let count = try? varints.long(), let size = try? varints.long(), count >= 0, size >= 0 else { return nil }
            records += Int(count)
            offset += varints.position + Int(size) + 16
        }
        return offset == file.size ? records : nil
    }
    public var bytesRead: Int { file.offset }

    private let file: FileBytes
    private let fields: [(name: String, schema: AvroFileSchema)]
    private let codec: String
    private let sync: [UInt8]
    /// Where the first block starts, after the header.
    private let firstBlock: Int
    private var block: [UInt8] = []
    private var position = 0
    private var remaining = 0
    private var blockNumber = 0

    public init(path: String) throws(FileImportError) {
        file = try FileBytes(path: path)
        var header = AvroBytes(bytes: try file.read(at: 0, count: min(file.size, 1 << 20)), path: path)
        guard try header.take(4) == [0x4F, 0x62, 0x6A, 0x01] else { throw FileImportError("\(path) is not an Avro object container file") }
        var metadata: [String: [UInt8]] = [:]
        while true {
            var count = try header.long()
            if count == 0 { break }
            if count < 0 { count = -count; _ = try header.long() }
            for _ in 0..<count {
                let key = String(decoding: try header.lengthPrefixed(), as: UTF8.self)
                metadata[key] = try header.lengthPrefixed()
            }
        }
        sync = try header.take(16)
        firstBlock = header.position
        file.seek(to: header.position)
        codec = metadata["avro.codec"].map { String(decoding: $0, as: UTF8.self) } ?? "null"
        guard ["null", "deflate", "snappy", "zstandard"].contains(codec) else {
            throw FileImportError("\(path): Avro codec '\(codec)' is not read (null, deflate, snappy and zstandard are)")
        }
        guard let schemaBytes = metadata["avro.schema"], let json = try? JSONParser.parse(schemaBytes) else {
            throw FileImportError("\(path): the Avro header has no readable schema")
        }
        var names: [String: AvroFileSchema] = [:]
        guard case .record(_, let fields) = try AvroFileSchema.parse(json, names: &names) else {
            throw FileImportError("\(path): the Avro schema is not a record, so it has no columns")
        }
        self.fields = fields
        columnNames = ColumnNames.distinct(fields.map(\.name))
        declaredTypes = fields.map(\.schema.columnType)
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        while remaining == 0 {
            guard try nextBlock() else { return nil }
        }
        remaining -= 1
        var decoder = AvroBytes(bytes: block, path: file.path, position: position)
        var row: [FileCell] = []
        row.reserveCapacity(fields.count)
        for field in fields { row.append(try decoder.cell(field.schema)) }
        position = decoder.position
        if remaining == 0, position != block.count {
            throw FileImportError("\(file.path): block \(blockNumber) has \(block.count - position) bytes after its records")
        }
        return row
    }

    private func nextBlock() throws(FileImportError) -> Bool {
        let head = try file.read(at: file.offset, count: 20)
        if head.isEmpty { return false }
        var varints = AvroBytes(bytes: head, path: file.path)
        let count = try varints.long()
        let size = try varints.long()
        guard count >= 0, size >= 0, size <= 1 << 31 else { throw FileImportError("\(file.path): block \(blockNumber + 1) has a broken header") }
        file.seek(to: file.offset + varints.position)
        let data = try file.readNext(Int(size))
        let marker = try file.readNext(16)
        guard data.count == Int(size), marker.count == 16 else { throw FileImportError("\(file.path): the file ends inside block \(blockNumber + 1) (truncated?)") }
        guard marker == sync else { throw FileImportError("\(file.path): block \(blockNumber + 1) does not end with the file's sync marker") }
        blockNumber += 1
        block = try decompress(data)
        position = 0
        remaining = Int(count)
        return true
    }

    private func decompress(_ data: [UInt8]) throws(FileImportError) -> [UInt8] {
        switch codec {
        case "deflate":
            do { return try RawDeflate.decompress(data) } catch { throw FileImportError("\(file.path): block \(blockNumber): \(error)") }
        case "snappy":
            guard data.count >= 4 else { throw FileImportError("\(file.path): block \(blockNumber): a snappy block without its checksum") }
            let body = Array(data.dropLast(4))
            var length = 0
            let known = body.withUnsafeBytes { snappy_uncompressed_length($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, &length) }
            guard known == SNAPPY_OK, length <= 1 << 31 else { throw FileImportError("\(file.path): block \(blockNumber) is not snappy") }
            var output = [UInt8](repeating: 0, count: length)
            let status = body.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    snappy_uncompress(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                                      target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK else { throw FileImportError("\(file.path): block \(blockNumber) does not decompress (snappy)") }
            let expected = data.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let actual = output.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            guard expected == actual else { throw FileImportError("\(file.path): block \(blockNumber) fails its CRC-32 check (corrupt)") }
            return output
        case "zstandard":
            return try Self.zstd(data, block: blockNumber, path: file.path)
        default:
            return data
        }
    }

    private static func zstd(_ data: [UInt8], block: Int, path: String) throws(FileImportError) -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw FileImportError("zstd: no decompression context") }
        defer { ZSTD_freeDStream(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var failed = false
        data.withUnsafeBytes { source in
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var produced = 0
            repeat {
                produced = chunk.withUnsafeMutableBytes { target -> Int in
                    var out = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    let status = ZSTD_decompressStream(stream, &out, &input)
                    if ZSTD_isError(status) != 0 { failed = true }
                    return out.pos
                }
                output += chunk[0..<produced]
                if failed { break }
                // On while input is left, or while a full output chunk says more may be pending.
            } while input.pos < input.size || produced == chunk.count
        }
        if failed { throw FileImportError("\(path): block \(block) does not decompress (zstandard)") }
        return output
    }
}

/// Avro's binary encoding, read: zig-zag varints, little-endian floats, length-prefixed bytes.
struct AvroBytes {
    let bytes: [UInt8]
    let path: String
    var position = 0

    init(bytes: [UInt8], path: String, position: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.position = position
    }

    private func ended() -> FileImportError {
        FileImportError("\(path): an Avro value runs past the end of its block (corrupt or truncated)")
    }

    mutating func take(_ count: Int) throws(FileImportError) -> [UInt8] {
        guard count >= 0, position + count <= bytes.count else { throw ended() }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func long() throws(FileImportError) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw ended() }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw FileImportError("\(path): an Avro varint longer than 64 bits") }
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    mutating func lengthPrefixed() throws(FileImportError) -> [UInt8] {
        let length = try long()
        guard length >= 0 else { throw FileImportError("\(path): a negative Avro length") }
        return try take(Int(length))
    }

    mutating func double() throws(FileImportError) -> Double {
        let raw = try take(8)
        return Double(bitPattern: raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }

    mutating func float() throws(FileImportError) -> Float {
        let raw = try take(4)
        return Float(bitPattern: raw.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
    }

    /// A top-level field's value as a cell.
    mutating func cell(_ schema: AvroFileSchema) throws(FileImportError) -> FileCell {
        switch schema {
        case .null: return .null
        case .boolean: return .bool(try take(1)[0] != 0)
        case .int, .long: return .int(try long())
        case .float: return .double(Double(try float()))
        case .double: return .double(try double())
        case .string: return .string(String(decoding: try lengthPrefixed(), as: UTF8.self))
        case .bytes: return .string(ParquetRowsReader.base64(try lengthPrefixed()))
        case .fixed(let size): return .string(ParquetRowsReader.base64(try take(size)))
        case .enumeration(let symbols):
            let index = Int(try long())
            guard symbols.indices.contains(index) else { throw FileImportError("\(path): enum symbol \(index) of \(symbols.count)") }
            return .string(symbols[index])
        case .union(let branches):
            let branch = Int(try long())
            guard branches.indices.contains(branch) else { throw FileImportError("\(path): union branch \(branch) of \(branches.count)") }
            let present = branches.filter { if case .null = $0 { return false } else { return true } }
            if present.count == 1 { return try cell(branches[branch]) }
            let value = try json(branches[branch])
            return value.isNull ? .null : .json(value)
        case .record, .array, .map: return .json(try json(schema))
        case .logical(let name, let base, _, let scale):
            switch (name, base) {
            case ("date", .int): return .date(Int32(truncatingIfNeeded: try long()))
            case ("timestamp-millis", .long): return .timestamp(try long() * 1000, zoned: true)
            case ("timestamp-micros", .long): return .timestamp(try long(), zoned: true)
            case ("local-timestamp-millis", .long): return .timestamp(try long() * 1000, zoned: false)
            case ("local-timestamp-micros", .long): return .timestamp(try long(), zoned: false)
            case ("timestamp-nanos", .long), ("local-timestamp-nanos", .long):
                let nanos = try long()
                if nanos % 1000 != 0 { return .string(String(nanos)) }
                return .timestamp(nanos / 1000, zoned: name == "timestamp-nanos")
            case ("time-millis", .int): return .string(CivilDate.isoText(microseconds: try long() * 1000, zoned: false).split(separator: "T").last.map(String.init) ?? "")
            case ("time-micros", .long): return .string(CivilDate.isoText(microseconds: try long(), zoned: false).split(separator: "T").last.map(String.init) ?? "")
            case ("decimal", .bytes): return .decimal(ParquetRowsReader.decimalText(.bytes(try lengthPrefixed()), scale: scale))
            case ("decimal", .fixed(let size)): return .decimal(ParquetRowsReader.decimalText(.bytes(try take(size)), scale: scale))
            default: return try cell(base)
            }
        }
    }

    /// A nested value as JSON.
    mutating func json(_ schema: AvroFileSchema) throws(FileImportError) -> JSONValue {
        switch schema {
        case .record(_, let fields):
            var object = JSONObject(minimumCapacity: fields.count)
            for field in fields { object[field.name] = try json(field.schema) }
            return .object(object)
        case .array(let items):
            var elements: [JSONValue] = []
            try blocks { (decoder: inout AvroBytes) throws(FileImportError) in elements.append(try decoder.json(items)) }
            return .array(elements)
        case .map(let values):
            var object = JSONObject()
            try blocks { (decoder: inout AvroBytes) throws(FileImportError) in
                let key = String(decoding: try decoder.lengthPrefixed(), as: UTF8.self)
                object[key] = try decoder.json(values)
            }
            return .object(object)
        case .union(let branches):
            let branch = Int(try long())
            guard branches.indices.contains(branch) else { throw FileImportError("\(path): union branch \(branch) of \(branches.count)") }
            return try json(branches[branch])
        default:
            switch try cell(schema) {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .double(let number): return number.isFinite ? .double(number) : .string("\(number)")
            case .decimal(let text): return .bigNumber(text)
            case .json(let value): return value
            case let other: return other.text.map { .string($0) } ?? .null
            }
        }
    }

    private mutating func blocks(_ item: (inout AvroBytes) throws(FileImportError) -> Void) throws(FileImportError) {
        while true {
            var count = try long()
            if count == 0 { return }
            if count < 0 { count = -count; _ = try long() }
            for _ in 0..<count { try item(&self) }
        }
    }
}
