#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the flat (top-level, non-repeated) columns of a Parquet file, whoever wrote it: PLAIN and
/// dictionary encodings, data pages v1 and v2, uncompressed, gzip and zstd pages. Column chunks are
/// read one at a time, so memory follows the chunk, not the file.
public struct ParquetFileReader {
    public let path: String
    /// The file's top-level primitive columns.
    public let columns: [ParquetColumn]
    public let rowCount: Int64
    /// For each of `columns`, its leaf position in the row groups' column chunks.
    private let leafIndices: [Int]
    private let rowGroups: [ThriftValue]

    public init(path: String) throws(ParquetError) {
        self.path = path
        let file = try ReadOnlyFile(path: path)
        let size = file.size
        guard size >= 12, try file.read(at: size - 4, count: 4) == Array("PAR1".utf8) else { throw .corrupt("\(path) has no Parquet footer") }
        let lengthBytes = try file.read(at: size - 8, count: 4)
        let footerLength = Int(lengthBytes[0]) | Int(lengthBytes[1]) << 8 | Int(lengthBytes[2]) << 16 | Int(lengthBytes[3]) << 24
        guard footerLength > 0, footerLength <= size - 12 else { throw .corrupt("\(path): footer length \(footerLength)") }
        var reader = ThriftCompactReader(try file.read(at: size - 8 - footerLength, count: footerLength))
        let metadata = try reader.readStruct()
        rowCount = metadata[3]?.integer ?? 0
        rowGroups = metadata[4]?.list ?? []

        // Walk the schema depth first: leaves are numbered in that order; only top-level primitive
        // leaves become readable columns.
        let elements = metadata[2]?.list ?? []
        var columns: [ParquetColumn] = []
        var leafIndices: [Int] = []
        var leaf = 0
        var index = 1
        func skipGroup() throws(ParquetError) {
            let children = Int(elements[index][5]?.integer ?? 0)
            index += 1
            for _ in 0..<children {
                guard index < elements.count else { throw .corrupt("the schema ends inside a group") }
                if elements[index][5] != nil { try skipGroup() } else { leaf += 1; index += 1 }
            }
        }
        while index < elements.count {
            let element = elements[index]
            if element[5] != nil {
                try skipGroup()
                continue
            }
            let repetition = element[3]?.integer ?? 0
            if repetition != 2, let type = element[1]?.integer, let physical = ParquetPhysicalType(rawValue: Int32(type)) {
                columns.append(ParquetColumn(name: element[4]?.string ?? "", fieldID: Int32(element[9]?.integer ?? -1),
                                             physicalType: physical, logicalType: Self.logicalType(of: element),
                                             isRequired: repetition == 0))
                leafIndices.append(leaf)
            }
            leaf += 1
            index += 1
        }
        self.columns = columns
        self.leafIndices = leafIndices
    }

    private static func logicalType(of element: ThriftValue) -> ParquetLogicalType? {
        if let logical = element[10] {
            if logical[1] != nil { return .string }
            if logical[12] != nil { return .json }
            if logical[6] != nil { return .date }
            if let timestamp = logical[8], timestamp[2]?[2] != nil { return .timestampMicros(adjustedToUTC: timestamp[1]?.bool ?? false) }
        }
        switch element[6]?.integer {
        case 0?: return .string
        case 19?: return .json
        case 6?: return .date
        case 10?: return .timestampMicros(adjustedToUTC: true)
        default: return nil
        }
    }

    /// Every value of the column with this Iceberg field id, row group after row group.
    public func values(ofFieldID fieldID: Int32) throws(ParquetError) -> [ParquetValue?] {
        guard let position = columns.firstIndex(where: { $0.fieldID == fieldID }) else {
            throw .unsupported("\(path) has no flat column with field id \(fieldID)")
        }
        let column = columns[position]
        let file = try ReadOnlyFile(path: path)
        var values: [ParquetValue?] = []
        values.reserveCapacity(Int(rowCount))
        for group in rowGroups {
            let chunks = group[1]?.list ?? []
            guard leafIndices[position] < chunks.count, let metadata = chunks[leafIndices[position]][3] else {
                throw .corrupt("a row group lacks column \(column.name)")
            }
            let start = metadata[11]?.integer ?? metadata[9]?.integer ?? 0
            let length = metadata[7]?.integer ?? 0
            let chunk = try file.read(at: Int(start), count: Int(length))
            var decoder = ColumnChunkDecoder(column: column, codec: metadata[4]?.integer ?? 0, valueCount: Int(metadata[5]?.integer ?? 0))
            values += try decoder.decode(chunk)
        }
        return values
    }
}

/// Decodes the pages of one column chunk.
private struct ColumnChunkDecoder {
    let column: ParquetColumn
    let codec: Int64
    let valueCount: Int
    var dictionary: [ParquetValue] = []

    mutating func decode(_ chunk: [UInt8]) throws(ParquetError) -> [ParquetValue?] {
        var values: [ParquetValue?] = []
        var offset = 0
        while values.count < valueCount {
            guard offset < chunk.count else { throw .corrupt("column \(column.name) ends before its \(valueCount) values") }
            var reader = ThriftCompactReader(chunk, at: offset)
            let header = try reader.readStruct()
            let compressedSize = Int(header[3]?.integer ?? 0)
            let uncompressedSize = Int(header[2]?.integer ?? 0)
            let bodyStart = reader.position
            guard compressedSize >= 0, bodyStart + compressedSize <= chunk.count else { throw .corrupt("a page of \(column.name) runs past its chunk") }
            let body = chunk[bodyStart..<bodyStart + compressedSize]
            offset = bodyStart + compressedSize
            switch header[1]?.integer {
            case 2?: // dictionary page
                let data = try decompress(body, size: uncompressedSize)
                let count = Int(header[7]?[1]?.integer ?? 0)
                var plain = PlainDecoder(data[...], column: column)
                dictionary = try (0..<count).map { _ throws(ParquetError) in try plain.next() }
            case 0?: // data page v1: levels and values compressed together
                let data = try decompress(body, size: uncompressedSize)
                let count = Int(header[5]?[1]?.integer ?? 0)
                var cursor = data.startIndex
                var defined = [UInt32](repeating: 1, count: count)
                if !column.isRequired {
                    guard data.count >= 4 else { throw .corrupt("a page of \(column.name) lacks its levels") }
                    let length = Int(data[cursor]) | Int(data[cursor + 1]) << 8 | Int(data[cursor + 2]) << 16 | Int(data[cursor + 3]) << 24
                    cursor += 4
                    guard cursor + length <= data.endIndex else { throw .corrupt("levels of \(column.name) run past the page") }
                    var levels = HybridDecoder(data[cursor..<cursor + length], bitWidth: 1)
                    defined = try levels.decode(count)
                    cursor += length
                }
                values += try decodeValues(data[cursor...], encoding: header[5]?[2]?.integer ?? 0, defined: defined)
            case 3?: // data page v2: levels uncompressed, values maybe compressed
                guard let v2 = header[8] else { throw .corrupt("a v2 page without its header") }
                let count = Int(v2[1]?.integer ?? 0)
                let repetitionLength = Int(v2[6]?.integer ?? 0)
                let definitionLength = Int(v2[5]?.integer ?? 0)
                let levelStart = body.startIndex + repetitionLength
                guard levelStart + definitionLength <= body.endIndex else { throw .corrupt("levels of \(column.name) run past the page") }
                var defined = [UInt32](repeating: 1, count: count)
                if !column.isRequired {
                    var levels = HybridDecoder(body[levelStart..<levelStart + definitionLength], bitWidth: 1)
                    defined = try levels.decode(count)
                }
                let valueBytes = body[(levelStart + definitionLength)...]
                let isCompressed = v2[7]?.bool ?? true
                let data = isCompressed ? try decompress(valueBytes, size: uncompressedSize - repetitionLength - definitionLength) : Array(valueBytes)
                values += try decodeValues(data[...], encoding: v2[4]?.integer ?? 0, defined: defined)
            default:
                continue // index pages and others carry no values
            }
        }
        return values
    }

    private func decodeValues(_ data: ArraySlice<UInt8>, encoding: Int64, defined: [UInt32]) throws(ParquetError) -> [ParquetValue?] {
        let present = defined.reduce(0) { $0 + Int($1) }
        var decoded: [ParquetValue] = []
        switch encoding {
        case 0: // PLAIN
            var plain = PlainDecoder(data, column: column)
            decoded = try (0..<present).map { _ throws(ParquetError) in try plain.next() }
        case 2, 8: // PLAIN_DICTIONARY, RLE_DICTIONARY
            guard let width = data.first else {
                if present == 0 { break }
                throw .corrupt("dictionary indices of \(column.name) are missing")
            }
            var indices = HybridDecoder(data.dropFirst(), bitWidth: Int(width))
            decoded = try indices.decode(present).map { (index) throws(ParquetError) -> ParquetValue in
                guard Int(index) < dictionary.count else { throw .corrupt("dictionary index \(index) of \(column.name)") }
                return dictionary[Int(index)]
            }
        case 3 where column.physicalType == .boolean: // RLE booleans: length-prefixed hybrid of width 1
            guard data.count >= 4 else { throw .corrupt("RLE booleans of \(column.name) lack their length") }
            let start = data.startIndex
            let length = Int(data[start]) | Int(data[start + 1]) << 8 | Int(data[start + 2]) << 16 | Int(data[start + 3]) << 24
            guard start + 4 + length <= data.endIndex else { throw .corrupt("RLE booleans of \(column.name) run past the page") }
            var bits = HybridDecoder(data[(start + 4)..<(start + 4 + length)], bitWidth: 1)
            decoded = try bits.decode(present).map { .boolean($0 == 1) }
        default:
            throw .unsupported("encoding \(encoding) of column \(column.name)")
        }
        var next = decoded.makeIterator()
        return defined.map { $0 == 1 ? next.next() : nil }
    }

    private func decompress(_ body: ArraySlice<UInt8>, size: Int) throws(ParquetError) -> [UInt8] {
        try PageCompressor.decompress(body, codec: codec, size: size, column: column.name)
    }
}

/// PLAIN-encoded values of one physical type.
private struct PlainDecoder {
    let data: ArraySlice<UInt8>
    let column: ParquetColumn
    var position: Int
    var bitIndex = 0

    init(_ data: ArraySlice<UInt8>, column: ParquetColumn) {
        self.data = data
        self.column = column
        position = data.startIndex
    }

    mutating func next() throws(ParquetError) -> ParquetValue {
        switch column.physicalType {
        case .boolean:
            let byteIndex = data.startIndex + bitIndex / 8
            guard byteIndex < data.endIndex else { throw .corrupt("booleans of \(column.name) end early") }
            defer { bitIndex += 1 }
            return .boolean(data[byteIndex] >> UInt8(bitIndex % 8) & 1 == 1)
        case .int32: return .int32(Int32(bitPattern: UInt32(try littleEndian(4))))
        case .int64: return .int64(Int64(bitPattern: try littleEndian(8)))
        case .float: return .float(Float(bitPattern: UInt32(try littleEndian(4))))
        case .double: return .double(Double(bitPattern: try littleEndian(8)))
        case .byteArray:
            let length = Int(try littleEndian(4))
            guard position + length <= data.endIndex else { throw .corrupt("a value of \(column.name) runs past its page") }
            defer { position += length }
            let bytes = data[position..<position + length]
            switch column.logicalType {
            case .string?, .json?: return .string(String(decoding: bytes, as: UTF8.self))
            default: return .bytes(Array(bytes))
            }
        }
    }

    private mutating func littleEndian(_ size: Int) throws(ParquetError) -> UInt64 {
        guard position + size <= data.endIndex else { throw .corrupt("values of \(column.name) end early") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(data[position + index]) << (8 * UInt64(index)) }
        position += size
        return value
    }
}

/// A file opened for reading at offsets.
private struct ReadOnlyFile {
    let path: String
    let size: Int

    init(path: String) throws(ParquetError) {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else { throw .io(path: path, operation: "opening", errno: errno) }
        size = Int(status.st_size)
    }

    func read(at offset: Int, count: Int) throws(ParquetError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= size else { throw .corrupt("\(path): range \(offset)+\(count) past the end") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .io(path: path, operation: "opening", errno: errno) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "reading", errno: errno)
            }
            guard got > 0 else { throw .corrupt("\(path) is shorter than it says") }
            done += got
        }
        return bytes
    }
}
